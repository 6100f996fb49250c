"""The JSON a screen polls: today's numbers, new cases after its cursor (each once), overdue
cases, and the charts only when they changed; cheap, and with no personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from xiangli.cases import services
from xiangli.cases.models import Case
from xiangli.screens.queries import FETCH_LIMIT, OVERLAP, STREAM_SIZE, Cursor

from ..factories import make_cases


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def poll(client: Client, code: str, **params: str) -> dict:
    response = client.get(f"/screens/{code}/data.json", params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def file_for_carl(world, item=None):
    return services.create_case(by=world.andy, resident=world.carl_resident, item=item or world.pension,
                                channel="walk_in")


@pytest.mark.parametrize(
    ("who", "area", "received"),
    [("cheng", "city", 5), ("kate", "county", 5), ("tom", "township", 5), ("andy", "village_a", 3),
     ("oscar", "village_b", 2)],
)
def test_each_level_answers_with_its_own_numbers(world, busy, who, area, received):
    data = poll(as_(getattr(world, who)), getattr(world, area).code)
    assert data["area"]["code"] == getattr(world, area).code
    assert data["numbers"]["received"] == received
    assert data["numbers"]["open"] == received
    assert len(data["stream"]) == received
    assert data["charts"]["trend"]["received"][-1] == received
    assert len(data["charts"]["trend"]["days"]) == 30


def test_the_city_ranks_its_counties_and_a_township_its_villages(world, busy):
    city = poll(as_(world.cheng), world.city.code)["charts"]
    assert [r["code"] for r in city["ranking"]] == [world.county.code]
    township = poll(as_(world.tom), world.township.code)["charts"]
    rows = {r["code"]: r for r in township["ranking"]}
    assert set(rows) == {world.village_a.code, world.village_b.code}
    assert rows[world.village_a.code]["received"] == 3
    assert rows[world.village_a.code]["overdue"] == 1
    village = poll(as_(world.andy), world.village_a.code)["charts"]
    assert "ranking" not in village
    assert village["centre"]["name"] == "Centre A"


def test_a_new_case_appears_in_the_next_poll_after_the_cursor_and_not_twice(world, busy):
    client = as_(world.tom)
    first = poll(client, world.township.code)
    case = file_for_carl(world)
    second = poll(client, world.township.code, after=first["cursor"])
    assert [c["id"] for c in second["stream"]] == [case.pk]
    assert second["stream"][0]["village"] == world.village_a.display_name
    third = poll(client, world.township.code, after=second["cursor"])
    assert third["stream"] == []
    # Nor does the first cursor, reused, send the five older ones again.
    again = poll(client, world.township.code, after=first["cursor"])
    assert [c["id"] for c in again["stream"]] == [case.pk]


def test_a_case_committed_late_is_still_sent_once(world, busy):
    """A case's row shows when its transaction commits, a little after its submitted_at:
    a poll in between must not skip it for good."""
    client = as_(world.andy)
    first = poll(client, world.village_a.code)
    case = file_for_carl(world)
    # As if it had been submitted before the first poll but committed after it.
    Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now() - dt.timedelta(seconds=5))
    second = poll(client, world.village_a.code, after=first["cursor"])
    assert [c["id"] for c in second["stream"]] == [case.pk]
    assert poll(client, world.village_a.code, after=second["cursor"])["stream"] == []


def test_another_areas_new_case_does_not_reach_the_screen(world, busy):
    client = as_(world.oscar)
    first = poll(client, world.village_b.code)
    file_for_carl(world)  # village A
    assert poll(client, world.village_b.code, after=first["cursor"])["stream"] == []


def test_the_stream_is_newest_first_and_capped(world):
    make_cases(world, world.alice_resident, STREAM_SIZE + 5)
    Case.objects.update(submitted_at=timezone.now() - dt.timedelta(minutes=10))
    newest = make_cases(world, world.carl_resident, 1, by=world.andy)[0]
    data = poll(as_(world.andy), world.village_a.code)
    assert len(data["stream"]) == STREAM_SIZE
    assert data["stream"][0]["id"] == newest.pk


def test_the_stream_looks_back_one_day_at_most(world, busy):
    old = file_for_carl(world)
    Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(hours=25))
    data = poll(as_(world.andy), world.village_a.code)
    assert old.pk not in [c["id"] for c in data["stream"]]
    # A screen back from a long outage with a cursor of last week gets the last day only.
    week_ago = Cursor(timezone.now() - dt.timedelta(days=7)).encode()
    data = poll(as_(world.andy), world.village_a.code, after=week_ago)
    assert old.pk not in [c["id"] for c in data["stream"]]
    assert len(data["stream"]) == 3


def test_the_cursor_remembers_only_the_overlap(world, busy):
    data = poll(as_(world.cheng), world.city.code)
    cursor = Cursor.parse(data["cursor"])
    assert timezone.now() - cursor.since >= OVERLAP - dt.timedelta(seconds=1)
    assert cursor.sent == {c.pk for c in Case.objects.all()}
    Case.objects.update(submitted_at=timezone.now() - dt.timedelta(minutes=5))
    cache.clear()
    assert Cursor.parse(poll(as_(world.cheng), world.city.code)["cursor"]).sent == frozenset()


def test_a_burst_beyond_the_fetch_moves_the_cursor_on_without_repeats(world, busy):
    first = poll(as_(world.cheng), world.city.code)
    filed = make_cases(world, world.carl_resident, FETCH_LIMIT + 5, by=world.andy)
    second = poll(as_(world.cheng), world.city.code, after=first["cursor"])
    assert len(second["stream"]) == STREAM_SIZE
    assert second["stream"][0]["id"] == filed[-1].pk
    third = poll(as_(world.cheng), world.city.code, after=second["cursor"])
    assert third["stream"] == []


def test_overdue_cases_come_oldest_due_first(world, busy):
    today = timezone.localdate()
    later = busy["a"][1]
    earlier = make_cases(world, world.carl_resident, 2, by=world.andy)[1]  # the second one is accepted
    Case.objects.filter(pk=earlier.pk).update(due_on=today - dt.timedelta(days=9))
    data = poll(as_(world.andy), world.village_a.code)
    assert [c["id"] for c in data["overdue"]] == [earlier.pk, later.pk]
    assert data["overdue"][0]["late"] == "超期 9 天"


def test_charts_are_sent_only_when_they_changed(world, busy):
    client = as_(world.kate)
    first = poll(client, world.county.code)
    assert "charts" in first
    same = poll(client, world.county.code, after=first["cursor"], charts=first["charts_version"])
    assert "charts" not in same
    assert same["charts_version"] == first["charts_version"]


def test_no_personal_data_in_the_json(world, busy):
    Case.objects.filter(resident=world.alice_resident).update(description="王秀英 13800000001 住在东头")
    text = json.dumps(poll(as_(world.cheng), world.city.code), ensure_ascii=False)
    for secret in ("王秀英", "李建国", "13800000001", "13800000002", "东头",
                   world.alice_resident.id_number, world.bob_resident.id_number):
        assert secret not in text
    assert "resident" not in text and "phone" not in text


# Test ids are the reasons, not the cursors: a cursor made from the clock differs between the
# parallel workers' collections, which pytest-xdist refuses.
BAD_CURSORS = [
    ("", "empty"), ("abc", "not a number"), ("123:x", "ids not numbers"), ("1" * 18, "too long"),
    ("-5", "negative"), ("123:1,,2", "empty id"),
    (str(int((timezone.now() + dt.timedelta(days=1)).timestamp() * 1_000_000)), "in the future"),
    ("1:" + ",".join(["1"] * (FETCH_LIMIT + 1)), "too many ids"),
]


@pytest.mark.parametrize(("cursor", "why"), BAD_CURSORS, ids=[why for _, why in BAD_CURSORS])
def test_a_bad_cursor_is_a_400_with_a_clear_message(world, cursor, why):
    response = as_(world.cheng).get(f"/screens/{world.city.code}/data.json", {"after": cursor})
    assert response.status_code == 400, why
    error = response.json()["error"]
    assert error["code"] == "bad_cursor"
    assert error["message"] == "无法识别大屏的数据位置，请刷新页面。"


def test_the_error_speaks_english_to_an_english_screen(world):
    client = as_(world.cheng)
    client.cookies["django_language"] = "en"
    error = client.get(f"/screens/{world.city.code}/data.json", {"after": "x"}).json()["error"]
    assert error["message"] == "This screen's position in the stream was not understood; reload the page."


def test_visitors_get_a_401_in_json(world):
    response = Client().get(f"/screens/{world.city.code}/data.json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_logged_in"


def test_another_area_is_a_404_in_json(world):
    response = as_(world.oscar).get(f"/screens/{world.village_a.code}/data.json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_query_counts_are_pinned(world, busy, django_assert_num_queries):
    client = as_(world.cheng)
    # Cold: session, user, roles, area; stream; today, month, standing, last rollup, since the rollup;
    # overdue; trend; children, their sums, their standing.
    with django_assert_num_queries(15):
        first = poll(client, world.city.code)
    # Warm (what nearly every poll is): the figures come from the cache.
    with django_assert_num_queries(5):
        poll(client, world.city.code, after=first["cursor"], charts=first["charts_version"])


def test_query_counts_do_not_grow_with_the_cases(world, busy, django_assert_num_queries):
    make_cases(world, world.carl_resident, 40, by=world.andy)
    client = as_(world.tom)
    with django_assert_num_queries(15):
        poll(client, world.township.code)
