"""Races against PostgreSQL with real threads: a room is never double-booked, capacity never exceeded.

On SQLite these rules hold because every writing transaction starts with BEGIN
IMMEDIATE (one writer at a time); the sequential tests cover the checks there.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from xiangli.activities import services as activities
from xiangli.activities.models import Signup, SignupStatus
from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Resident
from xiangli.rooms import services as rooms
from xiangli.rooms.models import Booking

from .conftest import at

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's concurrency"),
]


def race(n: int, action: Callable[[int], Any]) -> list[Any]:
    """Run action(i) in n threads released together; each result or exception, in order."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            results[i] = action(i)
        except Exception as exc:  # noqa: BLE001 - the refusal is the result
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_the_database_itself_refuses_an_overlapping_booking(world, hall):
    Booking.objects.create(room=hall, start=at(1, 9), end=at(1, 11), booked_for="a", booked_by=world.andy)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        Booking.objects.create(room=hall, start=at(1, 10), end=at(1, 12), booked_for="b", booked_by=world.andy)
    Booking.objects.create(room=hall, start=at(1, 11), end=at(1, 12), booked_for="c", booked_by=world.andy)


def test_two_clerks_booking_the_same_hour_at_once_get_one_booking(world, hall):
    results = race(6, lambda i: rooms.book_room(hall, by=world.andy, start=at(1, 9), end=at(1, 10),
                                                booked_for=f"clerk {i}"))
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, rooms.RoomTaken)]
    assert len(won) == 1 and len(refused) == 5, results
    assert all(r.suggestions for r in refused)
    assert Booking.objects.count() == 1


def test_overlapping_but_different_slots_at_once_still_never_overlap(world, hall):
    slots = [(at(1, 9), at(1, 11)), (at(1, 10), at(1, 12)), (at(1, 11), at(1, 13)), (at(1, 12), at(1, 14))]
    race(len(slots), lambda i: rooms.book_room(hall, by=world.andy, start=slots[i][0], end=slots[i][1],
                                               booked_for=f"slot {i}"))
    kept = list(Booking.objects.order_by("start").values_list("start", "end"))
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(kept, kept[1:], strict=False)), kept
    assert len(kept) >= 2


def test_many_residents_tapping_for_the_last_places_never_exceed_capacity(world, make_activity):
    activity = make_activity(capacity=3)
    people = []
    for n in range(10):
        r = Resident(name=f"村民{n}", gender="M", birth_date=dt.date(1960, 1, 1),
                     id_number=make_id_number("410329", dt.date(1960, 1, 1), 100 + n, "M"), village=world.village_a)
        r.save()
        people.append(r)
    results = race(10, lambda i: activities.sign_up(activity, by=world.andy, resident=people[i]))
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = list(Signup.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses.count(SignupStatus.CONFIRMED) == 3
    assert statuses.count(SignupStatus.WAITING) == 7
