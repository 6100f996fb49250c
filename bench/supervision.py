#!/usr/bin/env python
"""Supervision at city scale: the rollup job, and the pages supervisors open most.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_bench \\
        .venv/bin/python bench/supervision.py [--month 2026-10] [--runs 30] [--skip-rollup]

1. The rollup of one whole month for the whole city (`metrics.rollup.roll_up_month`:
   grouped queries over the month's cases, activities and volunteer work, folded up
   the area tree, the month's AreaDay rows rewritten in one transaction), then the
   standing with policy coverage (`refresh_standing`). Timed once each (they rewrite
   what they built, so running them again changes nothing). Target: a month < 5 min.
2. Reads, in-process through Django's test client logged in as the generated city's
   county and city administrators (no HTTP server, no concurrency): the city's and a
   county's figures page, the county's and the city's ranking, the city's and a
   county's big screen page and its live data; each `--runs` times after one warm-up,
   median and p95 in ms and the queries per request. Targets: the city big screen
   and the county ranking < 200 ms p95.

Pages whose app is not installed in this checkout are listed as skipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", help="YYYY-MM to roll up (default: last month)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-rollup", action="store_true")
    parser.add_argument("--city", choices=["generated", "demo"])
    args = parser.parse_args()
    command = common.banner()
    common.setup_django(static=True)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone
    from xiangli.areas.models import Area, AreaKind
    from xiangli.metrics import periods
    from xiangli.metrics.rollup import refresh_standing, roll_up_month

    city_kind = common.city_kind(args.city)
    logins = common.LOGINS[city_kind]
    today = timezone.localdate()
    month = periods.parse(args.month, today=today) if args.month else periods.month(today).previous()
    results: dict[str, Any] = {
        "command": command, "machine": common.machine(), "scale": common.data_scale(), "city": city_kind,
        "runs": args.runs, "rollup": {}, "reads": [],
    }
    print(f"city: {city_kind} {results['scale']}", flush=True)

    if not args.skip_rollup:
        run = roll_up_month(month.first.year, month.first.month)
        results["rollup"]["month"] = {"month": month.code, "seconds": round(run.seconds, 1), "rows": run.rows}
        print(f"roll up {month.code}: {run.seconds:.1f} s, {run.rows} area-day rows (target < 300 s)", flush=True)
        began = time.perf_counter()
        standing = refresh_standing(today=today, policies=True)
        results["rollup"]["standing"] = {"seconds": round(time.perf_counter() - began, 1), "rows": standing.rows}
        print(f"standing with policy coverage: {standing.seconds:.1f} s, {standing.rows} areas", flush=True)

    county_user, city_user = common.user_for(logins["county"]), common.user_for(logins["city"])
    city = Area.objects.get(kind=AreaKind.CITY)
    county = Area.objects.filter(kind=AreaKind.COUNTY, path__in=[
        p for p in Area.objects.filter(role_assignments__user=county_user).values_list("path", flat=True)
    ]).first() or Area.objects.filter(kind=AreaKind.COUNTY).order_by("code").first()
    assert county is not None
    quarter = periods.quarter(today).previous()

    pages: list[tuple[str, Any, str, list[str], dict[str, str], bool]] = [
        ("city figures page", city_user, "metrics:area", [city.code], {"period": month.code}, False),
        ("county figures page", county_user, "metrics:area", [county.code], {"period": month.code}, False),
        ("county ranking", county_user, "ratings:ranking", [county.code], {"quarter": quarter.code}, True),
        ("city ranking, first page", city_user, "ratings:ranking", [city.code], {"quarter": quarter.code}, False),
        ("city big screen page", city_user, "screens:screen", [city.code], {}, False),
        ("city big screen live data", city_user, "screens:data", [city.code], {}, True),
        ("county big screen live data", county_user, "screens:data", [county.code], {}, False),
    ]
    for label, user, name, url_args, params, targeted in pages:
        try:
            url = reverse(name, args=url_args)
        except NoReverseMatch:
            print(f"{label}: skipped ({name} is not in this checkout)", flush=True)
            results["reads"].append({"what": label, "skipped": True})
            continue
        client = Client()
        client.force_login(user)
        first = client.get(url, params)
        if first.status_code != 200:
            print(f"{label}: {url} answered {first.status_code}", flush=True)
            results["reads"].append({"what": label, "url": url, "status": first.status_code})
            continue
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                client.get(url, params)
                times.append((time.perf_counter() - began) * 1000)
            queries = len(captured)
        row = {
            "what": label, "url": url, "params": params, "median_ms": round(common.median(times), 1),
            "p95_ms": round(common.pct(times, 95), 1), "queries": queries,
            "target": "p95 < 200 ms" if targeted else "",
            "met": (common.pct(times, 95) < 200) if targeted else None,
        }
        results["reads"].append(row)
        print(f"{label}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms, {queries} queries"
              + (f" ({'met' if row['met'] else 'MISSED'}: {row['target']})" if targeted else ""), flush=True)
    print(f"wrote {common.save_json('supervision.json', results)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
