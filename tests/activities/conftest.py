"""Rooms and activities on top of the named world: centre A has a hall and a classroom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from xiangli.activities import services
from xiangli.activities.models import Activity
from xiangli.rooms.models import Room


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) time `days` from today."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def hall(world: Any) -> Room:
    room = Room(centre=world.centre_a, name="大礼堂", seats=120)
    room.save()
    return room


@pytest.fixture
def hall_b(world: Any) -> Room:
    room = Room(centre=world.centre_b, name="B hall", seats=50)
    room.save()
    return room


@pytest.fixture
def make_activity(world: Any, hall: Room) -> Any:
    def make(**kwargs: Any) -> Activity:
        fields: dict[str, Any] = {
            "by": world.andy, "centre": world.centre_a, "title": "果树修剪技术培训", "kind": "skills",
            "start": at(3, 9), "end": at(3, 11), "capacity": 2, "room": hall,
            "organiser": "县农业农村局", "organiser_kind": "higher_office",
        }
        fields.update(kwargs)
        return services.create_activity(**fields)

    return make


@pytest.fixture
def training(make_activity: Any) -> Activity:
    return make_activity()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Service messages read in English here; the page tests see the villagers' Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield
