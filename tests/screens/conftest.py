"""Screens read cached figures: each test starts with an empty cache, so one test's
figures never show on another's screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from xiangli.cases.models import Case
from xiangli.metrics.rollup import refresh_standing, roll_up

from ..factories import make_cases


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


@pytest.fixture
def busy(world):
    """Cases filed today in villages A and B, one of A's overdue; rollups run."""
    a = make_cases(world, world.alice_resident, 3)
    b = make_cases(world, world.bob_resident, 2)
    today = timezone.localdate()
    Case.objects.filter(pk=a[1].pk).update(due_on=today - dt.timedelta(days=4))
    roll_up(today - dt.timedelta(days=1), today)
    refresh_standing(policies=False)
    return {"a": a, "b": b}
