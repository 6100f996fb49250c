"""Staff pages: submissions that wait for village staff, matched to a resident or not taken up."""

from __future__ import annotations

import pytest
from django.test import Client

from xiangli.audit.models import AuditEntry
from xiangli.cases.models import Case
from xiangli.open311.models import Submission, SubmissionStatus

from .conftest import post


@pytest.fixture
def waiting(world, hotline):
    """A caller whose phone is not on file, for village A's grid A2 (Carl's grid)."""
    answer = post("requests.json", {
        "api_key": hotline.key, "service_code": "YL-001", "address_id": world.grid_a2.code,
        "phone": "13700000009", "last_name": "张", "first_name": "三", "description": "For my father.",
        "attribute[call_back]": "morning",
    }).json()[0]
    return Submission.objects.get(token=answer["token"])


def page(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_village_staff_see_the_waiting_submission_with_the_phone_masked(world, waiting):
    body = page(world.andy).get("/open311/v2/submissions/").content.decode()
    assert "张三" in body
    detail = page(world.andy).get(f"/open311/v2/submissions/{waiting.pk}/").content.decode()
    assert "137****0009" in detail and "13700000009" not in detail
    assert "For my father." in detail
    # Carl shares the name given: he is suggested.
    assert world.carl_resident.name in detail


def test_the_list_shows_only_the_users_villages(world, waiting):
    assert "张三" not in page(world.oscar).get("/open311/v2/submissions/").content.decode()
    assert "张三" in page(world.tom).get("/open311/v2/submissions/").content.decode()


@pytest.mark.parametrize("name", ["oscar", "dora", "alice", "bob"])
def test_anyone_not_taking_cases_in_the_village_gets_404(world, waiting, name):
    client = page(getattr(world, name))
    assert client.get(f"/open311/v2/submissions/{waiting.pk}/").status_code == 404
    assert client.post(f"/open311/v2/submissions/{waiting.pk}/match/{world.carl_resident.pk}/").status_code == 404
    assert client.post(f"/open311/v2/submissions/{waiting.pk}/reject/", {"reason": "x"}).status_code == 404
    assert not Case.objects.exists()


def test_a_visitor_is_sent_to_log_in(world, waiting):
    response = Client().get("/open311/v2/submissions/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_matching_opens_the_case_and_the_token_then_gives_its_number(world, waiting):
    response = page(world.andy).post(f"/open311/v2/submissions/{waiting.pk}/match/{world.carl_resident.pk}/")
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/desk/cases/{case.pk}/")
    assert case.resident == world.carl_resident and case.created_by == world.andy
    assert "For my father." in case.description
    waiting.refresh_from_db()
    assert waiting.status == SubmissionStatus.CREATED and waiting.case == case
    token = Client().get(f"/open311/v2/tokens/{waiting.token}.json").json()
    assert token[0]["service_request_id"] == case.number


def test_a_resident_of_another_village_cannot_be_matched(world, waiting):
    response = page(world.tom).post(f"/open311/v2/submissions/{waiting.pk}/match/{world.bob_resident.pk}/")
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_a_submission_is_matched_once(world, waiting):
    from xiangli.open311 import services

    services.match(waiting, by=world.andy, resident=world.carl_resident)
    response = page(world.sam).post(f"/open311/v2/submissions/{waiting.pk}/match/{world.carl_resident.pk}/",
                                    follow=True)
    assert Case.objects.count() == 1
    assert "Someone else has just dealt with this submission" in response.content.decode()


def test_not_taking_it_up_needs_a_reason_and_keeps_it(world, waiting):
    client = page(world.andy)
    client.post(f"/open311/v2/submissions/{waiting.pk}/reject/", {"reason": " "})
    waiting.refresh_from_db()
    assert waiting.status == SubmissionStatus.PENDING
    client.post(f"/open311/v2/submissions/{waiting.pk}/reject/", {"reason": "Nobody of that name lives here."})
    waiting.refresh_from_db()
    assert waiting.status == SubmissionStatus.REJECTED
    assert waiting.reason == "Nobody of that name lives here."
    assert AuditEntry.objects.filter(action="open311.rejected").exists()
    # The token stays without a request id.
    assert Client().get(f"/open311/v2/tokens/{waiting.token}.json").json()[0]["service_request_id"] is None


def test_the_full_phone_is_shown_once_with_a_reason_and_logged(world, waiting):
    client = page(world.andy)
    client.post(f"/open311/v2/submissions/{waiting.pk}/reveal/", {"reason": ""})
    assert not AuditEntry.objects.filter(action="open311.phone_revealed").exists()
    client.post(f"/open311/v2/submissions/{waiting.pk}/reveal/", {"reason": "to call back"})
    assert "+8613700000009" in client.get(f"/open311/v2/submissions/{waiting.pk}/").content.decode()
    assert "+8613700000009" not in client.get(f"/open311/v2/submissions/{waiting.pk}/").content.decode()
    entry = AuditEntry.objects.get(action="open311.phone_revealed")
    assert entry.actor == world.andy and entry.changes["phone"] == "137****0009"


def test_the_pending_list_takes_the_same_queries_for_one_or_many(world, hotline, django_assert_num_queries):
    for n in range(12):
        post("requests.json", {"api_key": hotline.key, "service_code": "YL-001", "address_id": world.grid_a1.code,
                               "phone": f"137000001{n:02d}"})
    client = page(world.andy)
    client.get("/open311/v2/submissions/")  # warm the session
    with django_assert_num_queries(4):  # session, user, roles, submissions
        body = client.get("/open311/v2/submissions/").content.decode()
    assert body.count("/open311/v2/submissions/") >= 12
