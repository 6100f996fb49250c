"""People of village A and B with the ages and tags the seed policies look at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Resident

TODAY = dt.date(2026, 6, 1)


def person(name: str, village, grid, birth: dt.date, seq: int, *, tags=(), grade=None, household="",
           gender: str = "F") -> Resident:
    r = Resident(name=name, gender=gender, birth_date=birth, id_number=make_id_number("410329", birth, seq, gender),
                 village=village, grid=grid, tags=list(tags), disability_grade=grade, household=household)
    r.save()
    return r


@dataclass
class Folk:
    elder: Resident  # 81, living alone, grid A1
    sixty: Resident  # turns 60 on TODAY, grid A1
    fiftynine: Resident  # turns 60 the day after TODAY, grid A2
    poor: Resident  # 45, low income, grid A1
    disabled: Resident  # 30, disabled grade 1, grid A2
    mild: Resident  # 30, disabled grade 4, grid A1
    baby: Resident  # 1, grid A1, same household as poor
    bob_elder: Resident  # 70, village B


@pytest.fixture
def folk(world) -> Folk:
    a, b = world.village_a, world.village_b
    g1, g2 = world.grid_a1, world.grid_a2
    return Folk(
        elder=person("老李", a, g1, dt.date(1945, 1, 1), 11, tags=["living_alone"]),
        sixty=person("周六十", a, g1, dt.date(1966, 6, 1), 12),
        fiftynine=person("吴五九", a, g2, dt.date(1966, 6, 2), 13),
        poor=person("郑低保", a, g1, dt.date(1981, 3, 3), 14, tags=["low_income"], household="A-7"),
        disabled=person("孙重残", a, g2, dt.date(1996, 2, 2), 15, tags=["disabled"], grade=1),
        mild=person("钱轻残", a, g1, dt.date(1996, 2, 3), 16, tags=["disabled"], grade=4),
        baby=person("郑小宝", a, g1, dt.date(2025, 5, 5), 17, household="A-7"),
        bob_elder=person("冯七十", b, world.grid_b1, dt.date(1956, 1, 1), 18),
    )


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the pages' language comes from each request."""
    from django.utils import translation

    with translation.override("en"):
        yield
