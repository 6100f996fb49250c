"""Every policy and roster page walked as every named person: another area's things are a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xiangli.policies import services
from xiangli.policies.models import Outreach, PolicyStatus

PEOPLE = ["alice", "bob", "andy", "sam", "gina", "oscar", "tom", "dora", "kate", "cheng", "audrey", None]
STAFF = {"andy", "sam", "gina", "oscar", "tom", "dora", "kate", "cheng", "audrey"}
# Township T's policy: seen by staff over, in or under township T.
SEE_POLICY = {"andy", "sam", "gina", "oscar", "tom", "kate", "cheng", "audrey"}
MANAGE_POLICY = {"tom", "kate", "cheng"}
# The visit to Alice's neighbour in grid A1.
SEE_VISIT = {"andy", "sam", "gina", "tom", "kate", "cheng", "audrey"}
DEFINE = {"tom", "dora", "kate", "cheng"}


@pytest.fixture
def things(world, folk):
    policy = services.create_policy(by=world.tom, code="t-elderly", name_zh="高龄", area=world.township,
                                    rule={"field": "age", "op": ">=", "value": 80})
    services.set_status(policy, by=world.tom, status=PolicyStatus.LIVE)
    services.run_policy(policy, by=world.tom)
    return policy, Outreach.objects.get(resident=folk.elder)


@pytest.mark.parametrize("name", PEOPLE)
def test_pages_as_everyone(world, things, name):
    policy, visit = things
    client = Client()
    if name:
        client.force_login(getattr(world, name))
    staff = STAFF if name else set()
    checks = [
        (reverse("policies:list"), staff),
        (reverse("policies:coverage"), staff),
        (reverse("policies:outreach"), staff),
        (reverse("policies:new"), DEFINE),
        (reverse("policies:preview", args=[policy.pk]), SEE_POLICY),
        (reverse("policies:coverage_detail", args=[policy.pk]), SEE_POLICY),
        (reverse("policies:edit", args=[policy.pk]), MANAGE_POLICY),
        (reverse("policies:outreach_detail", args=[visit.pk]), SEE_VISIT),
        (reverse("roster:home"), staff),
    ]
    for url, allowed in checks:
        status = client.get(url).status_code
        want = 302 if name is None else 200 if name in allowed else 404
        assert status == want, (url, name, status)


@pytest.mark.parametrize("name", PEOPLE)
def test_actions_as_everyone(world, things, name):
    policy, visit = things
    client = Client()
    if name:
        client.force_login(getattr(world, name))
    client.post(reverse("policies:status", args=[policy.pk]), {"status": "closed"})
    policy.refresh_from_db()
    assert (policy.status == PolicyStatus.CLOSED) == (name in MANAGE_POLICY), name
    client.post(reverse("policies:outreach_detail", args=[visit.pk]), {"outcome": "unreachable"})
    visit.refresh_from_db()
    assert (visit.status == "unreachable") == (name in {"andy", "sam", "gina", "tom"}), name
