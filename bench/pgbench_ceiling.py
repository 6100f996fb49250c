#!/usr/bin/env python
"""The ceiling for case creation: the same SQL as one creation, run by pgbench with no Python in the way.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_bench \\
        .venv/bin/python bench/pgbench_ceiling.py [--clients 10] [--seconds 15]

Captures every statement one case creation issues, inside a transaction that is
rolled back (nothing is written), twice:

- "action": `services.create_case(...)` alone, as the brief of issue 3 puts it;
- "request": the whole `POST /api/v1/cases` with a bearer token (token lookup,
  resident and item look-ups, the replay check, the action, the answer's fetch),
  which is what bench/http_load.py measures.

Each becomes a pgbench script: each transaction takes a resident id no other
transaction of the run takes (a permutation of a contiguous range of existing
ids) and a service item made for the runs, so that none is refused as a second
open case of the same matter (a unique constraint), the idempotency key is made
unique per transaction, the new case's and event's ids are read back with
`\\gset`, and the task id is drawn by the server. The village, centre and area
path stay those of the sampled resident. create_case's own transaction is
BEGIN … COMMIT, as it is in the app; the statements outside it run one by one,
in autocommit, as they do in the app.

What pgbench files (cases keyed 'pgb-…', their events and notification tasks)
is deleted after each run, so the city stays as generated.

Prints the TPS of `pgbench -n -M prepared -c 10 -j 2 -T 15` for each, and the ratio of the
app's creation throughput (from bench/results/http_load.json at the same number
of clients, or a short run of http_load.py when that file has none) to the
request-level ceiling.

`-M prepared` because the app prepares its statements too (DATABASE_PREPARED_STATEMENTS):
PostgreSQL then parses and plans each statement once per connection, in pgbench as in
the app. `--protocol simple` gives the ceiling of statements sent as plain text and planned
every time, as the app sent them before (`--output pgbench_ceiling_simple.json` keeps it apart).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def capture(mode: str, writer: Any, resident_id: int, item_id: int) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    """The statements (sql, params) of one creation, and the ids it made; all rolled back."""
    from django.db import connection, transaction
    from django.test import Client
    from xiangli.api.models import ApiToken
    from xiangli.api.tokens import issue_token
    from xiangli.cases import services
    from xiangli.cases.models import Case, CaseEvent
    from xiangli.catalog.models import ServiceItem
    from xiangli.people.models import Resident

    statements: list[tuple[str, Any]] = []
    key = f"ceiling-{uuid.uuid4().hex}"

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic():
        if mode == "request":
            token = issue_token(user=writer, name="ceiling")
            # A used token is touched at most every five minutes: not part of a steady-state request.
            from django.utils import timezone

            ApiToken.objects.filter(user=writer, name="ceiling").update(last_used_at=timezone.now())
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY=key)
            item_code = ServiceItem.objects.get(pk=item_id).code
            body = json.dumps({"resident_id": resident_id, "item_code": item_code, "channel": "walk_in"})
            with connection.execute_wrapper(record):
                response = client.post("/api/v1/cases", body, content_type="application/json")
            if response.status_code != 201:
                raise SystemExit(f"creation refused ({response.status_code}): {response.content[:300]!r}")
            case_id = response.json()["id"]
        else:
            resident = Resident.objects.get(pk=resident_id)
            item = ServiceItem.objects.get(pk=item_id)
            with connection.execute_wrapper(record):
                case_id = services.create_case(
                    by=writer, resident=resident, item=item, channel="walk_in", idempotency_key=key
                ).pk
        case = Case.objects.get(pk=case_id)
        made = {
            "case": case.pk,
            "event": CaseEvent.objects.filter(case=case).values_list("pk", flat=True).first(),
            "key": key,
            "resident": resident_id,
            "item": item_id,
            "village": case.village_id,
            "centre": case.centre_id,
        }
        transaction.set_rollback(True)
    return statements, made


def to_pgbench(statements: list[tuple[str, Any]], made: dict[str, Any]) -> tuple[str, list[str]]:
    """A pgbench script from the captured statements; also the warnings about ambiguous values."""
    import psycopg
    from django.db import connection
    from psycopg.types.json import Json, Jsonb

    warnings: list[str] = []
    markers = {made["resident"]: ":rid", made["item"]: ":iid", made["case"]: ":c_id", made["event"]: ":e_id"}
    if len(markers) < 4:
        warnings.append("resident, item, case or event ids coincide; some substitutions are ambiguous")
    others = set()
    for _, params in statements:
        for p in params or ():
            if isinstance(p, int) and not isinstance(p, bool) and p not in markers:
                others.add(p)
    for value, name in markers.items():
        if value in others:
            warnings.append(f"{name} ({value}) also appears as another value; it is substituted everywhere")

    raw = connection.connection
    assert raw is not None
    cur = psycopg.ClientCursor(raw)
    # A resident drawn afresh by each transaction (a permutation of the ids, so never twice in a
    # run) and the run's own service item: no filing meets an open case of the same resident and
    # item, which the database refuses (constraint case_one_open_per_item) and pgbench would abort on.
    lines = [
        "\\set seq :seq + 1",
        "\\set rid :rmin + permute(:client_id + :nclients * :seq, :rmax - :rmin + 1)",
        "\\set iid random(:imin, :imax)",
        "\\set k random(1, 1000000000000000)",
    ]
    outer: str | None = None
    for sql, params in statements:
        text = sql.strip()
        m = re.match(r'(RELEASE )?SAVEPOINT "?([^"\s]+)"?', text)
        if m:
            if outer is None and not m.group(1):
                outer = m.group(2)
                lines.append("BEGIN;")
            elif m.group(1) and m.group(2) == outer:
                outer = None
                lines.append("COMMIT;")
            else:
                lines.append(text + ";")
            continue
        subst: list[Any] = []
        documents: list[tuple[str, str]] = []
        for p in params or ():
            if isinstance(p, int) and not isinstance(p, bool) and p in markers:
                subst.append(f"__M{markers[p][1:]}__")
            elif isinstance(p, str) and p == made["key"]:
                subst.append("__MKEY__")
            elif isinstance(p, uuid.UUID):
                subst.append("__MUUID__")
            elif isinstance(p, Json | Jsonb):
                dumped = json.dumps(p.obj)
                for value, name in markers.items():
                    dumped = re.sub(rf"(?<![\w.]){value}(?![\w.])", f"__M{name[1:]}__", dumped)
                documents.append((dumped, "jsonb" if isinstance(p, Jsonb) else "json"))
                subst.append(f"__MDOC{len(documents) - 1}__")
            else:
                subst.append(p)
        rendered = cur.mogrify(text, subst or None) if params else text
        for n, (document, kind) in enumerate(documents):
            rendered = rendered.replace(f"'__MDOC{n}__'", json_expression(document, kind))
        for name in ("rid", "iid", "c_id", "e_id"):
            rendered = rendered.replace(f"'__M{name}__'", f":{name}").replace(f"__M{name}__", f":{name}")
        # The key is built by concatenation: with -M prepared a variable inside a quoted literal is not sent.
        rendered = rendered.replace("'__MKEY__'", "('pgb-' || :client_id || '-' || :k)")
        rendered = rendered.replace("'__MUUID__'", "gen_random_uuid()")
        rendered = " ".join(rendered.split())
        if rendered.upper().startswith("INSERT") and "RETURNING" in rendered.upper():
            if '"cases_case"' in rendered.split("(")[0]:
                rendered += " \\gset c_"
            elif '"cases_caseevent"' in rendered.split("(")[0]:
                rendered += " \\gset e_"
        lines.append(rendered if rendered.endswith(" c_") or rendered.endswith(" e_") else rendered + ";")
    return "\n".join(lines) + "\n", warnings


def json_expression(document: str, kind: str) -> str:
    """A JSON value whose ids are the transaction's variables, as an SQL expression.

    Variables are spliced in by concatenation, not inside the literal: with `-M prepared`
    pgbench sends each variable as a parameter, which a quoted literal cannot hold."""
    parts = re.split(r"__M(rid|iid|c_id|e_id)__", document)
    pieces = []
    for n, part in enumerate(parts):
        if n % 2:
            pieces.append(f":{part}")
        else:
            pieces.append("'" + part.replace("'", "''") + "'")
    return f"({' || '.join(pieces)})::{kind}"


def contiguous_range(table: str) -> tuple[int, int]:
    """The longest run of consecutive ids in the table, so a random id always exists."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"""
            select min(id), max(id) from (
                select id, id - row_number() over (order by id) as grp from {table}
            ) s group by grp order by count(*) desc limit 1
        """)  # noqa: S608 (fixed names)
        lo, hi = cur.fetchone()
    return int(lo), int(hi)


def run_pgbench(
    script: Path, clients: int, threads: int, seconds: int, ranges: dict[str, int], protocol: str = "prepared"
) -> dict[str, Any]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {"PGPASSWORD": str(db.get("PASSWORD") or "")}
    cmd = [
        "pgbench",
        "-n",
        "-M",
        protocol,
        "-c",
        str(clients),
        "-j",
        str(threads),
        "-T",
        str(seconds),
        "-f",
        str(script),
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
        "-U",
        db["USER"] or "postgres",
    ]
    cmd += [arg for k, v in {**ranges, "seq": 0, "nclients": clients}.items() for arg in ("-D", f"{k}={v}")]
    cmd.append(db["NAME"])
    import os

    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, timeout=seconds + 120)
    if "aborted" in out.stderr:
        raise SystemExit(f"a pgbench client was aborted, the figures would be incomplete:\n{out.stderr[-2000:]}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
    lat = re.search(r"latency average = ([\d.]+) ms", out.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    if not tps:
        raise SystemExit(f"pgbench gave no figures:\n{out.stdout}\n{out.stderr}")
    return {
        "tps": float(tps.group(1)),
        "latency_ms": float(lat.group(1)) if lat else None,
        "failed": int(failed.group(1)) if failed else 0,
        "command": " ".join(cmd),
        "stderr_tail": out.stderr.strip().splitlines()[-3:],
    }


def remove_pgbench_rows() -> int:
    """Delete what pgbench filed (keys 'pgb-…'), their events and their queued notifications."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        # Plain joins: a DELETE … RETURNING in a CTE is planned as a nested loop over its result.
        cur.execute("""
            delete from django_tasks_database_dbtaskresult t using cases_caseevent e, cases_case c
             where t.task_path = 'xiangli.notifications.tasks.notify_case_event'
               and (t.args_kwargs->'args'->>0)::bigint = e.id and e.case_id = c.id
               and c.idempotency_key like 'pgb-%%'
        """)
        cur.execute("""
            delete from cases_caseevent e using cases_case c
             where e.case_id = c.id and c.idempotency_key like 'pgb-%%'
        """)
        cur.execute("delete from cases_case where idempotency_key like 'pgb-%%'")
        return int(cur.rowcount)


def bench_item() -> Any:
    """A service item of the runs' own, on which no resident has an open case."""
    from xiangli.catalog.models import ServiceItem

    item, _ = ServiceItem.objects.get_or_create(
        code="PGB-CEILING",
        defaults={
            "name_zh": "pgbench",
            "name_en": "pgbench",
            "category": "convenience",
            "department_zh": "-",
            "department_en": "-",
            "level": "village",
            "handled_at_zh": "-",
            "handled_at_en": "-",
            "promised_days": 5,
        },
    )
    return item


def app_throughput(clients: int) -> tuple[float, str]:
    path = common.RESULTS / "http_load.json"
    if path.exists():
        data = json.loads(path.read_text())
        for row in data.get("results", []):
            if row["endpoint"] == "api_create" and row["clients"] == clients:
                return float(row["rps"]), f"{path.relative_to(common.ROOT)} ({data['machine']['date']})"
    print("no creation figure in bench/results/http_load.json; measuring 3 × 10 s …", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(common.BENCH / "http_load.py"),
            "--only",
            "api_create",
            "--clients",
            str(clients),
            "--output",
            "http_load_create.json",
        ],
        check=True,
        timeout=600,
    )
    data = json.loads((common.RESULTS / "http_load_create.json").read_text())
    return float(data["results"][0]["rps"]), "bench/results/http_load_create.json (measured now)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3, help="pgbench runs per script; the median is reported")
    parser.add_argument("--city", choices=["generated", "demo"])
    parser.add_argument("--writer", default="agent", choices=["agent", "secretary"])
    parser.add_argument(
        "--protocol",
        default="prepared",
        choices=["prepared", "simple", "extended"],
        help="pgbench's query protocol (prepared: as the app sends its statements, DATABASE_PREPARED_STATEMENTS)",
    )
    parser.add_argument("--output", default="pgbench_ceiling.json", help="file name under bench/results/")
    args = parser.parse_args()
    command = common.banner()
    common.setup_django()
    city = common.city_kind(args.city)
    writer = common.user_for(common.LOGINS[city][args.writer])
    pairs = common.free_pairs(writer, residents_limit=2000)
    if not pairs:
        raise SystemExit("no free resident × item pair to sample a creation with")
    rmin, rmax = contiguous_range("people_resident")
    item = bench_item()
    remove_pgbench_rows()  # of an earlier run that was cut short
    ranges = {"rmin": rmin, "rmax": rmax, "imin": item.pk, "imax": item.pk}
    print(
        f"city: {city} {common.data_scale()}; residents {rmin}..{rmax} in random order, "
        f"item {item.code} (the run's own, removed after)",
        flush=True,
    )
    out: dict[str, Any] = {
        "command": command,
        "machine": common.machine(),
        "scale": common.data_scale(),
        "city": city,
        "clients": args.clients,
        "seconds": args.seconds,
        "protocol": args.protocol,
        "scripts": {},
    }
    for mode in ("action", "request"):
        for resident_id, _, item_id in pairs[:10]:
            statements, made = capture(mode, writer, resident_id, item_id)
            script, warnings = to_pgbench(statements, made)
            if not warnings:
                break
        for w in warnings:
            print(f"  warning ({mode}): {w}")
        path = common.RESULTS / f"pgbench_create_{mode}.sql"
        path.write_text(script)
        runs = []
        for _ in range(args.repeats):
            try:
                runs.append(run_pgbench(path, args.clients, args.threads, args.seconds, ranges, args.protocol))
            finally:
                removed = remove_pgbench_rows()
        print(f"  (removed the {removed} cases of the last pgbench run, with their events and tasks)", flush=True)
        tps = common.median([r["tps"] for r in runs])
        out["scripts"][mode] = {
            "statements": len(statements),
            "file": str(path.relative_to(common.ROOT)),
            "tps": tps,
            "runs": runs,
        }
        each = ", ".join(f"{r['tps']:.0f}" for r in runs)
        print(
            f"{mode:8} {len(statements):3} statements  ceiling {tps:8.1f} tps  "
            f"(runs: {each}; failed {sum(r['failed'] for r in runs)})  "
            f"script {path.relative_to(common.ROOT)}",
            flush=True,
        )
    item.delete()
    app, source = app_throughput(args.clients)
    ceiling = out["scripts"]["request"]["tps"]
    out.update(app_rps=app, app_source=source, ratio=app / ceiling, ratio_action=app / out["scripts"]["action"]["tps"])
    print(f"\napp case creation at {args.clients} clients: {app:.1f} req/s   (from {source})")
    print(f"ratio app / request ceiling: {app / ceiling:.1%}   (target ≥ 25%)")
    print(f"ratio app / action ceiling:  {out['ratio_action']:.1%}")
    path = common.save_json(args.output, out)
    print(f"written to {path.relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
