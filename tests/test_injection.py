"""An attacker types SQL, HTML and file paths into every box Xiangli has: nothing happens.

Search boxes (the counter's resident search, the API's, the home page's centre
search), names, notes on steps and the names of uploaded files all come back
escaped in the HTML, leave the database as it was (or hold exactly what was
typed, as text), and files land under MEDIA_ROOT/cases/<id>/ with a random name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import World, png_bytes, png_upload
from xiangli.api.tokens import issue_token
from xiangli.cases import services
from xiangli.cases.models import Attachment, Case, CaseEvent
from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Resident
from xiangli.people.services import register_resident

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
SQL = ["' OR '1'='1", "王' OR 1=1 --", "%' OR 1=1 --", "'; DROP TABLE people_resident; --", "1) OR (1=1"]
WILDCARDS = ["%", "_", "%%", "\\", "王%", "w%"]
PATHS = ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "%2e%2e%2fetc%2fpasswd"]
HOSTILE = [SCRIPT, IMG, '"><svg onload=alert(1)>', "{{ 7*7 }}{% debug %}", *SQL, *WILDCARDS, *PATHS]


def escaped(text: str) -> str:
    """How Django's autoescape writes text into HTML."""
    return str(escape(text))


def assert_harmless(page: str, payload: str) -> None:
    """No live markup from the payload reaches the page; if it is shown at all, it is escaped."""
    if any(c in payload for c in "<>\"'&"):
        assert payload not in page
    for tag in ("<script>alert", "<img src=x", "<svg onload"):
        if tag in payload:
            assert tag not in page


def fingerprint() -> dict[str, int]:
    """Rows in every table the app owns (sessions aside): what an injection would change."""
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in ("sessions", "contenttypes", "auth", "admin")
    }


@pytest.fixture
def andy(client: Client, world: World) -> Client:
    client.force_login(world.andy)
    return client


# Search boxes ---------------------------------------------------------------------------


# One world for all the payloads of a box: each payload is a few requests, not a test.


def test_the_counters_resident_search_finds_nobody_and_escapes_what_was_typed(andy: Client, world: World) -> None:
    before = fingerprint()
    for payload in HOSTILE:
        for headers in ({}, {"HX-Request": "true"}):
            response = andy.post(reverse("front:desk_find"), {"q": payload}, headers=headers)
            page = response.content.decode()
            assert response.status_code == 200, payload
            assert_harmless(page, payload)
            assert "王秀英" not in page and "张三" not in page, payload  # no wildcard or OR matched everyone
    assert fingerprint() == before


def test_the_apis_resident_search_finds_nobody_for_hostile_text(world: World) -> None:
    bearer = {"Authorization": f"Bearer {issue_token(user=world.andy)}"}
    before = fingerprint()
    for payload in HOSTILE:
        response = Client().post("/api/v1/residents/search", {"q": payload}, content_type="application/json",
                                 headers=bearer)
        assert response.status_code == 200, payload
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"items": []}, payload
    assert fingerprint() == before


def test_the_home_pages_centre_search_escapes_what_was_typed_and_matches_literally(
    client: Client, world: World
) -> None:
    before = fingerprint()
    for payload in HOSTILE:
        response = client.get("/", {"q": payload})
        page = response.content.decode()
        assert response.status_code == 200, payload
        assert_harmless(page, payload)
        assert f'value="{escaped(payload.strip())}"' in page  # shown back in the box, escaped
        assert "Centre A" not in page, payload  # "%" and "_" are not wildcards, OR is not SQL
    assert fingerprint() == before


def test_a_wildcard_in_a_search_is_matched_as_itself(andy: Client, world: World) -> None:
    register_resident(
        by=world.andy, name="王%", id_number=make_id_number("410329", world.alice_resident.birth_date, 88, "M"),
        village=world.village_a,
    )
    page = andy.post(reverse("front:desk_find"), {"q": "王%"}).content.decode()
    assert "王%" in page and "王秀英" not in page


# Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [SCRIPT, IMG, "Robert'); DROP TABLE people_resident; --", "{{ request }}"])
def test_a_resident_named_like_an_attack_is_stored_as_typed_and_shown_escaped(
    andy: Client, world: World, name: str
) -> None:
    residents = Resident.objects.count()
    response = andy.post(reverse("front:desk_new_resident"), {
        "village": world.village_a.pk, "name": name,
        "id_number": make_id_number("410329", world.alice_resident.birth_date, 99, "M"),
    })
    assert response.status_code == 302
    resident = Resident.objects.get(name=name)  # stored as typed, as text
    assert Resident.objects.count() == residents + 1

    pages = [andy.get(response.url, follow=True).content.decode()]  # the new-case page, with the success message
    case = services.create_case(by=world.andy, resident=resident, item=world.pension, channel="walk_in")
    pages.append(andy.get(reverse("front:desk_case", args=[case.pk])).content.decode())
    pages.append(andy.get(reverse("front:desk")).content.decode())
    pages.append(andy.post(reverse("front:desk_find"), {"q": name[:3]}).content.decode())
    for page in pages:
        assert_harmless(page, name)
    assert escaped(name) in pages[1] and escaped(name) in pages[2]

    api = Client().get(f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {issue_token(user=world.andy)}"})
    assert api["Content-Type"].startswith("application/json") and api.json()["resident_name"] == name


# Notes on steps -------------------------------------------------------------------------


@pytest.mark.parametrize("note", [SCRIPT, IMG, "'; DELETE FROM cases_case; --", "{{ 7*7 }}"])
def test_a_note_on_a_step_is_kept_as_typed_and_escaped_wherever_it_is_shown(
    andy: Client, world: World, note: str
) -> None:
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    step = reverse("front:desk_step", args=[case.pk])
    andy.post(step, {"action": "accept", "note": ""})
    andy.post(step, {"action": "request_materials", "note": note})
    assert CaseEvent.objects.filter(case=case).latest("pk").note == note
    assert Case.objects.count() == 1

    pages = [andy.get(reverse("front:desk_case", args=[case.pk])).content.decode()]
    alice = Client()
    alice.force_login(world.alice)
    pages.append(alice.get(reverse("front:my_case", args=[case.pk])).content.decode())
    pages.append(alice.get(reverse("front:inbox")).content.decode())
    for page in pages:
        assert_harmless(page, note)
        assert escaped(note) in page


# File names ------------------------------------------------------------------------------

FILE_NAMES = ["../../etc/passwd.png", "..\\..\\evil.png", 'a"b<c>.png', f"{SCRIPT}.png", "'; DROP TABLE x; --.png"]


def stored_safely(attachment: Attachment) -> None:
    assert re.fullmatch(rf"cases/{attachment.case_id}/[0-9a-f]{{24}}\.png", attachment.file.name)
    media = Path(settings.MEDIA_ROOT).resolve()
    on_disk = Path(attachment.file.path).resolve()
    assert on_disk.is_relative_to(media / "cases" / str(attachment.case_id)) and on_disk.exists()


@pytest.mark.parametrize("name", FILE_NAMES)
def test_an_upload_named_like_an_attack_lands_in_the_cases_folder_under_a_random_name(
    andy: Client, world: World, name: str
) -> None:
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    response = andy.post(reverse("front:desk_step", args=[case.pk]), {"action": "attach", "files": [png_upload(name)]})
    assert response.status_code == 302
    attachment = case.attachments.get()
    stored_safely(attachment)
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name.replace("..\\..\\", "")
    page = andy.get(reverse("front:desk_case", args=[case.pk])).content.decode()
    assert_harmless(page, name)
    file = andy.get(reverse("front:attachment", args=[attachment.pk]))
    assert file["Content-Disposition"] == f'inline; filename="attachment-{attachment.pk}"'
    assert b"".join(file.streaming_content) == Path(attachment.file.path).read_bytes()


@pytest.mark.parametrize("name", FILE_NAMES)
def test_an_upload_named_like_an_attack_through_the_api_or_the_action_lands_safely(world: World, name: str) -> None:
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    token = issue_token(user=world.andy)
    response = Client().post(
        f"/api/v1/cases/{case.pk}/attachments",
        {"files": [png_upload(name)]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    # The action itself, called with the raw name (no multipart parser to clean it first).
    services.add_attachments(case, by=world.andy, uploads=[SimpleUploadedFile(name, png_bytes(), "image/png")])
    assert case.attachments.count() == 2
    for attachment in case.attachments.all():
        stored_safely(attachment)
    assert not (Path(settings.MEDIA_ROOT).parent / "etc" / "passwd.png").exists()


def test_a_refused_upload_names_the_file_escaped(andy: Client, world: World) -> None:
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    # No slash in the name: the multipart parser would keep only what follows it.
    bad = SimpleUploadedFile(f"{IMG}.png", b"<html>" + SCRIPT.encode(), content_type="image/png")
    page = andy.post(
        reverse("front:desk_step", args=[case.pk]), {"action": "attach", "files": [bad]}, follow=True
    ).content.decode()
    assert "msg-error" in page and escaped(IMG) in page
    assert_harmless(page, IMG)
    assert not case.attachments.exists()
