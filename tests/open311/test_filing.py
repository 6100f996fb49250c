"""POST requests: filing a case, at once for a known resident, or as a token to follow."""

from __future__ import annotations

import pytest

from xiangli.audit.models import AuditEntry
from xiangli.cases.models import Case, State
from xiangli.open311.models import Submission, SubmissionStatus

from .conftest import post, xml


def filing(hotline, world, **extra):
    data = {"api_key": hotline.key, "service_code": "YL-001", "address_id": world.grid_a1.code,
            "phone": "13800000001", "description": "My pension has not started.",
            "attribute[materials_at_hand][]": ["1", "2"], "attribute[home_visit]": "yes"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_known_residents_phone_opens_the_case_at_once(world, hotline, fmt):
    response = post(f"requests.{fmt}", filing(hotline, world))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.resident == world.alice_resident
    assert case.item == world.pension
    assert case.state == State.SUBMITTED
    assert case.created_by == world.tom
    assert "My pension has not started." in case.description
    assert "居民身份证、户口簿" in case.description  # the answers, for the staff who read the case
    if fmt == "json":
        answer = response.json()
        assert answer[0]["service_request_id"] == case.number
        assert answer[0]["token"] == Submission.objects.get().token
        assert answer[0]["service_notice"]
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == case.number
        assert [c.tag for c in root.find("request")] == ["service_request_id", "token", "service_notice",
                                                         "account_id"]
    sub = Submission.objects.get()
    assert sub.status == SubmissionStatus.CREATED and sub.case == case


def test_the_account_id_comes_back_as_given(world, hotline):
    response = post("requests.json", filing(hotline, world, account_id="caller-77"))
    assert response.json()[0]["account_id"] == "caller-77"


def test_an_unknown_phone_gives_a_token_and_the_submission_waits_for_staff(world, hotline):
    response = post("requests.json", filing(hotline, world, phone="13700000009", first_name="秀兰",
                                            last_name="刘"))
    assert response.status_code == 200
    answer = response.json()[0]
    assert answer["token"] and "service_request_id" not in answer
    assert answer["service_notice"]
    assert not Case.objects.exists()
    sub = Submission.objects.get(token=answer["token"])
    assert sub.status == SubmissionStatus.PENDING
    assert sub.contact_name == "刘秀兰"
    assert sub.phone == "+8613700000009"


def test_a_shared_household_phone_needs_the_name_to_tell_who(world, hotline):
    from tests.conftest import resident

    resident("王建军", world.village_a, world.grid_a1, 9, phone="13800000001")  # Alice's son, same phone
    assert "service_request_id" not in post("requests.json", filing(hotline, world)).json()[0]
    answer = post("requests.json", filing(hotline, world, last_name="王", first_name="秀英",
                                          service_code="YL-001")).json()[0]
    # The first filing waits as a submission; the named one opens Alice's case at once.
    assert Case.objects.get().resident == world.alice_resident
    assert answer["service_request_id"] == Case.objects.get().number


def test_a_client_without_a_service_account_always_gets_a_token(world, app_without_account):
    answer = post("requests.json", filing(app_without_account, world)).json()[0]
    assert "token" in answer and "service_request_id" not in answer
    assert not Case.objects.exists()


def test_a_service_account_that_does_not_serve_the_village_leaves_it_to_its_staff(world):
    from xiangli.open311 import services

    _client, key = services.issue_client(by=None, name="Other hotline", acting_user=world.dora)
    answer = post("requests.json", {"api_key": key, "service_code": "YL-001", "address_id": world.village_a.code,
                                    "phone": "13800000001"}).json()[0]
    assert "service_request_id" not in answer
    assert not Case.objects.exists()


def test_an_item_done_only_in_person_cannot_be_filed(world, hotline):
    response = post("requests.json", filing(hotline, world, service_code="HJ-001"))
    assert response.status_code == 404
    assert not Submission.objects.exists()


def test_a_second_filing_of_an_open_matter_waits_for_staff_instead_of_duplicating(world, hotline):
    post("requests.json", filing(hotline, world))
    answer = post("requests.json", filing(hotline, world)).json()[0]
    assert "service_request_id" not in answer
    assert Case.objects.count() == 1


def test_lat_and_long_are_stored_but_the_village_decides_where_the_case_belongs(world, hotline):
    post("requests.json", filing(hotline, world, lat="34.123456", long="112.654321",
                                 media_url="https://example.org/p.jpg"))
    sub = Submission.objects.get()
    assert str(sub.lat) == "34.123456" and str(sub.long) == "112.654321"
    assert sub.media_url == "https://example.org/p.jpg"
    assert Case.objects.get().village == world.village_a


def test_a_village_jurisdiction_accepts_a_point_for_its_own_village(world, hotline):
    data = filing(hotline, world, address_id=None, lat="34.1", long="112.6", jurisdiction_id=world.village_a.code)
    assert post("requests.json", data).status_code == 200
    assert Case.objects.get().village == world.village_a


def test_address_string_may_name_the_village(world, hotline):
    data = filing(hotline, world, address_id=None, address_string="Village A")
    assert post("requests.json", data).status_code == 200
    assert Submission.objects.get().village == world.village_a


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_api_key_is_a_403_and_writes_nothing(world, hotline, fmt):
    response = post(f"requests.{fmt}", filing(hotline, world, api_key=None))
    assert response.status_code == 403
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "403"
    else:
        assert response.json()[0]["code"] == 403
    assert not Submission.objects.exists() and not Case.objects.exists()


def test_a_wrong_or_revoked_api_key_is_a_403(world, hotline):
    from xiangli.open311 import services

    assert post("requests.json", filing(hotline, world, api_key="o311_wrong")).status_code == 403
    services.revoke(hotline.client, by=None)
    response = post("requests.json", filing(hotline, world))
    assert response.status_code == 403
    assert "api_key" in response.json()[0]["description"]
    assert not Submission.objects.exists()


def test_an_unknown_service_code_is_a_404_and_a_missing_one_a_400(world, hotline):
    assert post("requests.json", filing(hotline, world, service_code="NOPE")).status_code == 404
    assert post("requests.json", filing(hotline, world, service_code=None)).status_code == 400
    assert not Submission.objects.exists()


def test_an_unknown_jurisdiction_is_a_404(world, hotline):
    assert post("requests.json", filing(hotline, world, jurisdiction_id="000")).status_code == 404


@pytest.mark.parametrize(("change", "words"), [
    ({"address_id": None}, "location is required"),
    ({"address_id": None, "lat": "34.1", "long": "112.6"}, "belong to a village"),
    ({"address_id": "410329999999"}, "Unknown address_id"),
    ({"lat": "north", "long": "1"}, "lat is not a number"),
    ({"lat": "91", "long": "1"}, "lat is out of range"),
    ({"phone": "12345"}, "phone number"),
    ({"email": "not-an-email"}, "e-mail"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"media_url": "https://example.org/" + "p" * 500}, "media_url"),
    ({"attribute[home_visit]": "maybe"}, "no such choice"),
    ({"attribute[materials_at_hand][]": ["1", "7"]}, "no such choice"),
    ({"attribute[colour]": "red"}, "no attribute"),
    ({"description": "x" * 4001}, "too long"),
])
def test_bad_input_is_a_400_with_a_readable_description_and_writes_nothing(world, hotline, change, words):
    from django.test import Client

    response = post("requests.json", filing(hotline, world, **change))
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    from urllib.parse import urlencode

    response = english.post("/open311/v2/requests.json", urlencode(filing(hotline, world, **change), doseq=True),
                            content_type="application/x-www-form-urlencoded")
    assert words in response.json()[0]["description"]
    assert not Submission.objects.exists() and not Case.objects.exists()


def test_an_address_outside_the_jurisdiction_is_refused(world, hotline):
    response = post("requests.json", filing(hotline, world, jurisdiction_id=world.township2.code))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_service_the_village_centre_switched_off_is_refused(world, hotline):
    world.centre_a.disabled_items.add(world.pension)
    response = post("requests.json", filing(hotline, world))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_the_rate_limit_answers_429_with_retry_after(world, hotline):
    hotline.client.per_minute = 2
    hotline.client.save()
    statuses = [post("requests.json", filing(hotline, world, phone="13700000009")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = post("requests.json", filing(hotline, world, phone="13700000009"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Submission.objects.count() == 2


def test_each_submission_and_the_case_it_became_are_on_the_audit_trail(world, hotline):
    post("requests.json", filing(hotline, world))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"open311_client.added", "open311.submitted", "open311.matched", "case.created"} <= actions
    # The phone in the trail is masked.
    assert "13800000001" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
