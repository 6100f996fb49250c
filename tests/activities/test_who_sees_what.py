"""Every named person against village A's activity and room: staff who serve A see them,
everyone else gets a 404 (or the login page), never a hint that they exist."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

PEOPLE = ["alice", "bob", "andy", "sam", "gina", "oscar", "tom", "dora", "kate", "cheng", "audrey", None]
SEE_A = {"andy", "sam", "gina", "tom", "kate", "cheng", "audrey"}
BOOK_A = {"andy", "sam", "gina", "tom"}


def as_person(world, name):
    client = Client()
    if name:
        client.force_login(getattr(world, name))
    return client


@pytest.mark.parametrize("name", PEOPLE)
def test_village_a_activity_and_room_pages(world, training, hall, name):
    client = as_person(world, name)
    for url in (reverse("activities:manage", args=[training.pk]), reverse("rooms:week", args=[hall.pk])):
        status = client.get(url).status_code
        assert status == (302 if name is None else 200 if name in SEE_A else 404), (url, name, status)
    # The public pages are for everyone.
    assert client.get(reverse("activities:week", args=[world.village_a.code])).status_code == 200
    assert client.get(reverse("activities:detail", args=[training.pk])).status_code == 200


@pytest.mark.parametrize("name", PEOPLE)
def test_only_staff_serving_village_a_can_book_its_room(world, hall, name):
    from xiangli.rooms.models import Booking

    from .conftest import at

    client = as_person(world, name)
    client.post(reverse("rooms:week", args=[hall.pk]), {"day": at(1, 9).date().isoformat(), "start": "09:00",
                                                         "end": "10:00", "kind": "other", "booked_for": name or "x"})
    assert Booking.objects.exists() == (name in BOOK_A), name
