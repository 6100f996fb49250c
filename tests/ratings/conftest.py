"""Known quarters for the ratings tests, written straight into the rollups (the rollup itself
is tested in tests/metrics): the ratings read nothing else.

In 2026-Q3 village A did well (71.9 points, three stars), village B did nothing (8.3), and
village D (township T2) did exactly what A did, so A and D tie in the county and the city.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xiangli.areas.models import BASIC_FUNCTIONS, FOUR_HAVES, Area, Centre
from xiangli.metrics.models import AreaDay, AreaStanding

TODAY = dt.date(2026, 11, 29)  # in 2026-Q4
Q3_DAY = dt.date(2026, 8, 12)
Q2_DAY = dt.date(2026, 5, 6)

# A's quarter: 8 of 10 done on time (80), 4 ratings averaging 4.5 (87.5), 9 of 10 with one
# trip (90), 6 of 12 activities (50), 30 of 60 person-times (50), 45 of 30 hours (100, capped),
# 3 of 12 help tasks (25); all seven functions (100), three of the four haves (75), 4 of 10
# eligible enrolled (40). Weighted by the default scheme: 7187.5 / 100 = 71.875 → 71.9.
GOOD = {"received": 12, "done": 10, "done_on_time": 8, "one_trip": 9, "rated": 4, "rating_total": 18,
        "activities_held": 6, "training_person_times": 30, "volunteer_tenths": 450, "help_tasks_done": 3}


def put_day(area: Area, day: dt.date, **counts: int) -> AreaDay:
    return AreaDay.objects.create(area=area, day=day, **counts)


def put_standing(area: Area, *, eligible: int = 0, enrolled: int = 0) -> AreaStanding:
    standing, _ = AreaStanding.objects.update_or_create(
        area=area, defaults={"policy_eligible": eligible, "policy_enrolled": enrolled, "centres": 1})
    return standing


def equip(area: Area, *, seven: int = 7, four: int = 4) -> None:
    Centre.objects.filter(area=area).update(
        functions=[str(f) for f in BASIC_FUNCTIONS[:seven]], standards=[str(s) for s in FOUR_HAVES[:four]])


@pytest.fixture
def q3(world: Any) -> Any:
    """2026-Q3 as described above, the figures of A and D split over two days."""
    for village in (world.village_a, world.village_d):
        half = {k: v // 2 for k, v in GOOD.items()}
        put_day(village, Q3_DAY, **half)
        put_day(village, Q3_DAY + dt.timedelta(days=30), **{k: v - half[k] for k, v in GOOD.items()})
        equip(village, seven=7, four=3)
        put_standing(village, eligible=10, enrolled=4)
    equip(world.village_b, seven=0, four=0)
    # The township's own row must not be read as a centre's.
    put_day(world.township, Q3_DAY, done=99, done_on_time=99)
    return world
