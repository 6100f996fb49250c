#!/usr/bin/env python
"""Policy finds people, timed: preview and run of each seed policy over the whole city,
coverage, and the import of a 10,000-row Excel roster.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_bench \\
        .venv/bin/python bench/policies.py [--runs 5] [--roster-rows 10000]

For each of the four seed policies (xiangli/policies/seeds.py), made for the city by
its administrator: the preview (counts per county, enrolled or not, and a sample of
20: `queries.preview`), then the run (`services.run_policy`: one INSERT … SELECT of
an outreach row for every eligible resident not yet enrolled), each `--runs` times,
median and p95 in ms. Before, about half of each policy's eligible residents are
enrolled (one INSERT … SELECT), so "not yet enrolled" has work to do. After each run
its outreach rows are deleted and the table vacuumed (untimed), so every run starts
from the same state. Then the re-run (`--runs` times): the policy run again right
after, as the daily tick does when nobody new is eligible (every resident found
already has an open visit). The notification task is not run inside the timed run
(it is queued; a worker does it); its cost is timed once per policy on its own, and
the "run + notify" column adds the two. Coverage (`queries.coverage` for the city)
is timed once after a run.

Then a roster of `--roster-rows` residents (made-up names, ID numbers of a region
no generated resident has) is written to .xlsx and imported into the bench
village by its agent: the dry run, the import, and the same file again (all
unchanged). The imported residents are deleted at the end.

Everything the script adds — policies (if it made them), enrolments, outreach,
runs, notifications, imports, residents — is deleted at the end, also on failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

# The run queues its notification task; the bench must not leave tasks behind in the queue.
os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英建国志强红霞文静春燕晓燕建华丽娟玉兰桂英淑珍海燕小红明军"
REGION = "419999"  # no generated resident has it, so every roster row is new


def timed(fn: Callable[[], Any], runs: int, after: Callable[[], Any] | None = None) -> tuple[float, float]:
    """Median and p95 in ms; `after` (untimed) undoes what a run wrote."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if after is not None:
            after()
    return common.median(times), common.pct(times, 95)


def roster_xlsx(rows: int, village: Any, grids: list[Any], rng: random.Random) -> tuple[bytes, list[str]]:
    from openpyxl import Workbook
    from xiangli.people.idnumbers import make_id_number

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "身份证号", "村（社区）", "网格", "手机号", "户号", "户主", "标签", "残疾等级"])
    ids = []
    start = dt.date(1940, 1, 1)
    for i in range(rows):
        gender = "M" if i % 2 else "F"
        number = make_id_number(REGION, start + dt.timedelta(days=i), i % 500, gender)
        ids.append(number)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
        tags = rng.choice(["", "", "", "低保", "独居", "残疾", "党员"])
        sheet.append([
            name, number, village.code, rng.choice(grids).code if grids else None,
            f"1{rng.choice('3589')}{i:09d}"[:11] if i % 3 == 0 else None, f"B{i // 4:05d}",
            "是" if i % 4 == 0 else "否",
            tags, (rng.randint(1, 4) if tags == "残疾" else None),
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--roster-rows", type=int, default=10_000)
    parser.add_argument("--city", choices=["generated", "demo"])
    args = parser.parse_args()
    command = common.banner()
    common.setup_django()

    from django.db import connection
    from django.utils import timezone
    from xiangli.areas.models import Area, AreaKind
    from xiangli.notifications.models import Notification
    from xiangli.people.crypto import digest
    from xiangli.people.models import Resident
    from xiangli.policies import queries, services, tasks
    from xiangli.policies.models import Outreach, Policy, PolicyEnrolment, PolicyRun
    from xiangli.policies.seeds import SEEDS, create_seed_policies
    from xiangli.roster import services as roster
    from xiangli.roster.models import RosterImport

    kind = common.city_kind(args.city)
    logins = common.LOGINS[kind]
    admin = common.user_for(logins["city"])
    agent = common.user_for(logins["agent"])
    city = Area.objects.get(kind=AreaKind.CITY)
    scale = common.data_scale() if connection.vendor == "postgresql" else {}
    meta = {"command": command, "machine": common.machine(), "scale": scale, "city": kind, "runs": args.runs,
            "load_before": os.getloadavg()}
    # The machine may be shared: the load says how far to trust the figures.
    print(f"city: {kind} {scale}; load average {os.getloadavg()[0]:.1f}", flush=True)

    existing = set(Policy.objects.filter(code__in=[s["code"] for s in SEEDS]).values_list("code", flat=True))
    started = timezone.now()
    # Rows past these ids are the bench's own; whatever was there before stays.
    first_enrolment = PolicyEnrolment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_outreach = Outreach.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_run = PolicyRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    made_policies: list[int] = []
    imported: list[str] = []
    results: dict[str, Any] = {"policies": {}}
    kept = ["status", "reason", "created_at", "outcome_at", "outcome_by"]
    before: list[Outreach] = []
    try:
        policies = create_seed_policies(by=admin, area=city)
        made_policies = [p.pk for p in policies if p.code not in existing]
        for p in policies:
            services.set_status(p, by=admin, status="live")
        # About half of the eligible already enrolled, in one statement per policy.
        table = PolicyEnrolment._meta.db_table
        for p in policies:
            eligible_sql, params = services.eligible(p).order_by().values_list("pk").query.sql_with_params()
            stamp = connection.ops.adapt_datefield_value(timezone.localdate())
            half = "random() < 0.5" if connection.vendor == "postgresql" else "abs(random()) % 2 = 0"
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {table} (policy_id, resident_id, status, enrolled_on, source) "  # noqa: S608
                    f"SELECT %s, e.pk, 'enrolled', %s, 'import' FROM ({eligible_sql}) e "
                    # Not an anti-join on the table written to: planned as a nested loop, it
                    # rescans the rows just added for every resident (minutes, not seconds).
                    f"WHERE {half} ON CONFLICT DO NOTHING",
                    [p.pk, stamp, *params],
                )
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {table}")

        # A run opens again the visits it may ask again: rows that were there before are put back as they were.
        before = list(Outreach.objects.filter(policy__in=policies).only("pk", "policy", *kept))

        def undo_run(policy: Policy) -> Callable[[], None]:
            def undo() -> None:
                Outreach.objects.filter(policy=policy, pk__gt=first_outreach)._raw_delete(connection.alias)
                Outreach.objects.bulk_update([o for o in before if o.policy_id == policy.pk], kept, batch_size=1000)
                PolicyRun.objects.filter(policy=policy, pk__gt=first_run).delete()
                if connection.vendor == "postgresql":
                    # The bench's own deletes leave dead rows that a real outreach table does not have.
                    with connection.cursor() as cur:
                        cur.execute(f"VACUUM {Outreach._meta.db_table}")
            return undo

        for p in policies:
            figures: dict[str, Any] = {}
            queries.preview(p, city)  # warm the cache
            figures["preview_ms"] = timed(functools.partial(queries.preview, p, city), args.runs)
            breakdown, _ = queries.preview(p, city)
            figures["eligible"], figures["enrolled"] = breakdown.total.eligible, breakdown.total.enrolled
            figures["run_ms"] = timed(functools.partial(services.run_policy, p, by=admin), args.runs, after=undo_run(p))
            run = services.run_policy(p, by=admin)
            figures["outreach_created"] = run.created
            figures["rerun_ms"] = timed(functools.partial(services.run_policy, p, by=admin), args.runs)
            t = time.perf_counter()
            queries.coverage(p, city)
            figures["coverage_ms"] = round((time.perf_counter() - t) * 1000, 1)
            t = time.perf_counter()
            figures["notified"] = tasks.notify_policy_run.func(run.pk)
            figures["notify_ms"] = round((time.perf_counter() - t) * 1000, 1)
            undo_run(p)()
            results["policies"][p.code] = figures
            pm, pp = figures["preview_ms"]
            rm, rp = figures["run_ms"]
            figures["run_and_notify_ms"] = round(rm + figures["notify_ms"], 1)
            print(f"{p.code:22} eligible {figures['eligible']:>7} enrolled {figures['enrolled']:>7} "
                  f"| preview median {pm:5.0f} ms p95 {pp:5.0f} | run median {rm:5.0f} ms p95 {rp:5.0f} "
                  f"({figures['outreach_created']} visits) | re-run median {figures['rerun_ms'][0]:5.0f} ms "
                  f"| notify {figures['notify_ms']:.0f} ms ({figures['notified']} staff) "
                  f"| run + notify {figures['run_and_notify_ms']:.0f} ms | coverage {figures['coverage_ms']:.0f} ms",
                  flush=True)

        # The roster import.
        village = agent.roles.filter(role="agent").select_related("area").get().area
        grids = list(Area.objects.filter(parent=village, kind=AreaKind.GRID))
        data, imported = roster_xlsx(args.roster_rows, village, grids, random.Random(9))
        t = time.perf_counter()
        record = roster.check_roster(by=agent, filename="bench.xlsx", data=data)
        check_s = time.perf_counter() - t
        t = time.perf_counter()
        record = roster.apply_import(record, by=agent)
        apply_s = time.perf_counter() - t
        t = time.perf_counter()
        again = roster.apply_import(roster.check_roster(by=agent, filename="bench.xlsx", data=data), by=agent)
        again_s = time.perf_counter() - t
        results["roster"] = {
            "rows": args.roster_rows, "bytes": len(data), "check_s": round(check_s, 2), "import_s": round(apply_s, 2),
            "new": record.new, "rejected": len(record.rejected), "again_s": round(again_s, 2),
            "again_unchanged": again.unchanged,
        }
        print(f"roster of {args.roster_rows} rows ({len(data) // 1024} KB): dry run {check_s:.1f} s, "
              f"import {apply_s:.1f} s ({record.new} new, {len(record.rejected)} rejected); "
              f"same file again (check + import) {again_s:.1f} s ({again.unchanged} unchanged)", flush=True)
    finally:
        # Leave the city as it was.
        Outreach.objects.filter(pk__gt=first_outreach)._raw_delete(connection.alias)
        Outreach.objects.bulk_update(before, kept, batch_size=1000)
        PolicyEnrolment.objects.filter(pk__gt=first_enrolment)._raw_delete(connection.alias)
        PolicyRun.objects.filter(pk__gt=first_run).delete()
        Policy.objects.filter(pk__in=made_policies).delete()
        Notification.objects.filter(created_at__gte=started, message_en__startswith="Policy “").delete()
        RosterImport.objects.filter(created_at__gte=started, filename="bench.xlsx").delete()
        if imported:
            digests = [digest(n) for n in imported]
            for i in range(0, len(digests), 1000):
                Resident.objects.filter(id_digest__in=digests[i:i + 1000]).delete()
        if connection.vendor == "postgresql":
            # The dead rows of what was deleted would slow the next run of the bench.
            with connection.cursor() as cur:
                for model in (Outreach, PolicyEnrolment):
                    cur.execute(f"VACUUM {model._meta.db_table}")
    meta["load_after"] = os.getloadavg()
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    results["meta"] = meta
    common.save_json("policies.json", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
