#!/usr/bin/env python
"""HTTP under load: the production server (gunicorn, DEBUG off) driven by wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_bench \\
        .venv/bin/python bench/http_load.py [--duration 10] [--repeats 3] [--clients 1,10,50]

Starts gunicorn xiangli.wsgi on a free 127.0.0.1 port, logs in (the /login/ form for
pages, POST /api/v1/tokens for the API), and measures each endpoint at each number
of concurrent clients, N times; prints the medians of throughput and p50/p95/p99
latency, and writes them to bench/results/http_load.json.

Writes are undone after each run, so every run starts from the same city: a
creation run files walk-in cases for up to 20,000 resident × item pairs without an
open case (chosen before the run, so none is refused as a duplicate) and they are
deleted afterwards, with their events and notification tasks. Each transition run
accepts up to 20,000 submitted cases of the agent's village and then puts them back
to submitted (undo_accepts), so every run has the same pool.

`--only a,b` measures those endpoints and replaces their rows in the results file.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

LUA = common.BENCH / "wrk_requests.lua"
WORK = common.RESULTS / "wrk"
ROWS_PER_WRITE_RUN = 20000
ACCEPT_POOL = 3000  # more than a 10 s run can accept


class Endpoint:
    def __init__(self, name: str, label: str, method: str, who: str, auth: str, write: bool = False) -> None:
        self.name, self.label, self.method, self.who, self.auth, self.write = name, label, method, who, auth, write


ENDPOINTS = [
    Endpoint("centre", "GET /c/<village>/ (resident, service list)", "GET", "resident", "session"),
    Endpoint("my_cases", "GET /me/cases/ (resident)", "GET", "resident", "session"),
    Endpoint("api_my_cases", "GET /api/v1/cases (resident)", "GET", "resident", "token"),
    Endpoint("desk", "GET /desk/ (agent queue)", "GET", "agent", "session"),
    Endpoint("api_queue", "GET /api/v1/cases (agent queue)", "GET", "agent", "token"),
    Endpoint("case_page", "GET /desk/cases/<id>/ (agent)", "GET", "agent", "session"),
    Endpoint("api_case", "GET /api/v1/cases/<id> (agent)", "GET", "agent", "token"),
    Endpoint("api_create", "POST /api/v1/cases (walk-in)", "POST", "writer", "token", write=True),
    Endpoint("api_accept", "POST /api/v1/cases/<id>/transitions accept", "POST", "writer", "token", write=True),
]


class Fixtures:
    """What the requests need, read from the database before the runs (Django set up here)."""

    def __init__(self, city: str, writer_role: str) -> None:
        from xiangli.areas.models import Centre
        from xiangli.cases.models import Case

        self.phones = dict(common.LOGINS[city])
        self.phones["writer"] = self.phones[writer_role]
        self.users = {who: common.user_for(phone) for who, phone in self.phones.items()}
        resident = self.users["resident"].resident
        centre = Centre.objects.select_related("area").get(area_id=resident.village_id)
        self.village_code = centre.area.code
        ids = list(Case.objects.visible_to(self.users["agent"]).values_list("pk", flat=True)[:5000])
        random.Random(1).shuffle(ids)
        self.agent_case_ids = ids[:1000]
        self.pairs = self._fresh_pairs()
        self.accept_ids: list[int] = []
        self.pool_filed = False
        print(
            f"fixtures: village {self.village_code}, {len(self.agent_case_ids)} cases for detail, "
            f"{len(self.pairs)} free resident×item pairs for {writer_role}",
            flush=True,
        )

    def _fresh_pairs(self) -> list[tuple[int, str]]:
        return [(r, code) for r, code, _ in common.free_pairs(self.users["writer"])]

    def _accept_pool(self) -> list[int]:
        """Submitted cases of the writer's village; topped up to ACCEPT_POOL with cases filed here
        (keys 'bench-accept-pool-…', deleted at the end of the script) when the city has too few."""
        from xiangli.cases import services
        from xiangli.cases.models import Case, State
        from xiangli.catalog.models import ServiceItem
        from xiangli.people.models import Resident

        writer = self.users["writer"]

        def submitted() -> list[int]:
            return list(
                Case.objects.visible_to(writer)
                .filter(state=State.SUBMITTED)
                .order_by("-pk")
                .values_list("pk", flat=True)[:ROWS_PER_WRITE_RUN]
            )

        ids = submitted()
        missing = ACCEPT_POOL - len(ids)
        if missing > 0:
            print(f"topping up the accept pool with {missing} cases filed by the agent …", flush=True)
            spare, self.pairs = self.pairs[-missing:], self.pairs[:-missing]
            items = {i.code: i for i in ServiceItem.objects.all()}
            residents = Resident.objects.in_bulk([r for r, _ in spare])
            for n, (r, code) in enumerate(spare):
                services.create_case(
                    by=writer,
                    resident=residents[r],
                    item=items[code],
                    channel="walk_in",
                    idempotency_key=f"bench-accept-pool-{time.time_ns()}-{n}",
                )
            self.pool_filed = True
            ids = submitted()
        return ids

    def rows(self, ep: Endpoint, runs_left: int = 1) -> list[str]:
        """The requests of one run; a write run gets its share of the rows left for the runs to come."""

        if ep.name == "centre":
            return [f"/c/{self.village_code}/"]
        if ep.name in ("my_cases",):
            return ["/me/cases/"]
        if ep.name in ("api_my_cases", "api_queue"):
            return ["/api/v1/cases"]
        if ep.name == "desk":
            return ["/desk/"]
        if ep.name == "case_page":
            return [f"/desk/cases/{i}/" for i in self.agent_case_ids]
        if ep.name == "api_case":
            return [f"/api/v1/cases/{i}" for i in self.agent_case_ids]
        if ep.name == "api_create":
            # The same pairs every run: each run's cases are deleted after it (undo_creates).
            take = self.pairs[:ROWS_PER_WRITE_RUN]
            return [
                "/api/v1/cases\t" + json.dumps({"resident_id": r, "item_code": c, "channel": "walk_in"})
                for r, c in take
            ]
        if ep.name == "api_accept":
            # The same submitted cases every run: each run's accepts are undone after it (undo_accepts).
            if not self.accept_ids:
                self.accept_ids = self._accept_pool()
            return [f"/api/v1/cases/{i}/transitions\t" + json.dumps({"action": "accept"}) for i in self.accept_ids]
        raise ValueError(ep.name)


def settle(tag: str, limit_s: float = 30) -> None:
    """Wait until the requests still in flight when wrk stopped have finished (no new case with the tag)."""
    from xiangli.cases.models import Case

    like = tag + "-"
    deadline = time.monotonic() + limit_s
    last = -1
    while time.monotonic() < deadline:
        now = Case.objects.filter(idempotency_key__startswith=like).count()
        if now == last:
            return
        last = now
        time.sleep(1.5)


def undo_creates(tag: str) -> int:
    """Delete the cases a creation run filed (keys '<tag>-…'), with their events and notification tasks."""
    from django.db import connection, transaction

    settle(tag)
    like = tag.replace("_", "\\_") + "-%"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            delete from django_tasks_database_dbtaskresult t using cases_caseevent e, cases_case c
             where t.task_path = 'xiangli.notifications.tasks.notify_case_event'
               and (t.args_kwargs->'args'->>0)::bigint = e.id and e.case_id = c.id and c.idempotency_key like %s
        """,
            [like],
        )
        cur.execute(
            "delete from cases_caseevent e using cases_case c where e.case_id = c.id and c.idempotency_key like %s",
            [like],
        )
        cur.execute("delete from cases_case where idempotency_key like %s", [like])
        return int(cur.rowcount)


def undo_accepts(case_ids: list[int]) -> int:
    """Put the cases a run accepted back to submitted, without their "accepted" events and notification tasks."""
    from django.db import connection, transaction

    time.sleep(3)  # let the requests still in flight when wrk stopped finish
    with transaction.atomic(), connection.cursor() as cur:
        # Plain joins: a DELETE … RETURNING in a CTE is planned as a nested loop over its result.
        cur.execute(
            """
            delete from django_tasks_database_dbtaskresult t using cases_caseevent e
             where t.task_path = 'xiangli.notifications.tasks.notify_case_event'
               and (t.args_kwargs->'args'->>0)::bigint = e.id and e.kind = 'accepted' and e.case_id = any(%s)
        """,
            [case_ids],
        )
        cur.execute("delete from cases_caseevent where kind = 'accepted' and case_id = any(%s)", [case_ids])
        cur.execute(
            """
            update cases_case set state = 'submitted', accepted_on = null, due_on = null, agent_id = null
             where state = 'accepted' and id = any(%s)
        """,
            [case_ids],
        )
        return int(cur.rowcount)


def requests_file(ep: Endpoint, rows: list[str], auth_header: tuple[str, str], tag: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{tag}.txt"
    head = [f"METHOD {ep.method}", f"HEADER {auth_header[0]}: {auth_header[1]}", "HEADER Accept-Language: zh-hans"]
    if ep.method == "POST":
        head += ["HEADER Content-Type: application/json", "KEY"]
    path.write_text("\n".join([*head, "---", *rows]) + "\n")
    return path


def run_wrk(base: str, clients: int, seconds: float, reqs: Path, tag: str) -> dict[str, Any]:
    threads = min(clients, 2)
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{int(seconds)}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        base,
        "--",
        str(reqs),
        tag,
        str(threads),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    for line in out.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            data: dict[str, Any] = json.loads(line[len("BENCHJSON ") :])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            ok = sum(v for k, v in data["statuses"].items() if k.startswith(("2", "3")))
            data["bad"] = data["requests"] - ok + sum(data["errors"].values()) - data["errors"]["status"]
            data["ok_rps"] = ok / (data["duration_us"] / 1e6)
            return data
    raise SystemExit(f"wrk gave no figures:\n{out.stdout}\n{out.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (10)")
    parser.add_argument("--repeats", type=int, default=3, help="measurements per endpoint and concurrency (3)")
    parser.add_argument("--clients", default="1,10,50", help="concurrent clients, comma list (1,10,50)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (3)")
    parser.add_argument(
        "--only", default="", help="comma list of endpoint names to run: " + ",".join(e.name for e in ENDPOINTS)
    )
    parser.add_argument("--city", choices=["generated", "demo"], help="whose logins (default: detected)")
    parser.add_argument(
        "--writer",
        default="agent",
        choices=["agent", "secretary"],
        help="who files and accepts cases (township staff and above log in with a second step)",
    )
    parser.add_argument("--output", default="http_load.json")
    args = parser.parse_args()
    command = common.banner()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    common.setup_django(static=True)
    city = common.city_kind(args.city)
    clients = [int(c) for c in args.clients.split(",")]
    chosen = [e for e in ENDPOINTS if not args.only or e.name in args.only.split(",")]
    meta = {
        "command": command,
        "machine": common.machine(),
        "scale": common.data_scale(),
        "city": city,
        "workers": args.workers,
        "duration_s": args.duration,
        "repeats": args.repeats,
        "writer": args.writer,
    }
    print(f"city: {city} {meta['scale']}; machine: {meta['machine']}", flush=True)
    fx = Fixtures(city, args.writer)
    results: list[dict[str, Any]] = []
    stamp = time.strftime("%H%M%S")
    with common.Server(workers=args.workers) as server:
        print(f"gunicorn on {server.base}, workers {server.worker_pids()}", flush=True)
        cookies = {who: common.session_login(server.base, fx.phones[who]) for who in ("resident", "agent")}
        tokens = {who: common.api_token(server.base, fx.phones[who]) for who in ("resident", "agent", "writer")}
        for ep in chosen:
            auth = (
                ("Cookie", cookies[ep.who]) if ep.auth == "session" else ("Authorization", f"Bearer {tokens[ep.who]}")
            )
            if not ep.write:  # warm the workers' caches and connections
                run_wrk(server.base, 2, 2, requests_file(ep, fx.rows(ep), auth, f"{ep.name}-warm"), "warm")
            runs_left = len(clients) * args.repeats
            for n in clients:
                runs = []
                for r in range(args.repeats):
                    tag = f"{stamp}-{ep.name}-c{n}-r{r}"
                    rows = fx.rows(ep, runs_left)
                    runs_left -= 1
                    if not rows:
                        raise SystemExit(
                            f"no rows left for {ep.name}: the city has too few free pairs or submitted cases"
                        )
                    runs.append(run_wrk(server.base, n, args.duration, requests_file(ep, rows, auth, tag), tag))
                    if ep.name == "api_accept":
                        undo_accepts(fx.accept_ids)
                    if ep.name == "api_create":
                        undo_creates(tag)
                row = {
                    "endpoint": ep.name,
                    "label": ep.label,
                    "clients": n,
                    "rps": common.median([x["ok_rps"] for x in runs]),
                    "p50_ms": common.median([x["p50"] / 1000 for x in runs]),
                    "p95_ms": common.median([x["p95"] / 1000 for x in runs]),
                    "p99_ms": common.median([x["p99"] / 1000 for x in runs]),
                    "bad": sum(x["bad"] for x in runs),
                    "requests": sum(x["requests"] for x in runs),
                    "statuses": [x["statuses"] for x in runs],
                    "runs": runs,
                }
                results.append(row)
                print(
                    f"  {ep.name:13} c={n:<3} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.1f}  "
                    f"p95 {row['p95_ms']:7.1f}  p99 {row['p99_ms']:7.1f} ms  non-2xx/err {row['bad']}",
                    flush=True,
                )
    if fx.pool_filed:
        # The accept pool's cases are gone again, so they do not swell the agent's queue in later runs.
        print(f"removed the {undo_creates('bench-accept-pool')} cases filed for the accept pool", flush=True)
    earlier = common.RESULTS / args.output
    if args.only and earlier.exists():
        # A partial run replaces its endpoints' rows in the last full results, and says so.
        old = json.loads(earlier.read_text())
        kept = [r for r in old["results"] if r["endpoint"] not in {e.name for e in chosen}]
        order = [e.name for e in ENDPOINTS]
        results = sorted(kept + results, key=lambda r: (order.index(r["endpoint"]), r["clients"]))
        meta["partial_runs"] = [*old.get("partial_runs", []), {"command": command, "machine": meta["machine"]}]
        meta.update({k: old[k] for k in ("command", "machine", "scale") if k in old})
    path = common.save_json(args.output, {**meta, "results": results})
    print()
    print(table(results))
    print(f"\nwritten to {path.relative_to(common.ROOT)}")
    return 0


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | non-2xx/errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['label']} | {r['clients']} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['bad']}/{r['requests']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
