"""Two staff running the same policy at once, two grid workers recording the same visit:
each thing happens once. Real threads against PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from xiangli.policies import services
from xiangli.policies.models import Outreach, OutreachStatus, PolicyEnrolment, PolicyStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def together(*actions):
    """Run the actions in threads released at the same moment; their results or errors."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            results[i] = action()
        except Exception as exc:  # noqa: BLE001 -- the test looks at what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def live(world, folk):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent inserts need PostgreSQL")
    policy = services.create_policy(by=world.kate, code="pension", name_zh="养老金", area=world.county,
                                    rule={"field": "age", "op": ">=", "value": 60})
    return services.set_status(policy, by=world.kate, status=PolicyStatus.LIVE)


def test_two_runs_at_once_make_each_visit_once(world, live):
    results = together(lambda: services.run_policy(live, by=world.kate),
                       lambda: services.run_policy(live, by=world.cheng))
    assert sorted(r.created for r in results) == [0, 7]
    assert Outreach.objects.filter(policy=live).count() == 7


def test_two_outcomes_at_once_are_recorded_once(world, folk, live):
    services.run_policy(live, by=world.kate)
    visit = Outreach.objects.get(resident=folk.elder)
    results = together(
        lambda: services.record_outcome(visit, by=world.gina, outcome=OutreachStatus.ENROLLED),
        lambda: services.record_outcome(visit, by=world.andy, outcome=OutreachStatus.ENROLLED),
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert PolicyEnrolment.objects.filter(policy=live, resident=folk.elder).count() == 1
