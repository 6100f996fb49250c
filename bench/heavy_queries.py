#!/usr/bin/env python
"""The heaviest reads of county and city staff, timed, with their plans saved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_bench \\
        .venv/bin/python bench/heavy_queries.py [--runs 20]

For the county and the city administrator (and the township, for resident search):
their queue (`Case.objects.visible_to(user).queue()[:31]`, as /desk/ fetches it),
the queue filtered to new, overdue and due-soon cases, the finished list, the
overdue and due-soon counts /desk/ shows, a centre's published performance, and
resident searches. Each is run `--runs` times (median and p95, in ms, through the
ORM: SQL plus building the objects); its SQL is then run once more under
EXPLAIN (ANALYZE, BUFFERS), saved in bench/results/explain/<name>.txt.

Then the pages and API lists of those users, rendered in-process by Django's test
client: queries per page and time per page (no HTTP server, no concurrency).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

EXPLAIN = common.RESULTS / "explain"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, list[str]]:
    """Median and p95 in ms over the runs; the SQL of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm: the first run reads the pages into the buffer cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return common.median(times), common.pct(times, 95), [q["sql"] for q in ctx.captured_queries]


def explain(name: str, sqls: list[str], header: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement, written to explain/<name>.txt; the top line of the last."""
    from django.db import connection

    EXPLAIN.mkdir(parents=True, exist_ok=True)
    out = [header, ""]
    top = ""
    with connection.cursor() as cur:
        for sql in sqls:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [r[0] for r in cur.fetchall()]
            out += ["-- " + sql, *plan, ""]
            top = plan[0]
    (EXPLAIN / f"{name}.txt").write_text("\n".join(out) + "\n")
    return top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--city", choices=["generated", "demo"])
    args = parser.parse_args()
    command = common.banner()
    common.setup_django(static=True)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from xiangli.areas.models import Centre
    from xiangli.cases.models import Case, State
    from xiangli.people.models import CASE_INTAKE_ROLES, Resident
    from xiangli.workdays.calendar import add_workdays

    city = common.city_kind(args.city)
    logins = common.LOGINS[city]
    scale = common.data_scale()
    meta = {"command": command, "machine": common.machine(), "scale": scale, "city": city, "runs": args.runs}
    print(f"city: {city} {scale}", flush=True)
    today = timezone.localdate()
    soon = add_workdays(today, settings.DUE_SOON_WORKING_DAYS)
    finished = [State.DONE, State.CLOSED, State.DECLINED, State.WITHDRAWN]
    users = {who: common.user_for(logins[who]) for who in ("agent", "township", "county", "city", "resident")}
    resident = users["resident"].resident
    centre = Centre.objects.get(area_id=resident.village_id)
    sample = Resident.objects.served_by(users["township"], CASE_INTAKE_ROLES).order_by("pk").first()
    assert sample is not None
    surname = sample.name[0]
    initials = sample.name_initials[:2]

    def v(who: str) -> Any:
        return Case.objects.visible_to(users[who])

    def first_page(qs: Any) -> Callable[[], Any]:
        return lambda: list(qs[:31])

    queries: list[tuple[str, str, Callable[[], Any]]] = []
    for who in ("county", "city"):
        queries += [
            (f"{who}_queue", f"{who}: open queue, first page", lambda w=who: list(v(w).queue()[:31])),
            (
                f"{who}_new",
                f"{who}: new (submitted) cases",
                lambda w=who: list(v(w).new_queue()[:31]),
            ),
            (f"{who}_overdue", f"{who}: overdue list", lambda w=who: list(v(w).overdue(today).queue()[:31])),
            (f"{who}_due_soon", f"{who}: due-soon list", lambda w=who: list(v(w).due_soon(today, soon).queue()[:31])),
            (
                f"{who}_finished",
                f"{who}: finished, newest first",
                lambda w=who: list(
                    v(w)
                    .filter(state__in=finished)
                    .select_related("resident", "item", "village")
                    .order_by("-submitted_at", "-pk")[:31]
                ),
            ),
            (f"{who}_overdue_count", f"{who}: overdue count (/desk/)", lambda w=who: v(w).overdue(today).count()),
            (
                f"{who}_due_soon_count",
                f"{who}: due-soon count (/desk/)",
                lambda w=who: v(w).due_soon(today, soon).count(),
            ),
            (
                f"{who}_queue_page_40",
                f"{who}: open queue, page 40 (offset 1200)",
                lambda w=who: list(v(w).queue()[1200:1231]),
            ),
        ]
    queries += [
        (
            "centre_performance",
            "a centre's published figures (cached 5 min)",
            lambda: Case.objects.filter(centre=centre).performance(),
        ),
        (
            "township_search_surname",
            f"township: resident search '{surname}'",
            lambda: list(
                Resident.objects.served_by(users["township"], CASE_INTAKE_ROLES)
                .search(surname)
                .select_related("village", "grid")
                .order_by("name", "pk")[:20]
            ),
        ),
        (
            "township_search_initials",
            f"township: resident search '{initials}'",
            lambda: list(
                Resident.objects.served_by(users["township"], CASE_INTAKE_ROLES)
                .search(initials)
                .select_related("village", "grid")
                .order_by("name", "pk")[:20]
            ),
        ),
        (
            "resident_own_cases",
            "resident: own cases, newest first",
            lambda: list(
                v("resident").select_related("resident", "item", "village").order_by("-submitted_at", "-pk")[:21]
            ),
        ),
    ]

    rows: list[dict[str, Any]] = []
    print(f"\n{'query':48} {'median ms':>10} {'p95 ms':>8}  plan (top line)")
    for name, label, fn in queries:
        med, p95, sqls = timed(fn, args.runs)
        top = explain(name, sqls, f"{label}\n{command}\ncity: {city} {scale}")
        m = re.search(r"actual time=[\d.]+\.\.([\d.]+)", top)
        rows.append(
            {
                "name": name,
                "label": label,
                "median_ms": med,
                "p95_ms": p95,
                "queries": len(sqls),
                "plan_top": top,
                "explain": f"bench/results/explain/{name}.txt",
                "explain_ms": float(m.group(1)) if m else None,
            }
        )
        print(f"{label:48} {med:10.1f} {p95:8.1f}  {top[:70]}", flush=True)

    # Pages and API lists, in-process: queries per page and time per page.
    case_id = v("county").order_by("-pk").values_list("pk", flat=True).first()
    pages = [
        ("agent", "/desk/"),
        ("township", "/desk/"),
        ("county", "/desk/"),
        ("city", "/desk/"),
        ("county", "/desk/?view=overdue"),
        ("city", "/desk/?view=overdue"),
        ("city", "/desk/?view=due_soon"),
        ("city", "/desk/?view=finished"),
        ("county", "/api/v1/cases"),
        ("city", "/api/v1/cases"),
        ("city", "/api/v1/cases?overdue=true"),
        ("county", f"/desk/cases/{case_id}/"),
        ("resident", f"/c/{centre.area.code}/"),
        ("resident", "/me/cases/"),
        ("resident", "/api/v1/cases"),
    ]
    page_rows = []
    print(f"\n{'page (in-process)':48} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for who, url in pages:
        client = Client()
        client.force_login(users[who])
        response = client.get(url)
        if response.status_code != 200:
            print(f"{who + ' ' + url:48} answered {response.status_code}")
            continue
        med, p95, sqls = timed(lambda c=client, u=url: c.get(u), args.runs)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        page_rows.append(
            {"user": who, "url": url, "queries": len(ctx.captured_queries), "median_ms": med, "p95_ms": p95}
        )
        print(f"{who + ' ' + url:48} {len(ctx.captured_queries):7} {med:10.1f} {p95:8.1f}", flush=True)

    path = common.save_json("heavy_queries.json", {**meta, "queries": rows, "pages": page_rows})
    print(f"\nwritten to {path.relative_to(common.ROOT)}; plans in {EXPLAIN.relative_to(common.ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
