#!/usr/bin/env python
"""Open311 GeoReport v2 over the demo city: how long each endpoint takes, and how big it is.

    XIANGLI_VAR_DIR=/tmp/o311-var .venv/bin/python manage.py migrate
    XIANGLI_VAR_DIR=/tmp/o311-var .venv/bin/python manage.py build_demo
    XIANGLI_VAR_DIR=/tmp/o311-var .venv/bin/python bench/open311.py [--runs 20]

Runs in-process through Django's test client (no network, no server), on the database of
DATABASE_URL or the SQLite file of XIANGLI_VAR_DIR (never xiangli or xiangli_bench):
services for the city and one village, a definition, the default requests list (the last
90 days, at most 1000) in JSON, XML and with the timeline, and filing (POST) with the demo
hotline's key: a recognised phone is not used, so every filing waits as a submission, and
the submissions are deleted at the end. Prints median and p95 in ms, queries and bytes.
Figures go to bench/results/open311.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import banner, machine, median, pct, save_json, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    command = banner()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from xiangli.demo.builder import RESIDENT_PHONE
    from xiangli.open311.demo import DEMO_KEY
    from xiangli.open311.models import Submission
    from xiangli.people.crypto import digest
    from xiangli.people.models import Resident

    me = Resident.objects.filter(phone_digest=digest("+86" + RESIDENT_PHONE)).select_related("village").first()
    if me is None:
        sys.exit("No demo city here: run manage.py build_demo first.")
    village = me.village.code
    item = Client().get(f"/open311/v2/services.json?jurisdiction_id={village}").json()[0]["service_code"]
    client = Client(HTTP_HOST="localhost")
    base = "/open311/v2"
    cases: list[tuple[str, str, str, dict[str, Any] | None]] = [
        ("services, city (json)", "GET", f"{base}/services.json", None),
        ("services, village (xml)", "GET", f"{base}/services.xml?jurisdiction_id={village}", None),
        ("definition (json)", "GET", f"{base}/services/{item}.json", None),
        ("requests, city, 90 days (json)", "GET", f"{base}/requests.json", None),
        ("requests, city, 90 days (xml)", "GET", f"{base}/requests.xml", None),
        ("requests, city, with notes (json)", "GET", f"{base}/requests.json?extensions=true", None),
        ("requests, village, closed (json)", "GET", f"{base}/requests.json?jurisdiction_id={village}&status=closed",
         None),
        ("file a request (json)", "POST", f"{base}/requests.json",
         {"api_key": DEMO_KEY, "service_code": item, "address_id": village, "phone": "13700009999"}),
    ]
    before = set(Submission.objects.values_list("pk", flat=True))
    results = {}
    try:
        for name, method, url, data in cases:
            times = []
            size = queries = 0
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, data)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (name, response.status_code, response.content[:200])  # noqa: S101
                size, queries = len(response.content), len(captured)
            results[name] = {"median_ms": round(median(times), 1), "p95_ms": round(pct(times, 95), 1),
                             "queries": queries, "bytes": size}
            print(f"{name:38} median {median(times):7.1f} ms   p95 {pct(times, 95):7.1f} ms   "
                  f"{queries:3d} queries   {size:>8} bytes", flush=True)
    finally:
        Submission.objects.exclude(pk__in=before).delete()
    path = save_json("open311.json", {"command": command, "machine": machine(), "runs": args.runs,
                                      "vendor": connection.vendor, "results": results})
    print(f"written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
