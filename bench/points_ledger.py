#!/usr/bin/env python
"""The points ledger at 10 million rows: a balance and a village leaderboard without scanning it.

    createdb -h 127.0.0.1 -U postgres xl_points_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xl_points_bench \\
        .venv/bin/python bench/points_ledger.py [--rows 10000000] [--villages 200] [--per-village 100]
    dropdb -h 127.0.0.1 -U postgres xl_points_bench

Its own database (never xiangli or xiangli_bench): the script migrates it, makes
`--villages` villages with `--per-village` volunteers each (a points account per
volunteer), then loads `--rows` ledger rows with COPY (earnings over 24 months,
one spend in twenty), and fills the cached balances and the monthly tallies from
the ledger with two set-based statements, as the services would have kept them.

Then, with the caches warm:
- balance lookup (`points.services.balance_of`, the cached row): median and p95 of
  `--samples` lookups of random volunteers; for contrast the same balance summed
  from the ledger (what it would cost without the cache);
- the village-month leaderboard (the query of the leaderboard page, on
  `MonthlyTally`): median and p95 over random villages and months; for contrast the
  same ranking grouped from the ledger;
- `award_points` at this size (it locks the account row and appends a ledger row);
- `manage.py check_points` over the whole ledger, once (seconds, and mismatches: 0).
EXPLAIN of the two reads goes to bench/results/points_ledger.txt, figures to
bench/results/points_ledger.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xl_points_bench")

from common import RESULTS, ROOT, banner, machine, median, pct, save_json, setup_django  # noqa: E402

MONTHS = 24


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def figures(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(median(values), 3), "p95_ms": round(pct(values, 95), 3), "n": len(values)}


def make_world(villages: int, per_village: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Areas, residents and their points accounts; returns village ids and (account id, village id)."""
    from xiangli.areas.models import Area, AreaKind
    from xiangli.people.models import Resident, User
    from xiangli.points.models import PointsAccount

    city = Area(code="BENCH", name="Bench city", kind=AreaKind.CITY)
    city.save()
    county = Area(code="BENCH01", name="Bench county", kind=AreaKind.COUNTY, parent=city)
    county.save()
    townships = []
    for t in range(max(1, villages // 20)):
        township = Area(code=f"BENCH01{t:03d}", name=f"Township {t}", kind=AreaKind.TOWNSHIP, parent=county)
        township.save()
        townships.append(township)
    areas = []
    for v in range(villages):
        parent = townships[v % len(townships)]
        areas.append(Area(code=f"{parent.code}{v:04d}", name=f"Village {v}", kind=AreaKind.VILLAGE, parent=parent,
                          path=f"{parent.path}{parent.code}{v:04d}/", depth=3))
    Area.objects.bulk_create(areas, batch_size=1000)
    village_rows = list(Area.objects.filter(kind=AreaKind.VILLAGE, code__startswith="BENCH").values_list("pk", "path"))
    residents = [
        Resident(name=f"志愿者{v}-{n}", name_initials="zyz", gender="F", birth_date=dt.date(1980, 1, 1),
                 village_id=vid, area_path=path)
        for v, (vid, path) in enumerate(village_rows) for n in range(per_village)
    ]
    Resident.objects.bulk_create(residents, batch_size=5000)
    rows = list(Resident.objects.filter(area_path__startswith=city.path).values_list("pk", "village_id", "area_path"))
    PointsAccount.objects.bulk_create(
        [PointsAccount(resident_id=pk, village_id=vid, area_path=path) for pk, vid, path in rows], batch_size=5000
    )
    staff = User.objects.create_user("13799999999", "bench-pass-123", name="Bench secretary", is_superuser=True)
    del staff
    accounts = list(PointsAccount.objects.values_list("pk", "village_id"))
    return [vid for vid, _ in village_rows], accounts


def load_ledger(accounts: list[tuple[int, int]], rows: int, rng: random.Random, today: dt.date) -> float:
    """COPY `rows` ledger rows; returns seconds. FK checks are skipped for the load (replica role)."""
    from django.db import connection

    first_month = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    months = []
    m = first_month
    for _ in range(MONTHS):
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    start = time.perf_counter()
    columns = ("account_id, kind, points, hours, tasks, reason, village_id, tally_month, created_at")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        with cursor.copy(f"COPY points_pointsentry ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            buffer = io.StringIO()
            for n in range(rows):
                account, village = accounts[n % len(accounts)]
                month = months[(n // len(accounts)) % MONTHS]  # each account's rows spread over every month
                when = f"{month.isoformat()} {8 + n % 10:02d}:{n % 60:02d}:00+08"
                # Every twentieth row of each account is a spend, so no balance goes below zero.
                if (n // len(accounts)) % 20 == 19:
                    buffer.write(f"{account}\tspend\t-{5 + n % 10}\t0\t0\tRedeemed\t{village}\t\\N\t{when}\n")
                else:
                    buffer.write(f"{account}\tearn\t{10 + n % 25}\t{1 + n % 3}.5\t1\tHelp task\t{village}\t"
                                 f"{month.isoformat()}\t{when}\n")
                if n % 200_000 == 199_999:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
                    print(f"  {n + 1:,} rows", flush=True)
            copy.write(buffer.getvalue())
        cursor.execute("SET session_replication_role = origin")
    return time.perf_counter() - start


def fill_caches() -> float:
    """Balances and monthly tallies from the ledger, set-based (what the services keep row by row)."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE points_pointsaccount a SET balance = s.balance, earned = s.earned, hours = s.hours,
                   tasks = s.tasks, updated_at = now()
            FROM (SELECT account_id, sum(points) AS balance,
                         coalesce(sum(points) FILTER (WHERE tally_month IS NOT NULL), 0) AS earned,
                         sum(hours) AS hours, sum(tasks) AS tasks
                  FROM points_pointsentry GROUP BY account_id) s
            WHERE a.id = s.account_id""")
        cursor.execute("""
            INSERT INTO points_monthlytally (village_id, month, account_id, points, hours, tasks)
            SELECT village_id, tally_month, account_id, sum(points), sum(hours), sum(tasks)
            FROM points_pointsentry WHERE tally_month IS NOT NULL
            GROUP BY village_id, tally_month, account_id""")
        cursor.execute("ANALYZE points_pointsentry")
        cursor.execute("ANALYZE points_pointsaccount")
        cursor.execute("ANALYZE points_monthlytally")
    return time.perf_counter() - start


def explain(sql: str, params: list[Any]) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--per-village", type=int, default=100)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    line = banner()
    if "xl_points_bench" not in os.environ["DATABASE_URL"] and "--any-db" not in sys.argv:
        print("Refusing: run on its own database (xl_points_bench).")
        return 2
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from xiangli.people.models import Resident, User
    from xiangli.points import services
    from xiangli.points.models import MonthlyTally, PointsAccount, PointsEntry

    rng = random.Random(6)  # noqa: S311
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM points_pointsentry")
        existing = cursor.fetchone()[0]
    if existing:
        print(f"Ledger already holds {existing:,} rows: using them (drop the database to load afresh).")
        villages = list(PointsAccount.objects.values_list("village_id", flat=True).distinct())
        accounts = list(PointsAccount.objects.values_list("pk", "village_id"))
        load_s = caches_s = 0.0
    else:
        villages, accounts = make_world(args.villages, args.per_village)
        print(f"{len(villages)} villages, {len(accounts):,} volunteer accounts; loading {args.rows:,} ledger rows…",
              flush=True)
        load_s = load_ledger(accounts, args.rows, rng, today)
        print(f"COPY: {load_s:.1f} s", flush=True)
        caches_s = fill_caches()
        print(f"caches from the ledger: {caches_s:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM points_pointsentry")
        ledger_rows = cursor.fetchone()[0]
    residents = list(PointsAccount.objects.values_list("resident_id", flat=True))
    sample = [Resident(pk=rng.choice(residents)) for _ in range(args.samples)]
    it = iter(sample)
    balance = timed(lambda: services.balance_of(next(it)), args.samples)

    def sum_from_ledger(account: int) -> int:
        from django.db.models import Sum

        return int(PointsEntry.objects.filter(account_id=account).aggregate(n=Sum("points"))["n"] or 0)

    ledger_balance = timed(lambda: sum_from_ledger(rng.choice(accounts)[0]), min(200, args.samples))
    months = sorted(set(MonthlyTally.objects.values_list("month", flat=True)[:5000]))

    def board() -> list[Any]:
        return list(MonthlyTally.objects.filter(village_id=rng.choice(villages), month=rng.choice(months),
                                                points__gt=0)
                    .select_related("account__resident").order_by("-points", "account_id")[:20])

    leaderboard = timed(board, args.samples)

    def board_from_ledger() -> list[Any]:
        from django.db.models import Sum

        return list(PointsEntry.objects.filter(village_id=rng.choice(villages), tally_month=rng.choice(months))
                    .values("account_id").annotate(n=Sum("points")).order_by("-n")[:20])

    ledger_board = timed(board_from_ledger, min(50, args.samples))
    secretary = User.objects.get(name="Bench secretary")
    award_targets = iter(rng.sample(residents, 50))
    counter = iter(range(10**9))
    award = timed(lambda: services.award_points(
        Resident.objects.get(pk=next(award_targets)), points=10, hours="1", reason="bench",
        source=f"bench:{time.time_ns()}:{next(counter)}", by=secretary), 50)
    village_id, month = villages[0], months[-1]
    plans = {
        "balance": explain("SELECT balance FROM points_pointsaccount WHERE resident_id = %s", [residents[0]]),
        "leaderboard": explain(
            "SELECT t.*, r.name FROM points_monthlytally t JOIN points_pointsaccount a ON a.id = t.account_id "
            "JOIN people_resident r ON r.id = a.resident_id WHERE t.village_id = %s AND t.month = %s AND t.points > 0 "
            "ORDER BY t.points DESC, t.account_id LIMIT 20", [village_id, month]),
    }
    start = time.perf_counter()
    mismatches = services.check_points()
    check_s = time.perf_counter() - start
    start = time.perf_counter()
    try:
        call_command("check_points", stdout=io.StringIO())
        command_ok = True
    except Exception:  # noqa: BLE001 -- reported, not raised: the figures still print
        command_ok = False
    command_s = time.perf_counter() - start
    result = {
        "command": line,
        "machine": machine(),
        "scale": {"ledger_rows": ledger_rows, "accounts": len(accounts), "villages": len(villages),
                  "tallies": MonthlyTally.objects.count()},
        "load_seconds": round(load_s, 1),
        "caches_seconds": round(caches_s, 1),
        "balance_lookup": figures(balance),
        "balance_summed_from_ledger": figures(ledger_balance),
        "leaderboard_village_month": figures(leaderboard),
        "leaderboard_grouped_from_ledger": figures(ledger_board),
        "award_points": figures(award),
        "check_points_seconds": round(check_s, 1),
        "check_points_command_seconds": round(command_s, 1),
        "check_points_mismatches": len(mismatches),
        "check_points_command_ok": command_ok,
    }
    save_json("points_ledger.json", result)
    (RESULTS / "points_ledger.txt").write_text(
        line + "\n\n" + "\n\n".join(f"-- {k}\n{v}" for k, v in plans.items()) + "\n")
    print(f"ledger rows: {ledger_rows:,}; accounts: {len(accounts):,}; villages: {len(villages)}; "
          f"tallies: {result['scale']['tallies']:,}")
    for key in ("balance_lookup", "balance_summed_from_ledger", "leaderboard_village_month",
                "leaderboard_grouped_from_ledger", "award_points"):
        f = result[key]
        print(f"{key:34} median {f['median_ms']:9.3f} ms   p95 {f['p95_ms']:9.3f} ms   (n={f['n']})")
    print(f"check_points (service): {check_s:.1f} s, {len(mismatches)} mismatches; "
          f"manage.py check_points: {command_s:.1f} s, {'agree' if command_ok else 'MISMATCH'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
