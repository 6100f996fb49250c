#!/usr/bin/env python
"""Rooms and activities under contention, and the person-times report at size.

    createdb -h 127.0.0.1 -U postgres xl_activities_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xl_activities_bench \\
        .venv/bin/python bench/activities_rooms.py [--threads 8] [--rounds 40] [--villages 200]
    dropdb -h 127.0.0.1 -U postgres xl_activities_bench

Its own database (never xiangli or xiangli_bench); the script migrates it and adds a
small tree (one county, `--villages` villages in 10 townships) on the first run.

- booking race: `--rounds` times, `--threads` clerks book the same hour of one room at
  once; every round must keep exactly one booking. Prints the wall time of a round and
  how often the exclusion constraint, not the check before it, refused the loser.
- sign-up race: `--threads` × 10 residents tap "sign up" for an activity of 20 places;
  confirmed must be 20 exactly. Prints sign-ups per second under the row lock.
- person-times: `--villages` × 40 activities × 30 check-ins, then the county's
  report (`queries.person_times`, grouped by month, township and kind): median and p95.
Figures go to bench/results/activities_rooms.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xl_activities_bench")

from common import banner, machine, median, pct, save_json, setup_django  # noqa: E402


def race(n: int, action: Any) -> list[Any]:
    from django.db import connections

    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            out[i] = action(i)
        except Exception as exc:  # noqa: BLE001 - a refusal is a result here
            out[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--villages", type=int, default=200)
    args = parser.parse_args()
    print(banner())
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.db import connection
    from django.utils import timezone
    from xiangli.activities import queries
    from xiangli.activities import services as activities
    from xiangli.activities.models import Activity, Signup, SignupStatus
    from xiangli.areas.models import Area, AreaKind, Centre
    from xiangli.people.idnumbers import make_id_number
    from xiangli.people.models import Resident, Role, RoleAssignment, User
    from xiangli.rooms import services as rooms
    from xiangli.rooms.models import Booking, Room

    assert connection.vendor == "postgresql", "run it on PostgreSQL"
    tz = timezone.get_current_timezone()
    county = Area.objects.filter(code="B00").first()
    if county is None:
        county = Area(code="B00", name="Bench county", kind=AreaKind.COUNTY)
        county.save()
        towns = []
        for t in range(10):
            town = Area(code=f"B00{t:02d}", name=f"Town {t}", kind=AreaKind.TOWNSHIP, parent=county)
            town.save()
            towns.append(town)
        for v in range(args.villages):
            village = Area(code=f"B00{v % 10:02d}{v:04d}", name=f"Village {v}", kind=AreaKind.VILLAGE,
                           parent=towns[v % 10])
            village.save()
            Centre.objects.create(area=village, name=f"Centre {v}")
        clerk = User.objects.create_user("13799990001", "bench-pass-123", name="Clerk")
        RoleAssignment.objects.create(user=clerk, role=Role.TOWNSHIP_STAFF, area=county)
        RoleAssignment.objects.create(user=clerk, role=Role.COUNTY_ADMIN, area=county)
    clerk = User.objects.get(roles__role=Role.COUNTY_ADMIN, roles__area=county)
    centre = Centre.objects.select_related("area").filter(area__parent__parent=county).order_by("pk").first()
    assert centre is not None
    room = Room.objects.filter(centre=centre).first() or Room(centre=centre, name="Hall", opens_at=dt.time(0),
                                                              closes_at=dt.time(23, 59))
    room.save()
    figures: dict[str, Any] = {"machine": machine(), "args": vars(args)}

    # Booking race.
    Booking.objects.filter(room=room).delete()
    base = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=30), dt.time(1), tzinfo=tz)
    walls, by_constraint, bad = [], 0, 0
    other_errors: dict[str, int] = {}
    original = Booking.objects.active

    for r in range(args.rounds):
        start = base + dt.timedelta(days=r)
        t0 = time.perf_counter()
        results = race(args.threads, lambda i, s=start, r=r: rooms.book_room(
            room, by=clerk, start=s, end=s + dt.timedelta(hours=1), booked_for=f"r{r} c{i}"))
        walls.append((time.perf_counter() - t0) * 1000)
        won = sum(isinstance(x, Booking) for x in results)
        bad += won != 1
    # The same race with the friendly check switched off: the constraint alone decides.
    Booking.objects.filter(room=room).delete()

    class NoCheck:
        def __call__(self) -> Any:
            qs = original()
            qs.overlapping = lambda *a, **k: Booking.objects.none()  # type: ignore[method-assign]
            return qs

    Booking.objects.active = NoCheck()  # type: ignore[method-assign]
    try:
        for r in range(args.rounds):
            start = base + dt.timedelta(days=r)
            results = race(args.threads, lambda i, s=start, r=r: rooms.book_room(
                room, by=clerk, start=s, end=s + dt.timedelta(hours=1), booked_for=f"n{r} c{i}"))
            won = sum(isinstance(x, Booking) for x in results)
            by_constraint += sum(isinstance(x, rooms.RoomTaken) for x in results)
            for x in results:
                if isinstance(x, Exception) and not isinstance(x, rooms.RoomTaken):
                    other_errors[f"{type(x).__name__}: {str(x)[:80]}"] = other_errors.get(
                        f"{type(x).__name__}: {str(x)[:80]}", 0) + 1
            bad += won != 1
    finally:
        Booking.objects.active = original  # type: ignore[method-assign]
    figures["booking_race"] = {"round_median_ms": round(median(walls), 1), "round_p95_ms": round(pct(walls, 95), 1),
                               "rounds_with_other_than_one_winner": bad,
                               "refused_by_the_constraint_alone": by_constraint, "other_errors": other_errors}
    print(f"booking race: {args.rounds}×2 rounds of {args.threads} clerks, rounds without exactly one winner: "
          f"{bad}; round median {median(walls):.1f} ms; the constraint alone refused {by_constraint} overlaps; "
          f"other errors: {other_errors or 'none'}")

    # Sign-up race.
    people = list(Resident.objects.filter(village=centre.area)[: args.threads * 10])
    for n in range(len(people), args.threads * 10):
        r = Resident(name=f"村民{n}", gender="M", birth_date=dt.date(1960, 1, 1), village=centre.area,
                     id_number=make_id_number("410329", dt.date(1960, 1, 1), 500 + n, "M"))
        r.save()
        people.append(r)
    Activity.objects.filter(centre=centre).delete()
    Booking.objects.filter(room=room).delete()
    activity = activities.create_activity(by=clerk, centre=centre, title="Bench class", kind="skills",
                                          start=base, end=base + dt.timedelta(hours=2), capacity=20, place="x")
    t0 = time.perf_counter()
    for batch in range(10):
        race(args.threads, lambda i, b=batch: activities.sign_up(activity, by=clerk,
                                                                  resident=people[b * args.threads + i]))
    seconds = time.perf_counter() - t0
    confirmed = Signup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED).count()
    figures["signup_race"] = {"signups": len(people), "seconds": round(seconds, 2),
                              "per_second": round(len(people) / seconds, 1), "confirmed_of_20": confirmed}
    print(f"sign-up race: {len(people)} sign-ups in {seconds:.2f} s ({len(people) / seconds:.0f}/s), "
          f"confirmed {confirmed} of 20 places")

    # Person-times at size.
    if not Activity.objects.filter(title="Bench past").exists():
        from django.db.models import Model

        centres = list(Centre.objects.select_related("area").filter(area__parent__parent=county))
        acts: list[Model] = []
        start0 = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=360), dt.time(9), tzinfo=tz)
        for c in centres:
            for k in range(40):
                s = start0 + dt.timedelta(days=9 * k)
                acts.append(Activity(centre=c, title="Bench past", kind=["skills", "play", "clinic", "class"][k % 4],
                                     start=s, end=s + dt.timedelta(hours=2), capacity=30, place="x",
                                     created_by=clerk, area_path=c.area.path, attended=30))
        Activity.objects.bulk_create(acts, batch_size=2000)  # type: ignore[arg-type]
        # (the check-ins below are made in bulk, so their counter is set here as check-in would)
        ids = list(Resident.objects.values_list("pk", flat=True)[:30])
        rows = [Signup(activity=a, resident_id=rid, status=SignupStatus.CONFIRMED, created_by=clerk,
                       checked_in_at=a.start) for a in acts for rid in ids]  # type: ignore[attr-defined]
        Signup.objects.bulk_create(rows, batch_size=5000)
        with connection.cursor() as cur:
            cur.execute("ANALYZE activities_activity; ANALYZE activities_signup")
    checkins = Signup.objects.filter(checked_in_at__isnull=False).count()
    from xiangli.people import scope

    scope.forget(clerk)
    today = timezone.localdate()
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        report = queries.person_times(clerk, since=today - dt.timedelta(days=365), until=today)
        times.append((time.perf_counter() - t0) * 1000)
    figures["person_times"] = {"checkins": checkins, "median_ms": round(median(times), 1),
                               "p95_ms": round(pct(times, 95), 1), "total": report.total, "rows": len(report.rows)}
    print(f"person-times: county report over {checkins} check-ins: median {median(times):.1f} ms, "
          f"p95 {pct(times, 95):.1f} ms ({len(report.rows)} rows, {report.total} person-times)")
    print(save_json("activities_rooms.json", figures))


if __name__ == "__main__":
    main()
