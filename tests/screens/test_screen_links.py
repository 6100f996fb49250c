"""Screen links: a wall TV shows one area's screen without logging in, read-only, until the
link is revoked or expires; staff who may see the area make and revoke them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from xiangli.audit.models import AuditEntry
from xiangli.cases import services as cases
from xiangli.screens import services
from xiangli.screens.models import ScreenLink


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lobby(world):
    """Village A's lobby TV."""
    link, token = services.create_link(by=world.sam, area=world.village_a, name="Lobby TV")
    return link, token


def test_a_link_shows_its_areas_screen_without_logging_in(world, lobby):
    link, token = lobby
    page = Client().get(f"/screens/l/{token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert world.village_a.display_name in body
    assert f'data-url="/screens/l/{token}/data.json"' in body
    assert page["Referrer-Policy"] == "no-referrer"
    data = Client().get(f"/screens/l/{token}/data.json").json()
    assert data["area"]["code"] == world.village_a.code


def test_a_link_shows_exactly_its_area(world):
    _, token = services.create_link(by=world.tom, area=world.township, name="Township hall")
    cases.create_case(by=world.andy, resident=world.carl_resident, item=world.pension, channel="walk_in")
    cases.create_case(by=world.oscar, resident=world.bob_resident, item=world.pension, channel="walk_in")
    data = Client().get(f"/screens/l/{token}/data.json").json()
    assert data["area"]["code"] == world.township.code
    assert {c["village"] for c in data["stream"]} == {"Village A", "Village B"}
    body = Client().get(f"/screens/l/{token}/").content.decode()
    # No way further: the villages are named, not linked, and no other area's screen opens.
    assert not re.search(r'href="/screens/\d', body)
    assert 'data-drill=""' in body
    assert Client().get(f"/screens/{world.village_a.code}/").status_code == 302  # log in first
    assert Client().get(f"/screens/{world.village_a.code}/data.json").status_code == 401


def test_a_link_stops_working_when_revoked(world, lobby):
    link, token = lobby
    services.revoke_link(link, by=world.tom)  # the township above may revoke it too
    assert Client().get(f"/screens/l/{token}/").status_code == 404
    response = Client().get(f"/screens/l/{token}/data.json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_link_stops_working_when_it_expires(world):
    today = timezone.localdate()
    link, token = services.create_link(by=world.sam, area=world.village_a, name="Fair", valid_until=today)
    assert Client().get(f"/screens/l/{token}/data.json").status_code == 200
    ScreenLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(f"/screens/l/{token}/").status_code == 404
    assert Client().get(f"/screens/l/{token}/data.json").status_code == 404


def test_a_made_up_token_is_a_404(world, lobby):
    assert Client().get("/screens/l/not-a-token/").status_code == 404
    assert Client().get(f"/screens/l/{'x' * 100}/data.json").status_code == 404


def test_only_a_hash_of_the_token_is_kept(world, lobby):
    link, token = lobby
    link.refresh_from_db()
    assert token not in str(ScreenLink.objects.filter(pk=link.pk).values().get())
    assert len(token) >= 32


def test_the_link_speaks_its_own_language(world):
    _, token = services.create_link(by=world.sam, area=world.village_a, name="English TV", language="en")
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    body = client.get(f"/screens/l/{token}/").content.decode()
    assert 'lang="en"' in body and "Received today" in body


def test_the_last_time_a_screen_was_seen_is_noted_without_a_write_per_poll(world, lobby, django_assert_num_queries):
    link, token = lobby
    Client().get(f"/screens/l/{token}/data.json")
    link.refresh_from_db()
    assert link.last_seen_at is not None
    client = Client()
    # Warm: the link, and the stream's new cases and new questions; no session, no user, no write.
    with django_assert_num_queries(3):
        assert client.get(f"/screens/l/{token}/data.json").status_code == 200


def test_staff_create_a_link_on_the_page_and_see_it_once(world):
    client = as_(world.sam)
    page = client.post(f"/screens/{world.village_a.code}/links/", {"name": "Lobby TV", "language": "zh-hans"})
    assert page.status_code == 200
    body = page.content.decode()
    address = re.search(r'value="(http://testserver/screens/l/[^"]+/)"', body).group(1)
    assert Client().get(address).status_code == 200
    listing = client.get(f"/screens/{world.village_a.code}/links/").content.decode()
    assert "Lobby TV" in listing
    assert address not in listing  # shown once
    assert AuditEntry.objects.filter(action="screen_link.created").count() == 1


def test_staff_revoke_a_link_on_the_page(world, lobby):
    link, token = lobby
    response = as_(world.andy).post(f"/screens/links/{link.pk}/revoke/")
    assert response.status_code == 302
    assert Client().get(f"/screens/l/{token}/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_by == world.andy
    assert AuditEntry.objects.filter(action="screen_link.revoked").count() == 1


@pytest.mark.parametrize("who", ["oscar", "dora", "audrey", "gina", "alice"])
def test_others_may_neither_see_nor_make_nor_revoke_the_links(world, lobby, who):
    link, token = lobby
    client = as_(getattr(world, who))
    assert client.get(f"/screens/{world.village_a.code}/links/").status_code == 404
    assert client.post(f"/screens/{world.village_a.code}/links/", {"name": "Mine", "language": "en"}).status_code == 404
    assert client.post(f"/screens/links/{link.pk}/revoke/").status_code == 404
    assert ScreenLink.objects.count() == 1
    assert Client().get(f"/screens/l/{token}/").status_code == 200


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写大屏名称，例如：大厅电视。"),
        ({"name": "TV", "valid_until": dt.date(2020, 1, 1)}, "valid_until", "该日期已过，请选择今天或以后的日期。"),
        ({"name": "TV", "valid_until": dt.date(2099, 1, 1)}, "valid_until", "链接有效期最长三年。"),
        ({"name": "TV", "language": "fr"}, "language", "请选择本站支持的语言。"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_made(world, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        services.create_link(by=world.sam, area=world.village_a, **fields)
    assert refused.value.message_dict[field] == [message]
    assert not ScreenLink.objects.exists()


def test_a_past_date_on_the_page_is_shown_beside_the_field(world):
    page = as_(world.sam).post(
        f"/screens/{world.village_a.code}/links/", {"name": "TV", "language": "en", "valid_until": "2020-01-01"}
    )
    assert "该日期已过" in page.content.decode()
    assert not ScreenLink.objects.exists()


def test_an_auditor_reads_the_screen_but_makes_no_link(world):
    with pytest.raises(Http404):
        services.create_link(by=world.audrey, area=world.city, name="Audit room")
    assert as_(world.audrey).get(f"/screens/{world.city.code}/").status_code == 200
