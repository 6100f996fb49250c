#!/usr/bin/env python
"""CPU per API write, in-process: the Python of one request and its PostgreSQL backend's.

    createdb -h 127.0.0.1 -U postgres xiangli_cpu
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_cpu
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_city --scale small --villages 5 --residents 20000 --cases 5000
    .venv/bin/python bench/write_cpu.py [--requests 800]

Sends `POST /api/v1/cases` (walk-in, as the bench agent, bearer token) for fresh resident ×
item pairs, then `POST /api/v1/cases/<id>/transitions` accept for each case it filed,
straight through Django's WSGI handler (no server, no network): what is measured is the
app's own work. Prints, for each, the Python process's CPU time per request and the CPU
time its database backend used (from /proc), over `--requests` requests after a warm-up.
It leaves what it filed in the database: point it at a throwaway city, never at
xiangli_bench.

A profile of where the Python time goes: `--profile cumulative` (or `tottime`), with
cProfile timing CPU only (its overhead inflates the total several times; read shares).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WARM_UP = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--profile", choices=["cumulative", "tottime"], help="print a cProfile of the filings")
    args = parser.parse_args()
    command = common.banner()
    common.setup_django()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from xiangli.api.tokens import issue_token
    from xiangli.cases.models import OPEN_STATES, Case

    agent = common.user_for(common.LOGINS["generated"]["agent"])
    token = issue_token(user=agent, name="write_cpu")
    app = WSGIHandler()

    def call(path: str, body: dict[str, Any]) -> tuple[str, bytes]:
        data = json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
        }  # fmt: skip
        status: list[str] = []
        response = app(environ, lambda s, headers, exc_info=None: status.append(s))
        content = b"".join(response)
        response.close()  # type: ignore[attr-defined]
        return status[0], content

    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def backend_cpu() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    pairs = common.free_pairs(agent, residents_limit=20000)
    random.Random(2026).shuffle(pairs)
    need = args.requests + WARM_UP
    if len(pairs) < need:
        raise SystemExit(f"only {len(pairs)} free resident × item pairs for {need} filings: generate a bigger village")
    filed: list[int] = []

    def measure(label: str, requests: list[tuple[str, dict[str, Any]]], profile: bool = False) -> dict[str, float]:
        for path, body in requests[:WARM_UP]:
            status, content = call(path, body)
            assert status[:3] in ("200", "201"), (status, content[:300])
        profiler = cProfile.Profile(time.process_time) if profile else None
        db0, cpu0 = backend_cpu(), time.process_time()
        if profiler:
            profiler.enable()
        for path, body in requests[WARM_UP:]:
            status, content = call(path, body)
            assert status[:3] in ("200", "201"), (status, content[:300])
            if label == "file":
                filed.append(json.loads(content)["id"])
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.profile).print_stats(40)
        n = len(requests) - WARM_UP
        out = {"python_ms": 1000 * (time.process_time() - cpu0) / n, "db_ms": 1000 * (backend_cpu() - db0) / n}
        print(
            f"{label:7} {n} requests: Python {out['python_ms']:.2f} ms, "
            f"database backend {out['db_ms']:.2f} ms of CPU each"
        )
        return out

    filing = [
        ("/api/v1/cases", {"resident_id": r, "item_code": code, "channel": "walk_in"}) for r, code, _ in pairs[:need]
    ]
    results = {"file": measure("file", filing, profile=bool(args.profile))}
    still_new = set(Case.objects.filter(pk__in=filed, state=OPEN_STATES[0]).values_list("pk", flat=True))
    accepting = [(f"/api/v1/cases/{pk}/transitions", {"action": "accept"}) for pk in filed if pk in still_new]
    if len(accepting) > WARM_UP:
        results["accept"] = measure("accept", accepting)
    path = common.save_json(
        "write_cpu.json",
        {"command": command, "machine": common.machine(), "scale": common.data_scale(), "results": results},
    )
    print(f"written to {path.relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
