"""Volunteers for the five helps: Vera (village A, grid A1) and Victor (village A, grid A2) are
volunteers of A with accounts; Bob of village B is a volunteer of B. Alice (A1) and Carl (A2)
are elderly residents who ask for help."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Resident, Role, RoleAssignment, User
from xiangli.volunteers.models import Volunteer
from xiangli.volunteers.services import register_volunteer


@dataclass
class Helpers:
    vera: User
    vera_volunteer: Volunteer
    victor: User
    victor_volunteer: Volunteer
    bob_volunteer: Volunteer


def person(name: str, village, grid, seq: int, phone: str) -> User:
    birth = dt.date(1985, 5, 6)
    r = Resident(name=name, gender="F", birth_date=birth, id_number=make_id_number("410329", birth, seq, "F"),
                 phone=phone, village=village, grid=grid)
    r.save()
    user = User.objects.create_user(phone, "pass-word-123", name=name, resident=r)
    RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, area=village)
    return user


@pytest.fixture
def helpers(world) -> Helpers:
    vera = person("吴春燕", world.village_a, world.grid_a1, 11, "13700000001")
    victor = person("周志刚", world.village_a, world.grid_a2, 12, "13700000002")
    return Helpers(
        vera=vera, vera_volunteer=register_volunteer(vera.resident, by=world.sam),
        victor=victor, victor_volunteer=register_volunteer(victor.resident, by=world.sam),
        bob_volunteer=register_volunteer(world.bob_resident, by=world.oscar),
    )


@pytest.fixture(autouse=True)
def in_english():
    """Messages are matched in English, the language of the msgids; pages still choose their own."""
    from django.utils import translation

    with translation.override("en"):
        yield
