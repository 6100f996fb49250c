"""Cases through the API: applying, who sees what, moving a case on, rating it, adding materials."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World, png_upload
from tests.factories import make_cases
from tests.test_api_openapi import assert_documented
from xiangli.cases import services
from xiangli.cases.models import Case, CaseEvent, State

pytestmark = pytest.mark.django_db

ONLINE_PENSION = {"item_code": "YL-001", "channel": "online", "description": "想领养老金"}


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict[str, Any], **headers: str) -> Any:
    response = client.post(url, data, content_type="application/json", headers=headers)
    assert_documented(response)
    return response


def get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert_documented(response)
    return response


def alice_applies(world: World) -> int:
    response = post(as_user(world.alice), "/api/v1/cases", ONLINE_PENSION)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_alice_applies_online_and_andy_finds_it_in_his_queue(world: World) -> None:
    response = post(as_user(world.alice), "/api/v1/cases", ONLINE_PENSION)

    assert response.status_code == 201
    case = response.json()
    assert case["state"] == "submitted"
    assert case["resident"]["name"] == "王秀英"
    assert case["allowed_actions"] == ["withdraw"]
    assert [e["kind"] for e in case["events"]] == ["created"]

    queue = get(as_user(world.andy), "/api/v1/cases").json()
    assert [row["id"] for row in queue["items"]] == [case["id"]]
    assert queue["next_offset"] is None


def test_the_same_idempotency_key_twice_files_one_case(world: World) -> None:
    alice = as_user(world.alice)
    first = post(alice, "/api/v1/cases", ONLINE_PENSION, **{"Idempotency-Key": "tap-1"})
    again = post(alice, "/api/v1/cases", ONLINE_PENSION, **{"Idempotency-Key": "tap-1"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1


def test_a_second_application_without_a_key_is_refused_as_a_duplicate(world: World) -> None:
    alice = as_user(world.alice)
    post(alice, "/api/v1/cases", ONLINE_PENSION)
    response = post(alice, "/api/v1/cases", ONLINE_PENSION, **{"Accept-Language": "en"})
    assert response.status_code == 400
    assert "already has an open case" in response.json()["error"]["message"]
    assert Case.objects.count() == 1


def test_an_agent_of_another_village_gets_404_on_the_case_and_its_steps(world: World) -> None:
    case_id = alice_applies(world)
    oscar = as_user(world.oscar)

    detail = get(oscar, f"/api/v1/cases/{case_id}")
    step = post(oscar, f"/api/v1/cases/{case_id}/transitions", {"action": "accept"})
    files = oscar.post(f"/api/v1/cases/{case_id}/attachments", {"files": [png_upload()]})

    assert detail.status_code == step.status_code == files.status_code == 404
    assert detail.json()["error"]["code"] == "not_found"
    assert get(oscar, "/api/v1/cases").json()["items"] == []
    assert Case.objects.get().state == State.SUBMITTED


def test_a_missing_case_looks_the_same_as_another_villages_case(world: World) -> None:
    case_id = alice_applies(world)
    oscar = as_user(world.oscar)
    assert get(oscar, f"/api/v1/cases/{case_id}").json() == get(oscar, "/api/v1/cases/999999").json()


def test_an_unknown_item_code_is_400_naming_the_field(world: World) -> None:
    response = post(
        as_user(world.alice), "/api/v1/cases", {**ONLINE_PENSION, "item_code": "NOPE-1"}, **{"Accept-Language": "en"}
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"item_code": ["There is no service with this code."]}
    assert not Case.objects.exists()


def test_an_item_that_cannot_be_applied_for_online_is_reported_on_item_code(world: World) -> None:
    response = post(
        as_user(world.alice), "/api/v1/cases", {**ONLINE_PENSION, "item_code": "HJ-001"}, **{"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["item_code"]
    assert "visit the centre" in response.json()["error"]["message"]


def test_an_unknown_channel_is_400_naming_the_field(world: World) -> None:
    response = post(as_user(world.alice), "/api/v1/cases", {**ONLINE_PENSION, "channel": "carrier pigeon"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["channel"]


def test_andy_enters_a_walk_in_case_for_a_resident_of_his_village(world: World) -> None:
    response = post(
        as_user(world.andy),
        "/api/v1/cases",
        {
            "resident_id": world.carl_resident.pk,
            "item_code": "YL-001",
            "channel": "walk_in",
        },
    )
    assert response.status_code == 201
    assert response.json()["resident"]["name"] == "张三"
    assert "accept" in response.json()["allowed_actions"]


def test_a_resident_outside_the_callers_villages_is_404_not_403(world: World) -> None:
    response = post(
        as_user(world.oscar),
        "/api/v1/cases",
        {
            "resident_id": world.alice_resident.pk,
            "item_code": "YL-001",
            "channel": "walk_in",
        },
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_a_resident_cannot_file_for_her_neighbour(world: World) -> None:
    response = post(
        as_user(world.alice),
        "/api/v1/cases",
        {"resident_id": world.carl_resident.pk, "item_code": "YL-001", "channel": "online"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_staff_without_a_resident_record_must_say_whose_case_it_is(world: World) -> None:
    response = post(as_user(world.andy), "/api/v1/cases", {"item_code": "YL-001", "channel": "walk_in"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["resident_id"]


def test_closing_a_submitted_case_is_refused_and_the_case_stays_submitted(world: World) -> None:
    case_id = alice_applies(world)

    response = post(
        as_user(world.andy), f"/api/v1/cases/{case_id}/transitions", {"action": "close"}, **{"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "A case that is “Submitted” cannot be moved this way."
    assert Case.objects.get().state == State.SUBMITTED
    assert CaseEvent.objects.count() == 1


def test_declining_without_a_reason_names_the_note_field(world: World) -> None:
    case_id = alice_applies(world)
    response = post(as_user(world.andy), f"/api/v1/cases/{case_id}/transitions", {"action": "decline"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["note"]
    assert Case.objects.get().state == State.SUBMITTED


def test_a_resident_cannot_accept_her_own_case(world: World) -> None:
    case_id = alice_applies(world)

    response = post(as_user(world.alice), f"/api/v1/cases/{case_id}/transitions", {"action": "accept"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Case.objects.get().state == State.SUBMITTED


def test_andy_accepts_and_the_case_gets_a_due_date(world: World) -> None:
    case_id = alice_applies(world)

    response = post(as_user(world.andy), f"/api/v1/cases/{case_id}/transitions", {"action": "accept"})

    assert response.status_code == 200
    case = response.json()
    assert case["state"] == "accepted" and case["due_on"] is not None
    assert case["agent_name"] == "Andy"
    assert case["events"][-1]["kind"] == "accepted" and case["events"][-1]["actor_name"] == "Andy"


def test_six_stars_is_400_and_nothing_is_rated(world: World) -> None:
    case = Case.objects.get(pk=alice_applies(world))
    services.accept_case(case, by=world.andy)
    services.complete_case(case, by=world.andy)

    response = post(as_user(world.alice), f"/api/v1/cases/{case.pk}/rating", {"stars": 6})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stars"]
    case.refresh_from_db()
    assert case.rating is None and case.state == State.DONE


def test_the_full_rating_flow(world: World) -> None:
    case_id = alice_applies(world)
    andy, alice = as_user(world.andy), as_user(world.alice)
    assert post(alice, f"/api/v1/cases/{case_id}/rating", {"stars": 5}).status_code == 400  # not done yet
    for action in ("accept", "complete"):
        assert post(andy, f"/api/v1/cases/{case_id}/transitions", {"action": action}).status_code == 200
    auditor = as_user(world.audrey)
    assert post(auditor, f"/api/v1/cases/{case_id}/rating", {"stars": 1}).status_code == 403  # reads only

    response = post(alice, f"/api/v1/cases/{case_id}/rating", {"stars": 5, "comment": "很快"})

    assert response.status_code == 200
    case = response.json()
    assert (case["state"], case["rating"], case["rating_comment"]) == ("closed", 5, "很快")
    assert case["events"][-1]["kind"] == "rated"
    again = post(alice, f"/api/v1/cases/{case_id}/rating", {"stars": 1})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert Case.objects.get().rating == 5


def test_the_detail_shows_phone_and_id_number_masked_only(world: World) -> None:
    case_id = alice_applies(world)

    response = get(as_user(world.andy), f"/api/v1/cases/{case_id}")

    resident = response.json()["resident"]
    assert resident["masked_phone"] == "138****0001"
    assert resident["masked_id_number"].startswith("410329") and "*" in resident["masked_id_number"]
    assert "13800000001" not in response.content.decode()
    assert world.alice_resident.id_number not in response.content.decode()


def test_materials_are_added_as_multipart_files(world: World) -> None:
    case_id = alice_applies(world)
    alice = as_user(world.alice)

    response = alice.post(f"/api/v1/cases/{case_id}/attachments", {"files": [png_upload(), png_upload("b.png")]})

    assert response.status_code == 201
    assert_documented(response)
    assert [a["content_type"] for a in response.json()] == ["image/png", "image/png"]
    detail = get(alice, f"/api/v1/cases/{case_id}").json()
    assert len(detail["attachments"]) == 2
    assert detail["events"][-1]["kind"] == "attachment"


def test_a_file_that_is_not_a_photo_or_pdf_is_refused(world: World) -> None:
    case_id = alice_applies(world)
    text = SimpleUploadedFile("note.png", b"just text", content_type="image/png")

    response = as_user(world.alice).post(
        f"/api/v1/cases/{case_id}/attachments", {"files": [text]}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert_documented(response)
    assert "not a photo or a PDF" in response.json()["error"]["message"]
    assert not Case.objects.get().attachments.exists()


def test_alice_sees_her_own_cases_newest_first_including_finished_ones(world: World) -> None:
    cases = make_cases(world, world.alice_resident, 3)
    services.withdraw_case(cases[0], by=world.alice)

    rows = get(as_user(world.alice), "/api/v1/cases").json()["items"]

    assert [r["id"] for r in rows] == [c.pk for c in reversed(cases)]
    assert rows[-1]["state"] == "withdrawn"


def test_andys_queue_puts_cases_with_the_nearest_due_date_first(world: World) -> None:
    cases = make_cases(world, world.alice_resident, 4)  # the odd ones are accepted, with due dates

    rows = get(as_user(world.andy), "/api/v1/cases").json()["items"]

    accepted = sorted((c for c in cases if c.due_on), key=lambda c: (c.due_on, c.submitted_at))
    submitted = [c for c in cases if not c.due_on]
    assert [r["id"] for r in rows] == [c.pk for c in accepted + submitted]


def test_staff_filter_by_state_and_overdue(world: World) -> None:
    cases = make_cases(world, world.alice_resident, 4)
    Case.objects.filter(pk=cases[1].pk).update(due_on="2020-01-02")
    andy = as_user(world.andy)

    submitted = get(andy, "/api/v1/cases?state=submitted").json()["items"]
    overdue = get(andy, "/api/v1/cases?overdue=true").json()["items"]

    assert {r["id"] for r in submitted} == {cases[0].pk, cases[2].pk}
    assert [(r["id"], r["overdue"]) for r in overdue] == [(cases[1].pk, True)]


def test_staff_see_finished_cases_when_they_ask_for_them(world: World) -> None:
    cases = make_cases(world, world.alice_resident, 2)
    services.withdraw_case(cases[0], by=world.alice)
    rows = get(as_user(world.andy), "/api/v1/cases?state=withdrawn").json()["items"]
    assert [r["id"] for r in rows] == [cases[0].pk]


def test_an_unknown_state_is_400_naming_the_field(world: World) -> None:
    response = get(as_user(world.andy), "/api/v1/cases?state=lost")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["state"]


def test_the_queue_comes_in_pages(world: World) -> None:
    make_cases(world, world.alice_resident, 5)
    andy = as_user(world.andy)

    first = get(andy, "/api/v1/cases?limit=2").json()
    last = get(andy, "/api/v1/cases?limit=2&offset=4").json()
    everything = get(andy, "/api/v1/cases").json()["items"]

    assert first["next_offset"] == 2 and last["next_offset"] is None
    assert [r["id"] for r in first["items"] + last["items"]] == [r["id"] for r in everything[:2] + everything[4:]]


def test_more_than_100_rows_at_once_is_refused(world: World) -> None:
    response = get(as_user(world.andy), "/api/v1/cases?limit=101")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["limit"]


def test_errors_are_in_the_request_language(world: World) -> None:
    case_id = alice_applies(world)
    andy = as_user(world.andy)
    english = post(andy, f"/api/v1/cases/{case_id}/rating", {}, **{"Accept-Language": "en"})
    chinese = post(andy, f"/api/v1/cases/{case_id}/rating", {}, **{"Accept-Language": "zh-hans"})
    assert english.json()["error"]["fields"] == {"stars": ["This field is required."]}
    assert chinese.json()["error"]["fields"] == {"stars": ["这个字段是必填项。"]}


def test_an_app_downloads_a_material_with_its_token_and_others_get_404(world) -> None:
    from django.test import Client

    from tests.conftest import png_upload
    from xiangli.api.tokens import issue_token
    from xiangli.cases import services

    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online",
                                uploads=[png_upload()])
    attachment = case.attachments.get()
    token = issue_token(user=world.andy, name="phone")
    response = Client().get(f"/api/v1/attachments/{attachment.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    import io

    from PIL import Image

    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as img:  # stored re-encoded, same picture
        assert img.format == "PNG" and img.size == (8, 8)
    other = issue_token(user=world.oscar, name="phone")
    response = Client().get(f"/api/v1/attachments/{attachment.pk}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
