"""Volunteers serving at an activity: hours recorded, points awarded once through the ledger hook."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xiangli.activities import services
from xiangli.activities.models import VolunteerService


@pytest.fixture
def ledger(monkeypatch):
    """A stand-in for xiangli.points.services.award_points that pays once per source key."""
    from xiangli.points import services as points

    paid: dict[str, tuple] = {}

    def award_points(resident, *, points, hours, reason, source, by):
        paid.setdefault(source, (resident, points, hours, reason, by))

    monkeypatch.setattr(points, "award_points", award_points, raising=False)
    return paid


def test_serving_at_an_activity_awards_points_once(world, training, ledger):
    services.volunteer_served(training, by=world.andy, volunteer=world.carl_resident, hours="2")
    services.volunteer_served(training, by=world.andy, volunteer=world.carl_resident, hours="2")
    assert VolunteerService.objects.get().hours == Decimal("2.0")
    key = f"activity:{training.pk}:resident:{world.carl_resident.pk}"
    assert list(ledger) == [key]
    resident, points, hours, _, by = ledger[key]
    assert resident == world.carl_resident and points == 20 and hours == Decimal("2.0") and by == world.andy
    assert VolunteerService.objects.get().points_awarded_at is not None


def test_without_the_points_app_the_service_is_kept_and_paid_later(world, training, monkeypatch):
    from xiangli.points import services as points

    monkeypatch.delattr(points, "award_points", raising=False)
    services.volunteer_served(training, by=world.andy, volunteer=world.carl_resident, hours=1.5)
    assert VolunteerService.objects.get().points_awarded_at is None
    paid: list[str] = []
    monkeypatch.setattr(points, "award_points", lambda r, **kw: paid.append(kw["source"]), raising=False)
    assert services.award_pending_points() == 1
    assert services.award_pending_points() == 0
    assert len(paid) == 1


@pytest.mark.parametrize("hours", ["0", "-1", "25", "abc"])
def test_bad_hours_are_refused(world, training, hours, ledger):
    with pytest.raises(ValidationError):
        services.volunteer_served(training, by=world.andy, volunteer=world.carl_resident, hours=hours)
    assert not VolunteerService.objects.exists() and not ledger


def test_staff_of_another_village_cannot_record_service(world, training, ledger):
    with pytest.raises(PermissionDenied):
        services.volunteer_served(training, by=world.oscar, volunteer=world.bob_resident, hours=1)


def test_the_real_points_ledger_pays_the_service_once(world, training):
    points = pytest.importorskip("xiangli.points.services")
    if not hasattr(points, "award_points"):
        pytest.skip("the points ledger has not landed")
    from xiangli.points.models import PointsEntry

    services.volunteer_served(training, by=world.andy, volunteer=world.carl_resident, hours="1.5")
    services.volunteer_served(training, by=world.andy, volunteer=world.carl_resident, hours="1.5")
    entry = PointsEntry.objects.get(source=f"activity:{training.pk}:resident:{world.carl_resident.pk}")
    assert entry.points == 15 and entry.account.resident == world.carl_resident
