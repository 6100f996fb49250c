"""GET requests, GET requests/{id} and GET tokens/{token}: following cases without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xiangli.cases import services as cases
from xiangli.cases.models import Case
from xiangli.open311.models import Submission

from .conftest import get, post, xml

PERSONAL = ("王秀英", "13800000001", "138****0001", "李建国", "My pension")


def file_for(world, resident, item=None, when=None, user=None):
    user = user or (world.oscar if resident == world.bob_resident else world.andy)
    case = cases.create_case(by=user, resident=resident, item=item or world.pension, channel="phone",
                             description="My pension has not started. Call 13800000001.")
    if when is not None:
        Case.objects.filter(pk=case.pk).update(submitted_at=when)
        case.refresh_from_db()
    return case


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_shows_the_specified_fields_and_no_personal_data(world, fmt):
    case = file_for(world, world.alice_resident)
    cases.accept_case(case, by=world.andy)
    case.refresh_from_db()
    response = get(f"requests/{case.number}.{fmt}")
    assert response.status_code == 200
    assert not any(p in response.content.decode() for p in PERSONAL)
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        request = root.find("request")
        assert [c.tag for c in request] == [
            "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
            "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
            "address", "address_id", "zipcode"]
        assert request.findtext("status") == "open"
        return
    (data,) = response.json()
    assert data["service_request_id"] == case.number
    assert data["status"] == "open"
    assert data["service_code"] == "YL-001"
    assert data["agency_responsible"] == "人社"
    assert data["address"] == "Township T Village A"
    assert data["address_id"] == world.village_a.code
    assert data["description"] == ""
    assert data["requested_datetime"].endswith("+08:00")
    assert data["expected_datetime"] == f"{case.due_on.isoformat()}T23:59:59+08:00"
    assert dt.datetime.fromisoformat(data["updated_datetime"]) >= dt.datetime.fromisoformat(
        data["requested_datetime"])
    assert data["status_notes"] == "已受理"


def test_done_and_declined_cases_are_closed(world):
    done = file_for(world, world.alice_resident)
    cases.accept_case(done, by=world.andy)
    cases.complete_case(done, by=world.andy)
    declined = file_for(world, world.bob_resident, user=world.oscar)
    cases.decline_case(declined, by=world.oscar, note="Not eligible: Bob is 40.")
    body = get("requests.json", service_request_id=f"{done.number},{declined.number}").json()
    assert {r["status"] for r in body} == {"closed"}
    # The decline reason is for the resident, not for the public.
    assert "Bob is 40" not in str(body)


def test_status_notes_name_the_last_step(world):
    from django.test import Client

    case = file_for(world, world.alice_resident)
    cases.accept_case(case, by=world.andy)
    cases.carry_case(case, by=world.andy, note="County social insurance centre")
    data = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert data["status_notes"] == "Carried to a higher office"
    cases.record_visit(case, by=world.andy)
    data = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert data["status_notes"] == "Carried to a higher office: Resident came in person"
    assert data["agency_responsible"] == "County social insurance centre"


def test_unknown_request_id_is_a_404(world):
    assert get("requests/20260101-999999.json").status_code == 404
    assert get("requests/garbage.xml").status_code == 404
    assert xml(get("requests/garbage.xml")).findtext("error/code") == "404"


def test_a_request_outside_the_jurisdiction_is_a_404(world):
    case = file_for(world, world.alice_resident)
    assert get(f"requests/{case.number}.json", jurisdiction_id=world.village_a.code).status_code == 200
    assert get(f"requests/{case.number}.json", jurisdiction_id=world.village_b.code).status_code == 404


def test_list_filters_by_service_code_and_status(world, allowance):
    pension = file_for(world, world.alice_resident)
    allowance_case = file_for(world, world.carl_resident, item=allowance)
    cases.accept_case(allowance_case, by=world.andy)
    cases.complete_case(allowance_case, by=world.andy)
    ids = lambda **p: {r["service_request_id"] for r in get("requests.json", **p).json()}  # noqa: E731
    assert ids() == {pension.number, allowance_case.number}
    assert ids(service_code="YL-001") == {pension.number}
    assert ids(service_code="YL-001,DB-001") == {pension.number, allowance_case.number}
    assert ids(status="open") == {pension.number}
    assert ids(status="closed") == {allowance_case.number}
    assert ids(status="open,closed") == {pension.number, allowance_case.number}
    assert get("requests.json", status="lost").status_code == 400


def test_list_follows_the_jurisdiction(world):
    a = file_for(world, world.alice_resident)
    b = file_for(world, world.bob_resident, user=world.oscar)
    ids = lambda **p: {r["service_request_id"] for r in get("requests.json", **p).json()}  # noqa: E731
    assert ids(jurisdiction_id=world.village_a.code) == {a.number}
    assert ids(jurisdiction_id=world.township.code) == {a.number, b.number}
    assert ids(jurisdiction_id=world.township2.code) == set()


def test_list_defaults_to_the_last_90_days_and_a_range_may_not_span_more(world):
    now = timezone.now()
    recent = file_for(world, world.alice_resident, when=now - dt.timedelta(days=10))
    old = file_for(world, world.carl_resident, when=now - dt.timedelta(days=120))
    ids = lambda **p: {r["service_request_id"] for r in get("requests.json", **p).json()}  # noqa: E731
    assert ids() == {recent.number}
    start = (now - dt.timedelta(days=130)).replace(microsecond=0).isoformat()
    end = (now - dt.timedelta(days=100)).replace(microsecond=0).isoformat()
    assert ids(start_date=start, end_date=end) == {old.number}
    assert ids(start_date=start) == {old.number}  # 90 days from the start
    response = get("requests.json", start_date=start, end_date=now.isoformat())
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert get("requests.json", start_date=end, end_date=start).status_code == 400
    assert get("requests.json", start_date="yesterday").status_code == 400
    # With ids, the dates are ignored, as the specification says.
    assert ids(service_request_id=old.number) == {old.number}


def test_dates_in_utc_and_as_plain_days_are_understood(world):
    case = file_for(world, world.alice_resident)
    day = timezone.localdate()
    assert get("requests.json", start_date=day.isoformat()).json()[0]["service_request_id"] == case.number
    utc = (timezone.now() - dt.timedelta(hours=1)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(get("requests.json", start_date=utc).json()) == 1


def test_list_is_newest_first_and_pages_with_the_page_extension(world):
    now = timezone.now()
    made = [file_for(world, r, when=now - dt.timedelta(hours=h))
            for h, r in enumerate([world.alice_resident, world.carl_resident, world.bob_resident])]
    numbers = [r["service_request_id"] for r in get("requests.json").json()]
    assert numbers == [c.number for c in made]
    assert [r["service_request_id"] for r in get("requests.json", page_size=2).json()] == numbers[:2]
    assert [r["service_request_id"] for r in get("requests.json", page_size=2, page=2).json()] == numbers[2:]
    assert get("requests.json", page_size=1001).status_code == 400
    assert get("requests.json", page=0).status_code == 400


def test_at_most_1000_requests_come_back(world, monkeypatch):
    from xiangli.open311 import views

    monkeypatch.setattr(views, "MAX_REQUESTS", 2)
    for r in (world.alice_resident, world.carl_resident, world.bob_resident):
        file_for(world, r)
    assert len(get("requests.json").json()) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_timeline_comes_as_notes_with_extensions(world, fmt):
    case = file_for(world, world.alice_resident)
    cases.accept_case(case, by=world.andy, note="Andy will call 13800000001")
    cases.complete_case(case, by=world.andy)
    if fmt == "json":
        plain = get(f"requests/{case.number}.json").json()[0]
        assert "notes" not in plain
        notes = get(f"requests/{case.number}.json", extensions="true").json()[0]["notes"]
        assert [n["type"] for n in notes] == ["created", "accepted", "done"]
        assert [n["status"] for n in notes] == ["open", "open", "closed"]
        assert all(n["datetime"].endswith("+08:00") for n in notes)
        assert "13800000001" not in str(notes) and "Andy" not in str(notes)
    else:
        root = xml(get(f"requests/{case.number}.xml", extensions="true"))
        assert [n.findtext("type") for n in root.findall("request/notes/note")] == ["created", "accepted", "done"]


def test_the_list_takes_two_queries_whatever_its_length(world, allowance, django_assert_num_queries):
    for r in (world.alice_resident, world.carl_resident):
        file_for(world, r)
        file_for(world, r, item=allowance)
    with django_assert_num_queries(1):
        assert len(get("requests.json").json()) == 4
    with django_assert_num_queries(2):  # the jurisdiction, then the cases
        assert len(get("requests.xml", jurisdiction_id=world.township.code).content) > 0
    with django_assert_num_queries(2):  # the cases, then their timelines
        assert len(get("requests.json", extensions="true").json()) == 4


def test_a_token_gives_the_request_id_once_staff_opened_the_case(world, hotline):
    from xiangli.open311 import services

    token = post("requests.json", {"api_key": hotline.key, "service_code": "YL-001",
                                   "address_id": world.village_a.code, "phone": "13700000009"}).json()[0]["token"]
    waiting = get(f"tokens/{token}.json").json()
    assert waiting == [{"service_request_id": None, "token": token}]
    root = xml(get(f"tokens/{token}.xml"))
    assert root.tag == "service_requests"
    assert [c.tag for c in root.find("request")] == ["service_request_id", "token"]
    case = services.match(Submission.objects.get(token=token), by=world.andy, resident=world.carl_resident)
    assert get(f"tokens/{token}.json").json() == [{"service_request_id": case.number, "token": token}]


def test_an_unknown_token_is_a_404(world):
    response = get("tokens/nope.xml")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"


def test_xml_survives_control_characters_in_stored_text(world):
    world.pension.department_zh = "人社\x0b局"
    world.pension.save()
    case = file_for(world, world.alice_resident)
    root = xml(get(f"requests/{case.number}.xml"))
    assert root.findtext("request/agency_responsible") == "人社局"
