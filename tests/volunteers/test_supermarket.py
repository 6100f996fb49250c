"""The points supermarket: a redemption takes the points and the stock in one step; hand-over by code."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from xiangli.points import services
from xiangli.points.models import PointsAccount, PointsEntry, Redemption, RedemptionState, Reward

pytestmark = pytest.mark.django_db


@pytest.fixture
def soap(world):
    return services.save_reward(by=world.andy, village=world.village_a,
                                data=services.RewardInput(name="Soap", price=20, stock=2))


def earn(world, points):
    services.award_points(world.alice_resident, points=points, reason="help", source=f"t:{points}", by=world.sam)


def test_staff_of_the_village_stock_the_shelf_and_it_is_audited(world, soap):
    from xiangli.audit.models import AuditEntry

    assert soap.village == world.village_a
    assert AuditEntry.objects.filter(action="reward.added").exists()
    with pytest.raises(PermissionDenied):
        services.save_reward(by=world.oscar, village=world.village_a,
                             data=services.RewardInput(name="Oil", price=5, stock=1))
    with pytest.raises(ValidationError):
        services.save_reward(by=world.andy, village=world.village_a,
                             data=services.RewardInput(name="Oil", price="-5", stock=1))


def test_a_redemption_takes_the_points_and_one_item(world, soap):
    earn(world, 30)
    redemption = services.redeem(soap, by=world.alice)
    assert PointsAccount.objects.get().balance == 10
    assert Reward.objects.get().stock == 1
    assert len(redemption.code) == 8
    assert PointsEntry.objects.get(source=f"redemption:{redemption.pk}").points == -20
    call_command("check_points")


def test_too_few_points_is_refused_and_nothing_changes(world, soap):
    earn(world, 15)
    with pytest.raises(ValidationError, match="15"):
        services.redeem(soap, by=world.alice)
    assert PointsAccount.objects.get().balance == 15
    assert Reward.objects.get().stock == 2
    assert not Redemption.objects.exists()


def test_an_out_of_stock_reward_is_refused_and_nothing_changes(world, soap):
    earn(world, 100)
    Reward.objects.filter(pk=soap.pk).update(stock=0)
    with pytest.raises(ValidationError, match="out of stock"):
        services.redeem(soap, by=world.alice)
    assert PointsAccount.objects.get().balance == 100
    assert PointsEntry.objects.count() == 1


def test_a_resident_without_points_or_of_another_village_cannot_redeem(world, soap):
    with pytest.raises(ValidationError):
        services.redeem(soap, by=world.alice)
    with pytest.raises(ValidationError, match="another village"):
        services.redeem(soap, by=world.bob)


def test_a_double_tap_redeems_once(world, soap):
    earn(world, 100)
    first = services.redeem(soap, by=world.alice, request_key="k1")
    second = services.redeem(soap, by=world.alice, request_key="k1")
    assert first.pk == second.pk
    assert PointsAccount.objects.get().balance == 80


def test_staff_hand_the_reward_over_against_the_code_once(world, soap):
    earn(world, 30)
    redemption = services.redeem(soap, by=world.alice)
    assert services.find_redemption(redemption.code.lower(), by=world.oscar) is None  # another village
    found = services.find_redemption(f" {redemption.code.lower()} ", by=world.andy)
    assert found == redemption
    services.hand_over(found, by=world.andy)
    assert Redemption.objects.get().state == RedemptionState.HANDED_OVER
    with pytest.raises(ValidationError, match="already"):
        services.hand_over(found, by=world.andy)


def test_cancelling_an_uncollected_redemption_returns_points_and_stock(world, soap):
    earn(world, 30)
    redemption = services.redeem(soap, by=world.alice)
    services.cancel_redemption(redemption, by=world.alice)
    assert PointsAccount.objects.get().balance == 30
    assert Reward.objects.get().stock == 2
    assert PointsEntry.objects.count() == 3  # earn, spend, its reversal: nothing deleted
    with pytest.raises(ValidationError):
        services.cancel_redemption(redemption, by=world.alice)
    call_command("check_points")
