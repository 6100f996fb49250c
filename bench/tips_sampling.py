#!/usr/bin/env python
"""Tip desk, tip statistics and public sampling results at scale: page times in-process.

    createdb -h 127.0.0.1 -U postgres xl_tips_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xl_tips_bench \\
        .venv/bin/python bench/tips_sampling.py [--tips 200000] [--batches 100000] [--samples 30]
    dropdb -h 127.0.0.1 -U postgres xl_tips_bench

Its own database (never xiangli or xiangli_bench): the script migrates it, makes a
city of 10 counties × 10 townships, loads `--tips` anonymous tips (bulk, in every
state, over two years) and `--batches` sampled batches (50 per event), then times,
with Django's test client and warm caches, median and p95 of:
- the tip desk's queue of one county (open tips, overdue count), as its handler;
- the tip statistics of the whole city, as the city administrator;
- one resident's support for a nomination (`sampling.services.support`);
- the public results index (every county, this year and last) and one county's results.
EXPLAIN of the statistics' heaviest query and of the queue goes to
bench/results/tips_sampling.txt, figures to bench/results/tips_sampling.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xl_tips_bench")

from common import RESULTS, ROOT, banner, machine, median, pct, save_json, setup_django  # noqa: E402

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def figures(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(median(values), 2), "p95_ms": round(pct(values, 95), 2), "n": len(values)}


def build(tips: int, batches: int, rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from xiangli.areas.models import Area, AreaKind
    from xiangli.people.models import Resident, Role, RoleAssignment, User
    from xiangli.sampling.models import Batch, Nomination, Regulator, SamplingEvent, Support
    from xiangli.tips.models import Category, State, Tip, TipDesk

    with connection.cursor() as cursor:
        for model in (Support, Batch, Nomination, SamplingEvent, Regulator, Tip, TipDesk):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")  # noqa: S608 -- our own table names
    def area(code: str, name: str, kind: str, parent: Area | None) -> Area:
        found = Area.objects.filter(code=code).first()
        if found is None:
            found = Area(code=code, name=name, kind=kind, parent=parent)
            found.save()
        return found

    city = area("990000", "Bench city", AreaKind.CITY, None)
    for c in range(1, 11):
        county = area(f"99{c:02d}00", f"County {c}", AreaKind.COUNTY, city)
        for t in range(1, 11):
            area(f"{county.code}{t:03d}", f"Township {c}-{t}", AreaKind.TOWNSHIP, county)
    townships = list(Area.objects.filter(kind=AreaKind.TOWNSHIP, path__startswith=city.path).select_related("parent"))
    county0 = city.children.order_by("code").first()
    assert county0 is not None

    def user(phone: str, name: str) -> Any:
        existing = User.objects.filter(name=name).first()
        return existing or User.objects.create_user(phone, "xiangli2026", name=name)

    handler = user("13511110001", "bench handler")
    TipDesk.objects.get_or_create(user=handler, area=county0)
    mayor = user("13511110002", "bench city admin")
    RoleAssignment.objects.get_or_create(user=mayor, role=Role.CITY_ADMIN, area=city)
    regulator = user("13511110003", "bench regulator")
    Regulator.objects.get_or_create(user=regulator, area=county0)

    now = dt.datetime.now(dt.UTC)
    states = [State.RECEIVED, State.ACCEPTED, State.INVESTIGATING, State.ANSWERED, State.CLOSED, State.REJECTED]
    weights = [2, 2, 2, 3, 20, 3]
    rows = []
    started = time.monotonic()
    for n in range(tips):
        township = townships[n % len(townships)]
        received = now - dt.timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
        state = rng.choices(states, weights)[0]
        rows.append(Tip(
            code="".join(rng.choice(ALPHABET) for _ in range(12)), secret_digest="0" * 64,
            category=rng.choice(Category.values), product="bench", description="bench", seller="s", place="p",
            bought_on=received.date(), area=township, county=township.parent, area_path=township.path,
            state=state, outcome="confirmed" if state in (State.ANSWERED, State.CLOSED) else "",
            received_at=received, accept_due=(received + dt.timedelta(days=7)).date(),
            feedback_due=(received + dt.timedelta(days=21)).date() if state != State.RECEIVED else None,
            handler=handler if state != State.RECEIVED else None,
        ))
        if len(rows) == 5000:
            Tip.objects.bulk_create(rows)
            rows = []
    Tip.objects.bulk_create(rows)
    tips_seconds = time.monotonic() - started

    started = time.monotonic()
    events = []
    for n in range(max(1, batches // 50)):
        township = townships[n % len(townships)]
        events.append(SamplingEvent(title=f"bench {n}", area=township, area_path=township.path,
                                    planned_on=(now - dt.timedelta(days=rng.randint(0, 730))).date(),
                                    created_by=regulator))
    SamplingEvent.objects.bulk_create(events, batch_size=5000)
    rows_b = []
    for n in range(batches):
        ev = events[n // 50 % len(events)]
        rows_b.append(Batch(event=ev, item="bench", seller="s", sampled_on=ev.planned_on, lab="lab",
                            result="fail" if rng.random() < 0.03 else "pass", area_path=ev.area_path,
                            recorded_by=regulator))
        if len(rows_b) == 5000:
            Batch.objects.bulk_create(rows_b)
            rows_b = []
    Batch.objects.bulk_create(rows_b)
    batches_seconds = time.monotonic() - started
    village = area(f"{townships[0].code}201", "Bench village", AreaKind.VILLAGE, townships[0])
    voters = []
    for n in range(40):
        phone = f"1351112{n:04d}"
        u = User.objects.filter(name=f"bench voter {n}").first()
        if u is None:
            r = Resident(name=f"bench voter {n}", gender="F", birth_date=dt.date(1960, 1, 1), village=village)
            r.save()
            u = User.objects.create_user(phone, "xiangli2026", name=f"bench voter {n}", resident=r)
        voters.append(u)
    with connection.cursor() as cursor:
        # Only the loaded tables: a bare ANALYZE also takes the shared catalogs and stalls other databases.
        for model in (Tip, Batch, SamplingEvent):
            cursor.execute(f"ANALYZE {model._meta.db_table}")  # noqa: S608 -- our own table names
    return {"county": county0, "handler": handler, "mayor": mayor, "voters": voters, "township": townships[0],
            "load_seconds": {"tips": round(tips_seconds, 1), "batches": round(batches_seconds, 1)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tips", type=int, default=200_000)
    parser.add_argument("--batches", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    print(banner())
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from xiangli.sampling import services as sampling
    from xiangli.sampling.models import Nomination
    from xiangli.tips.models import Tip

    setup_test_environment()
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    rng = random.Random(2026)  # noqa: S311 -- reproducible data, not secrets
    world = build(args.tips, args.batches, rng)
    print(f"loaded {args.tips} tips in {world['load_seconds']['tips']} s, "
          f"{args.batches} batches in {world['load_seconds']['batches']} s")

    def page(user: Any, url: str) -> Callable[[], None]:
        client = Client()
        if user is not None:
            client.force_login(user)

        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    results: dict[str, Any] = {"machine": machine(), "tips": args.tips, "batches": args.batches,
                               "load_seconds": world["load_seconds"]}
    county = world["county"]
    checks = {
        "tip_queue_county_open": page(world["handler"], "/tips/desk/"),
        "tip_queue_county_overdue": page(world["handler"], "/tips/desk/?view=overdue"),
        "tip_stats_city": page(world["mayor"], "/tips/stats/"),
        "tip_stats_city_one_year": page(world["mayor"], f"/tips/stats/?year={dt.date.today().year}"),
        "sampling_results_index": page(None, "/sampling/results/"),
        "sampling_results_county": page(None, f"/sampling/results/{county.code}/"),
    }
    for name, fn in checks.items():
        fn()  # warm
        results[name] = figures(timed(fn, args.samples))
        print(f"{name:28} median {results[name]['median_ms']:8.2f} ms   p95 {results[name]['p95_ms']:8.2f} ms")

    nomination = sampling.nominate(by=world["voters"][0], item="bench food")
    voters = iter(world["voters"][1:])
    support_times = timed(lambda: sampling.support(Nomination.objects.get(pk=nomination.pk), by=next(voters)),
                          min(args.samples, len(world["voters"]) - 1))
    results["support_one"] = figures(support_times)
    print(f"{'support_one':28} median {results['support_one']['median_ms']:8.2f} ms   "
          f"p95 {results['support_one']['p95_ms']:8.2f} ms")

    plans = []
    with connection.cursor() as cursor:
        stats_sql, params = (Tip.objects.filter(area_path__startswith="/990000/")
                             .values_list("area_id").annotate(n=Count("pk"))
                             .query.sql_with_params())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + stats_sql, params)
        plans.append("-- tip statistics by township, whole city\n" + "\n".join(r[0] for r in cursor.fetchall()))
        queue_sql, params = (Tip.objects.filter(area_path__startswith=county.path,
                                                state__in=["received", "accepted", "investigating"])
                             .order_by("accept_due", "feedback_due", "pk")[:30].query.sql_with_params())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queue_sql, params)
        plans.append("-- tip desk queue, one county, open\n" + "\n".join(r[0] for r in cursor.fetchall()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tips_sampling.txt").write_text("\n\n".join(plans) + "\n")
    print(f"figures: {save_json('tips_sampling.json', results)}")


if __name__ == "__main__":
    main()
