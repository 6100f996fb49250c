"""Redemptions at the same instant, with real threads against PostgreSQL: no balance or stock overspent."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from xiangli.points import services
from xiangli.points.models import PointsAccount, Redemption, Reward
from xiangli.volunteers import services as help_services
from xiangli.volunteers.models import HelpKind, HelpTask

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(actions):
    """Run the actions in threads released together; return (results, errors)."""
    barrier = threading.Barrier(len(actions))
    results, errors = [], []

    def run(action):
        try:
            barrier.wait()
            results.append(action())
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_redemptions_cannot_overspend_a_balance(world):
    reward = services.save_reward(by=world.andy, village=world.village_a,
                                  data=services.RewardInput(name="Soap", price=10, stock=50))
    services.award_points(world.alice_resident, points=30, reason="help", source="s1", by=world.sam)
    results, errors = race([lambda: services.redeem(reward, by=world.alice) for _ in range(8)])
    assert len(results) == 3 and len(errors) == 5
    assert PointsAccount.objects.get().balance == 0
    assert Reward.objects.get().stock == 47


def test_concurrent_redemptions_cannot_overspend_the_stock(world, helpers):
    reward = services.save_reward(by=world.andy, village=world.village_a,
                                  data=services.RewardInput(name="Rice", price=5, stock=2))
    people = [world.alice, helpers.vera, helpers.victor]
    for user in people:
        services.award_points(user.resident, points=50, reason="help", source=f"s:{user.pk}", by=world.sam)
    results, errors = race([lambda u=u: services.redeem(reward, by=u) for u in people * 2])
    assert len(results) == 2 and len(errors) == 4
    assert Reward.objects.get().stock == 0
    assert Redemption.objects.count() == 2
    assert sum(PointsAccount.objects.values_list("balance", flat=True)) == 150 - 10


def test_two_volunteers_claiming_at_once_get_the_task_once(world, helpers):
    task = help_services.ask_for_help(by=world.alice, resident=world.alice_resident, kind=HelpKind.ERRAND)
    results, errors = race([lambda u=u: help_services.claim_task(task, by=u) for u in (helpers.vera, helpers.victor)])
    assert len(results) == 1 and len(errors) == 1
    assert HelpTask.objects.get().volunteer is not None


def test_concurrent_confirmations_pay_once(world, helpers):
    task = help_services.ask_for_help(by=world.alice, resident=world.alice_resident, kind=HelpKind.ERRAND)
    help_services.claim_task(task, by=helpers.vera)
    help_services.finish_task(task, by=helpers.vera, hours="1")
    results, errors = race([lambda u=u: help_services.confirm_task(task, by=u) for u in (world.alice, world.andy)])
    assert len(results) == 1 and len(errors) == 1
    assert PointsAccount.objects.get(resident=helpers.vera.resident).tasks == 1
