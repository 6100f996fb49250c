"""Booking a centre's rooms: no overlaps, clear refusals, the nearest free slots, the week view."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xiangli.audit.models import AuditEntry
from xiangli.rooms import services
from xiangli.rooms.models import Booking

from .conftest import at


def book(world, room, start, end, who="舞蹈队"):
    return services.book_room(room, by=world.andy, start=start, end=end, booked_for=who, kind="organisation")


def test_agent_books_a_free_hour_and_it_is_on_the_audit_trail(world, hall):
    booking = book(world, hall, at(1, 9), at(1, 10))
    assert booking.area_path == world.village_a.path
    assert AuditEntry.objects.filter(action="room.booked").count() == 1


def test_an_overlapping_booking_is_refused_with_the_nearest_free_slots(world, hall):
    book(world, hall, at(1, 9), at(1, 11))
    with pytest.raises(services.RoomTaken) as refused:
        book(world, hall, at(1, 10), at(1, 11), who="老年协会")
    slots = [(s.start, s.end) for s in refused.value.suggestions]
    # Off-peak use: the same hour just before and just after the taken stretch.
    assert slots == [(at(1, 8), at(1, 9)), (at(1, 11), at(1, 12))]
    assert "11:00" in refused.value.messages[0]
    assert Booking.objects.count() == 1


def test_bookings_that_only_touch_do_not_overlap(world, hall):
    book(world, hall, at(1, 9), at(1, 10))
    book(world, hall, at(1, 10), at(1, 11))
    assert Booking.objects.count() == 2


def test_suggestions_skip_closing_time_to_the_next_morning(world, hall):
    book(world, hall, at(1, 8), at(1, 21))
    with pytest.raises(services.RoomTaken) as refused:
        book(world, hall, at(1, 19), at(1, 21))
    assert (at(2, 8), at(2, 10)) in [(s.start, s.end) for s in refused.value.suggestions]


def test_another_room_is_free_at_the_same_time(world, hall):
    from xiangli.rooms.models import Room

    classroom = Room(centre=world.centre_a, name="教室", seats=30)
    classroom.save()
    book(world, hall, at(1, 9), at(1, 10))
    book(world, classroom, at(1, 9), at(1, 10))
    assert Booking.objects.count() == 2


def test_a_cancelled_booking_frees_the_room(world, hall):
    first = book(world, hall, at(1, 9), at(1, 10))
    services.cancel_booking(first, by=world.sam)
    book(world, hall, at(1, 9), at(1, 10))
    assert Booking.objects.active().count() == 1


@pytest.mark.parametrize(("start", "end", "message"), [
    (at(1, 10), at(1, 9), "The end must be after the start."),
    (at(1, 10), at(1, 10), "The end must be after the start."),
    (at(-1, 10), at(-1, 11), "This time has already passed"),
    (at(1, 6), at(1, 9), "is open from 08:00 to 21:00"),
    (at(1, 20), at(1, 22), "is open from 08:00 to 21:00"),
])
def test_bad_times_are_refused_and_nothing_is_written(world, hall, start, end, message):
    with pytest.raises(ValidationError) as refused:
        book(world, hall, start, end)
    assert message in " ".join(refused.value.messages)
    assert Booking.objects.count() == 0
    assert not AuditEntry.objects.filter(action="room.booked").exists()


def test_agent_of_another_village_may_not_book(world, hall):
    with pytest.raises(PermissionDenied):
        services.book_room(hall, by=world.oscar, start=at(1, 9), end=at(1, 10), booked_for="x")
    assert Booking.objects.count() == 0


def test_week_view_shows_the_occupancy_and_books_through_the_form(world, hall, client, django_assert_num_queries):
    book(world, hall, at(1, 9), at(1, 11), who="广场舞队排练")
    client.force_login(world.andy)
    url = reverse("rooms:week", args=[hall.pk])
    client.get(url)  # warm the session
    # session, user, roles, the room, its week's bookings
    with django_assert_num_queries(5):
        page = client.get(url, {"week": at(1, 9).date().isoformat()})
    assert "广场舞队排练" in page.content.decode()
    day = at(1, 9).date().isoformat()
    refused = client.post(url, {"day": day, "start": "10:00", "end": "11:00", "kind": "resident",
                                "booked_for": "王家婚宴筹备"})
    body = refused.content.decode()
    assert "already booked" in body or "已" in body
    assert "08:00" in body and "11:00" in body  # the suggested slots as buttons
    ok = client.post(url, {"day": day, "start": "11:00", "end": "12:00", "kind": "resident",
                           "booked_for": "王家婚宴筹备"})
    assert ok.status_code == 302
    assert Booking.objects.filter(booked_for="王家婚宴筹备").exists()


def test_rooms_of_another_village_are_a_404(world, hall, client):
    client.force_login(world.oscar)
    assert client.get(reverse("rooms:week", args=[hall.pk])).status_code == 404
    assert hall.name not in client.get(reverse("rooms:list")).content.decode()
    booking = book(world, hall, at(1, 9), at(1, 10))
    assert client.post(reverse("rooms:cancel", args=[booking.pk])).status_code == 404
    assert Booking.objects.active().count() == 1


def test_residents_do_not_see_the_rooms_desk(world, hall, client):
    client.force_login(world.alice)
    assert client.get(reverse("rooms:list")).status_code == 404


def test_room_list_lists_rooms_of_the_township_for_its_staff(world, hall, hall_b, client, django_assert_num_queries):
    client.force_login(world.tom)
    client.get(reverse("rooms:list"))
    # session, user, roles, rooms, "may add?", the centres of the add form
    with django_assert_num_queries(6):
        body = client.get(reverse("rooms:list")).content.decode()
    assert hall.name in body and hall_b.name in body


def test_staff_add_a_room_to_their_centre(world, client):
    client.force_login(world.sam)
    r = client.post(reverse("rooms:list"), {"centre": world.centre_a.pk, "name": "阅览室", "seats": 20,
                                            "opens_at": "08:00", "closes_at": "18:00"})
    assert r.status_code == 302
    assert world.centre_a.rooms.get().name == "阅览室"


def test_grid_workers_book_the_rooms_of_their_village(world, hall, client):
    client.force_login(world.gina)
    assert hall.name in client.get(reverse("rooms:list")).content.decode()
    r = client.post(reverse("rooms:week", args=[hall.pk]), {"day": at(1, 9).date().isoformat(), "start": "09:00",
                                                             "end": "10:00", "kind": "resident", "booked_for": "家访"})
    assert r.status_code == 302 and Booking.objects.get().booked_by == world.gina
