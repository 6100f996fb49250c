"""Person-times (人次): per kind, month and area, rolled up for the levels above the village."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from xiangli.activities import services
from xiangli.activities.models import Activity, Signup
from xiangli.rooms.models import Room

from .conftest import at


def attended(world, activity, *residents):
    for r in residents:
        services.check_in(activity, by=world.tom, resident=r, now=activity.start)


def test_totals_roll_up_villages_for_the_township_and_townships_for_the_county(world, training, make_activity):
    room_b = Room(centre=world.centre_b, name="B", seats=10)
    room_b.save()
    b_class = make_activity(by=world.oscar, centre=world.centre_b, room=room_b, kind="skills", title="电商直播培训")
    play = make_activity(kind="play", room=None, place="广场", title="送戏下乡")
    attended(world, training, world.alice_resident, world.carl_resident)
    attended(world, play, world.alice_resident)
    attended(world, b_class, world.bob_resident)

    tom = services_report(world.tom)
    assert tom.total == 4 and tom.trainings == 3 and tom.walk_ins == 4
    by_area = {(r["area"], r["kind_code"]): r["n"] for r in tom.rows}
    assert by_area == {("Village A", "skills"): 2, ("Village A", "play"): 1, ("Village B", "skills"): 1}

    kate = services_report(world.kate)
    assert {r["area"] for r in kate.rows} == {"Township T"}
    assert sum(r["n"] for r in kate.rows if r["training"]) == 3

    andy = services_report(world.andy)
    assert andy.total == 3 and {r["area"] for r in andy.rows} == {"Village A"}
    assert services_report(world.dora).total == 0


def services_report(user):
    from xiangli.activities.queries import person_times

    today = timezone.localdate()
    return person_times(user, since=today - dt.timedelta(days=31), until=today + dt.timedelta(days=31))


def test_months_are_counted_in_local_time(world, make_activity):
    # 00:30 in Shanghai on the 1st is still the previous month in UTC.
    first = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(0, 30), tzinfo=timezone.get_current_timezone())
    a = Activity.objects.create(centre=world.centre_a, title="夜校", kind="class", start=start,
                                end=start + dt.timedelta(hours=1), capacity=5, place="x", created_by=world.andy,
                                attended=1)
    Signup.objects.create(activity=a, resident=world.alice_resident, status="confirmed", created_by=world.andy,
                          checked_in_at=start)
    from xiangli.activities.queries import person_times

    report = person_times(world.tom, since=first - dt.timedelta(days=5), until=first + dt.timedelta(days=5))
    assert [r["month"] for r in report.rows] == [first]


def test_totals_page_for_the_county_has_pinned_queries(world, training, client, django_assert_num_queries):
    attended(world, training, world.alice_resident)
    client.force_login(world.kate)
    url = reverse("activities:totals")
    client.get(url)
    # session, user, roles, the grouped count, the area names
    with django_assert_num_queries(5):
        body = client.get(url, {"since": at(-30, 0).date().isoformat(),
                                "until": at(30, 0).date().isoformat()}).content.decode()
    assert "Township T" in body


def test_residents_have_no_totals_page(world, client):
    client.force_login(world.alice)
    assert client.get(reverse("activities:totals")).status_code == 404
