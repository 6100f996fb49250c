"""Rules that must hold when requests arrive at the same moment (real threads, PostgreSQL)."""

from __future__ import annotations

import pytest

from xiangli.cases.models import Case
from xiangli.open311 import services
from xiangli.open311.models import Submission, SubmissionStatus

from ..test_case_rules import at_once, postgres_only


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_holds_when_requests_arrive_together(world):
    client, _key = services.issue_client(by=None, name="Burst", per_minute=3)

    def one():
        services.count_request(client)
        return "ok"

    outcomes = at_once(*[one] * 8)
    assert outcomes.count("ok") == 3
    assert sum(isinstance(o, services.RateLimited) for o in outcomes) == 5


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_matter_filed_twice_at_once_opens_one_case_and_the_other_waits(world):
    client, _key = services.issue_client(by=None, name="Hotline", acting_user=world.tom)

    def file():
        return services.submit(client, services.Filing(item=world.pension, place=world.grid_a1,
                                                       phone="13800000001"))

    at_once(file, file)
    assert Case.objects.count() == 1
    assert sorted(Submission.objects.values_list("status", flat=True)) == [
        SubmissionStatus.CREATED, SubmissionStatus.PENDING]


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_matching_one_submission_at_once_open_one_case(world):
    client, _key = services.issue_client(by=None, name="City app")
    sub = services.submit(client, services.Filing(item=world.pension, place=world.grid_a2, phone="13700000009"))

    def match(user):
        return lambda: services.match(Submission.objects.get(pk=sub.pk), by=user, resident=world.carl_resident)

    outcomes = at_once(match(world.andy), match(world.sam))
    assert Case.objects.count() == 1
    assert sum(isinstance(o, Case) for o in outcomes) == 1
