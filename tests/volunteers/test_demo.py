"""The demo of volunteers, organisations and the points supermarket, on the test world."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from django.utils import timezone

from xiangli.organisations import demo as organisations_demo
from xiangli.organisations.models import Organisation
from xiangli.people.models import Resident, Role, RoleAssignment, User
from xiangli.points import demo as points_demo
from xiangli.points import services as points
from xiangli.points.models import PointsAccount, PointsEntry, Redemption, Reward
from xiangli.volunteers import demo as volunteers_demo
from xiangli.volunteers.models import HelpTask, TaskState

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_volunteer(world, monkeypatch):
    # In the test world 139 0000 0008 is Cheng, the city administrator: the demo volunteer gets another number.
    monkeypatch.setattr(volunteers_demo, "VOLUNTEER_PHONE", "+8613700000008")
    user = User.objects.create_user("13700000008", "pass-word-123", name="吴春燕")
    RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, area=world.village_a)
    # A village big enough for the demo: elderly people living alone, and younger ones to volunteer.
    for n in range(12):
        born = dt.date(1940 + n, 1, 1) if n < 8 else dt.date(1990, 1, 1)
        Resident(name=f"村民{n}", gender="F", birth_date=born, village=world.village_a, grid=world.grid_a1,
                 tags=["living_alone"] if n < 8 else []).save()
    return user


def build_all(monkeypatch) -> dict[str, int]:
    rng, now = random.Random(3), timezone.now()  # noqa: S311 -- seeded demo data
    counts: dict[str, int] = {}
    for module in (volunteers_demo, organisations_demo, points_demo):
        counts.update(module.build(rng=rng, now=now))
    return counts


def test_the_demo_shows_tasks_in_every_state_organisations_and_a_stocked_shelf(world, demo_volunteer, monkeypatch):
    counts = build_all(monkeypatch)
    assert counts["volunteers"] == 4 and counts["help tasks"] >= 30
    states = set(HelpTask.objects.values_list("state", flat=True))
    assert {TaskState.OPEN, TaskState.CLAIMED, TaskState.DONE, TaskState.CONFIRMED} <= states
    assert Organisation.objects.filter(village=world.village_a).count() == 7
    assert Reward.objects.count() == 7
    assert PointsAccount.objects.exists()
    assert points.check_points() == []
    # The demo volunteer can log in and take tasks: she has a resident record now.
    assert User.objects.get(pk=demo_volunteer.pk).resident is not None


def test_the_demo_purge_empties_the_ledger_and_nothing_else_can(world, demo_volunteer, monkeypatch):
    build_all(monkeypatch)
    assert Redemption.objects.exists() and PointsEntry.objects.exists()
    points_demo.purge()
    assert not PointsEntry.objects.exists() and not PointsAccount.objects.exists()


def test_the_demo_needs_the_demo_volunteer_login(world):
    assert volunteers_demo.build(rng=random.Random(1), now=timezone.now()) == {}  # noqa: S311


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_outside_the_purge_postgresql_still_refuses_deletes(world):
    from django.db import DatabaseError

    points.award_points(world.alice_resident, points=5, reason="x", source="x", by=world.sam)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM points_pointsentry")
    assert PointsEntry.objects.count() == 1
