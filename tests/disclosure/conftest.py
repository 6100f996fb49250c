"""Fixtures of the disclosure and poll tests, on top of the named world of tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from xiangli.disclosure import services as disclosure
from xiangli.polls import services as polls


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted as written in the code, whatever the catalogues say.
    with translation.override("en"):
        yield


FINANCE = {"title": "Road lamps", "month": dt.date(2026, 10, 1), "direction": "spending",
           "amount": Decimal("1200.00"), "counterparty": "Yichuan Lighting Co.", "body": "Twelve lamps"}
PROJECT = {"title": "New well", "budget": Decimal("80000"), "contractor": "Well Builders Ltd",
           "started_on": dt.date(2026, 9, 1), "progress": 40, "body": "Drinking water for the east lanes"}


@pytest.fixture
def spending(world):
    """A published spending entry of village A, drafted and published by Andy the agent."""
    notice = disclosure.create_notice(by=world.andy, village=world.village_a, kind="finance", data=FINANCE)
    return disclosure.publish_notice(notice, by=world.andy)


@pytest.fixture
def project(world):
    notice = disclosure.create_notice(by=world.sam, village=world.village_a, kind="project", data=PROJECT)
    return disclosure.publish_notice(notice, by=world.sam)


def make_poll(world, *, opens_in=dt.timedelta(minutes=0), lasts=dt.timedelta(days=3), **extra):
    values = {
        "by": world.sam, "village": world.village_a, "kind": "deliberation", "title": "Pave the east lane?",
        "options": ["Yes", "No"], "opens_at": timezone.now() + opens_in, "quorum_percent": 50,
    }
    values.update(extra)
    values["closes_at"] = values.get("closes_at") or values["opens_at"] + lasts
    return polls.create_poll(**values)


@pytest.fixture
def poll(world):
    """An open poll of village A: Alice (born 1950) and Carl may vote; Bob of village B may not."""
    return make_poll(world)
