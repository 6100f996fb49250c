"""Demo: the demo village's rooms, this week's and next week's programme with sign-ups,
and eight weeks of past activities with attendance, so the preview, the door page and
the person-times report all show something. A few more centres of the township get
past trainings too, so the township's report has villages to compare.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from xiangli.areas.models import Centre
from xiangli.people.crypto import digest
from xiangli.people.models import Resident, Role, RoleAssignment, User
from xiangli.people.phones import normalise_phone
from xiangli.rooms.models import Booking, BookingKind, Room

from .models import Activity, ActivityKind, OrganiserKind, Signup, SignupStatus, VolunteerService

ROOMS = [("大礼堂", 120, "演出、讲座、党员大会"), ("多功能教室", 40, "培训、党课、四点半课堂"),
         ("阅览室", 20, "农家书屋、老年人读报")]

# (title, kind, room index or None with a place, organiser, organiser kind, places, audience)
PROGRAMME = [
    ("果树修剪与病虫害防治培训", ActivityKind.SKILLS, 1, "县农业农村局", OrganiserKind.HIGHER_OFFICE, 40, "果农"),
    ("豫剧《朝阳沟》送戏下乡", ActivityKind.PLAY, None, "县文化馆", OrganiserKind.HIGHER_OFFICE, 200, "全体村民"),
    ("县医院专家义诊", ActivityKind.CLINIC, 0, "县人民医院", OrganiserKind.HIGHER_OFFICE, 60, "60岁以上老人优先"),
    ("电商直播带货入门", ActivityKind.SKILLS, 1, "乡电商服务站", OrganiserKind.ORGANISATION, 30, "返乡青年"),
    ("主题党日：学习党的二十大精神", ActivityKind.PARTY_LESSON, 1, "村党支部", OrganiserKind.CENTRE, 40, "党员"),
    ("广场舞队排练", ActivityKind.SPORTS, None, "广场舞协会", OrganiserKind.ORGANISATION, 50, "舞蹈爱好者"),
    ("送教下乡：家庭教育讲座", ActivityKind.CLASS, 0, "县教育局", OrganiserKind.HIGHER_OFFICE, 80, "学生家长"),
    ("农家书屋读书会", ActivityKind.CULTURE, 2, "读书协会", OrganiserKind.ORGANISATION, 20, "全体村民"),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    agent = User.objects.filter(login_digest=digest(normalise_phone("13900000001", mobile_only=True))).first()
    role = RoleAssignment.objects.filter(user=agent, role=Role.AGENT).select_related("area").first()
    if agent is None or role is None:
        return {}
    centre = Centre.objects.select_related("area__parent").filter(area=role.area).first()
    if centre is None:
        return {}
    rooms = []
    for name, seats, uses in ROOMS:
        room = Room.objects.filter(centre=centre, name=name).first() or Room(centre=centre, name=name)
        room.seats, room.uses = seats, uses
        room.save()
        rooms.append(room)
    residents = list(Resident.objects.filter(village=centre.area).order_by("pk")[:400])
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    activities: list[Activity] = []
    bookings: list[Booking] = []

    def plan(c: Centre, day: dt.date, hour: int, entry: tuple[Any, ...], c_rooms: list[Room]) -> Activity:
        title, kind, room_index, organiser, organiser_kind, places, audience = entry
        room = c_rooms[room_index] if room_index is not None and c_rooms else None
        a = Activity(centre=c, title=title, kind=kind, start=_at(day, hour), end=_at(day, hour + 2), capacity=places,
                     room=room, place="" if room else "村文化广场", organiser=organiser,
                     organiser_kind=organiser_kind, audience=audience, created_by=agent,
                     area_path=c.area.path)
        if room is not None:
            b = Booking(room=room, start=a.start, end=a.end, kind=BookingKind.ACTIVITY, booked_for=title,
                        booked_by=agent, area_path=room.area_path)
            bookings.append(b)
            a.booking = b
        activities.append(a)
        return a

    # Eight past weeks and this week and next: two or three activities a week.
    for week in range(-8, 2):
        for n, day_offset in enumerate(rng.sample(range(7), 3)):
            entry = PROGRAMME[(week * 3 + n) % len(PROGRAMME)]
            plan(centre, monday + dt.timedelta(days=7 * week + day_offset), (9, 14, 19)[n], entry, rooms)
    # Other centres of the township: past trainings, for the township's report.
    others = list(Centre.objects.select_related("area").filter(area__parent=centre.area.parent)
                  .exclude(pk=centre.pk)[:6])
    for c in others:
        for week in range(-8, 0, 2):
            plan(c, monday + dt.timedelta(days=7 * week + rng.randrange(7)), 9, PROGRAMME[rng.randrange(4)], [])

    # Bookings of the same day and room never overlap: each slot's hour is distinct per day.
    Booking.objects.bulk_create(bookings)
    for a in activities:
        if a.booking is not None:
            a.booking_id = a.booking.pk
    Activity.objects.bulk_create(activities)
    # Other uses of the rooms (one room, many uses), this week and next.
    extra = [Booking(room=rooms[2], start=_at(monday + dt.timedelta(days=d), 16),
                     end=_at(monday + dt.timedelta(days=d), 18), kind=BookingKind.ORGANISATION,
                     booked_for="四点半课堂", booked_by=agent, area_path=rooms[2].area_path)
             for d in range(0, 12) if (monday + dt.timedelta(days=d)).weekday() < 5]
    extra.append(Booking(room=rooms[0], start=_at(monday + dt.timedelta(days=5), 8),
                         end=_at(monday + dt.timedelta(days=5), 9), kind=BookingKind.RESIDENT,
                         booked_for="村民议事会", booked_by=agent, area_path=rooms[0].area_path))
    Booking.objects.bulk_create(extra)

    signups: list[Signup] = []
    village_residents = {c.pk: list(Resident.objects.filter(village=c.area).values_list("pk", flat=True)[:200])
                         for c in others}
    for a in activities:
        pool = [r.pk for r in residents] if a.centre_id == centre.pk else village_residents.get(a.centre_id, [])
        if not pool:
            continue
        past = a.end < now
        wanted = min(len(pool), rng.randint(a.capacity // 3, a.capacity) if past else rng.randint(3, a.capacity // 2))
        for i, pk in enumerate(rng.sample(pool, wanted)):
            confirmed = i < a.capacity
            came = past and rng.random() < 0.85
            signups.append(Signup(
                activity=a, resident_id=pk, status=SignupStatus.CONFIRMED if confirmed else SignupStatus.WAITING,
                queued_at=a.start - dt.timedelta(days=3), by_staff=rng.random() < 0.4, created_by=agent,
                checked_in_at=a.start + dt.timedelta(minutes=rng.randint(-20, 15)) if came else None,
                checked_in_by=agent if came else None,
            ))
    Signup.objects.bulk_create(signups, batch_size=500)
    # Walk-ins at the past activities of the demo village.
    taken = {(s.activity_id, s.resident_id) for s in signups}
    walk_ins = []
    for a in activities:
        if a.end < now and a.centre_id == centre.pk and residents:
            for r in rng.sample(residents, min(3, len(residents))):
                if (a.pk, r.pk) not in taken:
                    taken.add((a.pk, r.pk))
                    walk_ins.append(Signup(activity=a, resident=r, status=SignupStatus.WALK_IN, walk_in=True,
                                           queued_at=a.start, by_staff=True, created_by=agent,
                                           checked_in_at=a.start, checked_in_by=agent))
    Signup.objects.bulk_create(walk_ins)
    # The person-times counters that check-in keeps, filled for the rows made here in bulk.
    by_activity = {a.pk: a for a in activities}
    for a in activities:
        a.attended = a.walk_ins = 0
    for s in signups + walk_ins:
        if s.checked_in_at is not None:
            by_activity[s.activity_id].attended += 1
            by_activity[s.activity_id].walk_ins += s.walk_in
    Activity.objects.bulk_update(activities, ["attended", "walk_ins"], batch_size=500)
    # Volunteers who helped at past activities (points are paid by the points app's hook).
    helpers = residents[:5]
    services_rows = [VolunteerService(activity=a, volunteer=h, hours=2, recorded_by=agent)
                     for a in activities if a.end < now and a.centre_id == centre.pk for h in rng.sample(helpers, 2)
                     ] if len(helpers) >= 2 else []
    VolunteerService.objects.bulk_create(services_rows)
    return {"activities": len(activities), "sign-ups": len(signups) + len(walk_ins),
            "person-times": sum(1 for s in signups if s.checked_in_at) + len(walk_ins),
            "rooms": len(rooms), "room bookings": len(bookings) + len(extra)}
