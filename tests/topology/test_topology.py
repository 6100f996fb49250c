"""The production topology, started for real and pushed: issue 12's proof.

PostgreSQL primary + streaming replica, Redis, two gunicorn app processes, one
task worker, nginx with deploy/nginx.conf over TLS, on loopback (tests/topology/cluster.py).
It runs once per CI run, in the SQLite pass (DATABASE_URL unset): it brings its own
PostgreSQL, so the PostgreSQL pass would only repeat it. Start-up is mostly the
migrations (30-40 s alone on a busy 2-core machine, more beside the rest of the
suite); the scenario after it is bounded to two minutes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from .cluster import Cluster, missing, topology, wait_for

pytestmark = [
    pytest.mark.skipif(bool(os.getenv("DATABASE_URL")),
                       reason="the topology brings its own PostgreSQL; it runs once, in the SQLite pass"),
    pytest.mark.skipif(bool(missing()), reason=f"this machine lacks {', '.join(missing())}"
                       " (.ci/setup.d/20-topology.sh installs them)"),
]

BURST = 40
QUEUED = 8


def file_case(cluster: Cluster, resident: dict[str, Any], key: str, tries: int = 6) -> tuple[int, Any, int]:
    """File a walk-in case as the agent; on no answer or a 502, send it again with the same key.

    Returns (status, body, attempts). The Idempotency-Key makes the retry safe: a
    request the dead process had committed is answered 200 with that case.
    """
    body = {"resident_id": resident["id"], "item_code": cluster.world["item"], "channel": "walk_in"}
    for attempt in range(1, tries + 1):
        status, answer = cluster.request("POST", "/api/v1/cases", body, {"Idempotency-Key": key})
        if status in (200, 201):
            return status, answer, attempt
        if status not in (0, 502, 503, 504):
            return status, answer, attempt
        time.sleep(0.2)
    return status, answer, tries


def case_count(cluster: Cluster) -> int:
    return int(cluster.sql("SELECT count(*) FROM cases_case")[0][0])


def finished_on_centre_page(cluster: Cluster) -> str:
    # The centre's figures are cached for five minutes; the test drops that entry
    # so each look is a fresh read, and the read is the replica's.
    import redis

    cache = redis.Redis(port=cluster.redis_port)
    if keys := cache.keys("*centre-performance*"):
        cache.delete(*keys)
    status, page = cluster.request("GET", f"/c/{cluster.world['centre']}/")
    assert status == 200
    return "finished case" if "Based on 1 finished case." in page else (
        "2 finished" if "Based on 2 finished cases." in page else "none")


def test_the_production_topology_files_notifies_survives_a_dead_app_and_a_restarted_worker():
    started = time.monotonic()

    def phase(name: str) -> None:
        print(f"[{time.monotonic() - started:5.1f} s] {name}")  # noqa: T201 -- where the minutes go, in CI's log

    with topology() as cluster:
        residents = cluster.world["residents"]
        phase("cluster up")
        up = time.monotonic()

        # 1. A case filed through nginx is notified by the worker, through the SMS gateway.
        first = residents[0]
        status, case, _ = file_case(cluster, first, "first")
        assert status == 201, case
        wait_for(lambda: any(case["number"] in t for t in cluster.gateway.texts_to(first["phone"])),
                 "the resident's text about the new case", timeout=30)
        assert cluster.sql("SELECT DISTINCT status FROM notifications_smsmessage") == [("sent",)]

        phase("filed and notified")
        # nginx serves the static files itself, refuses oversized uploads, and keeps /metrics inside;
        # Prometheus scrapes each app process, which sums its workers' figures.
        manifest = json.loads((cluster.folder / "static" / "staticfiles.json").read_text())["paths"]
        css = cluster.url(f"/static/{manifest['css/xiangli.css']}")
        with urllib.request.urlopen(css, context=cluster.tls_context(), timeout=10) as resp:  # noqa: S310
            assert resp.status == 200 and "immutable" in resp.headers["Cache-Control"]
        assert "xiangli.css" not in cluster.tail("app0", 1000) + cluster.tail("app1", 1000)
        big = cluster.request("POST", "/api/v1/cases", {"description": "x" * 13 * 1024 * 1024})
        assert big[0] == 413
        assert cluster.request("GET", "/metrics")[0] == 404
        app = f"http://127.0.0.1:{cluster.app_ports[1]}"  # plain HTTP inside the network: no redirect to TLS
        for _ in range(4):  # to both workers, most likely
            assert urllib.request.urlopen(f"{app}/health/", timeout=10).status == 200  # noqa: S310
        metrics = urllib.request.urlopen(f"{app}/metrics", timeout=10).read().decode()  # noqa: S310
        count = re.search(r'xiangli_request_seconds_count\{method="GET",view="ops:health"\} (\d+)', metrics)
        assert count and int(float(count[1])) >= 4
        assert "xiangli_task_queue_depth" in metrics and "xiangli_overdue_cases 0.0" in metrics
        # A big-screen link is a password in the address: nginx's and gunicorn's access logs mask it.
        token = uuid.uuid4().hex
        for path in (f"/screens/l/{token}/", f"/screens/l/{token}/data.json?since=1"):
            cluster.request("GET", path, headers={"Referer": cluster.url(f"/screens/l/{token}/")})
        # Both servers write a request's line after its answer has gone out: wait for the last one.
        access_log = cluster.folder / "logs" / "xiangli-access.log"
        logged = wait_for(lambda: "data.json" in (text := access_log.read_text()) and text,
                          "the screen links' lines in nginx's access log", timeout=10)
        assert token not in logged and '"GET /screens/l/***/data.json HTTP/1.1"' in logged, logged[-600:]

        # (Django's own "Not Found" warning names an unknown link, which opens nothing.)
        def app_lines() -> list[str] | None:
            found = [line for name in ("app0", "app1") for line in cluster.tail(name, 2000).splitlines()
                     if '"GET /screens/l/' in line]
            return found if any("data.json" in line for line in found) else None

        lines = wait_for(app_lines, "gunicorn's access lines", timeout=10)
        assert not [line for line in lines if token in line], lines

        phase("nginx and metrics checked")
        # 2. Read back from the replica-backed public page: the centre's figures.
        for action in ("accept", "complete"):
            status, case = cluster.request("POST", f"/api/v1/cases/{case['id']}/transitions", {"action": action})
            assert status == 200, case
        wait_for(cluster.replica_caught_up, "the replica to replay the primary")
        assert finished_on_centre_page(cluster) == "finished case"
        # With replay paused, a second finished case is on the primary only: the page does not show it…
        cluster.sql("SELECT pg_wal_replay_pause()", replica=True)
        status, second, _ = file_case(cluster, residents[1], "second")
        for action in ("accept", "complete"):
            assert cluster.request("POST", f"/api/v1/cases/{second['id']}/transitions", {"action": action})[0] == 200
        # … while the pages that must read their own writes (the API's case) do.
        assert cluster.request("GET", f"/api/v1/cases/{second['id']}")[1]["state"] == "done"
        assert finished_on_centre_page(cluster) == "finished case"
        health = wait_for(lambda: (h := cluster.request("GET", "/health/")[1])["replica"]["lag_seconds"] > 0 and h,
                          "the health page to see the replica's lag", timeout=10)
        assert health["database"]["ok"] and health["cache"]["backend"] == "RedisCache"
        cluster.sql("SELECT pg_wal_replay_resume()", replica=True)
        wait_for(cluster.replica_caught_up, "the replica to catch up")
        assert finished_on_centre_page(cluster) == "2 finished"

        phase("read back from the replica")
        # 3. One app process dies (SIGKILL, with its workers) in the middle of a burst.
        before = case_count(cluster)
        burst = residents[2:2 + BURST]
        results: list[tuple[int, Any, int]] = []
        done = threading.Event()

        def kill_one_app() -> None:
            wait_for(lambda: len(results) >= BURST // 4, "a quarter of the burst", timeout=60, every=0.02)
            cluster.stop("app0", signal.SIGKILL)
            done.set()

        killer = threading.Thread(target=kill_one_app)
        killer.start()
        with ThreadPoolExecutor(max_workers=6) as pool:
            for outcome in pool.map(lambda r: file_case(cluster, r, f"burst-{r['id']}"), burst):
                results.append(outcome)
        killer.join()
        assert done.is_set(), "the burst ended before an app process was killed"
        statuses = [s for s, _, _ in results]
        assert all(s in (200, 201) for s in statuses), statuses
        accepted = {body["id"] for _, body, _ in results}
        assert len(accepted) == BURST  # every accepted request is a case, and none twice
        assert case_count(cluster) == before + BURST
        filed = {r[0] for r in cluster.sql("SELECT id FROM cases_case WHERE idempotency_key LIKE 'burst-%'")}
        assert filed == accepted
        retried = sum(attempts > 1 for _, _, attempts in results)
        print(f"burst: {BURST} cases, {retried} sent again after the app process died")  # noqa: T201
        # The survivor keeps serving: pages and the API, all answered.
        later = [cluster.request("GET", f"/c/{cluster.world['centre']}/items/{cluster.world['item']}/")[0]
                 for _ in range(20)]
        assert later == [200] * 20

        phase("burst survived")
        # 4. The worker is restarted with tasks queued, and stopped again mid-queue:
        #    every queued task is done exactly once.
        wait_for(lambda: cluster.request("GET", "/health/")[1]["tasks"]["backlog"] == 0, "the burst's texts", 60)
        cluster.stop("worker")
        queued = residents[2 + BURST:2 + BURST + QUEUED]
        numbers_queued = [file_case(cluster, r, f"queued-{uuid.uuid4()}")[1]["number"] for r in queued]
        backlog = cluster.request("GET", "/health/")[1]["tasks"]["backlog"]
        assert backlog >= QUEUED
        cluster.start_worker("worker2")
        wait_for(lambda: any(cluster.gateway.texts_to(r["phone"]) for r in queued), "the first queued text", 30)
        cluster.stop("worker2")  # SIGTERM: it finishes the task in hand and exits
        cluster.start_worker("worker3")
        wait_for(lambda: all(any(n in t for t in cluster.gateway.texts_to(r["phone"]))
                             for r, n in zip(queued, numbers_queued, strict=True)), "every queued text", 90)
        wait_for(lambda: cluster.request("GET", "/health/")[1]["tasks"]["backlog"] == 0, "an empty queue", 30)
        for r, number in zip(queued, numbers_queued, strict=True):
            assert sum(number in t for t in cluster.gateway.texts_to(r["phone"])) == 1, number
        assert not [k for k, n in cluster.gateway.counts().items() if n > 1], "a text was sent twice"
        unfinished = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status <> 'SUCCESSFUL'"
        assert cluster.sql(unfinished) == [(0,)]
        phase("queued tasks done once")
        # Bounded in time: the scenario itself, after start-up (whose length follows the machine's
        # load; each start-up step has its own limit, cluster.STEP_SECONDS).
        assert time.monotonic() - up < 120
    phase("cluster stopped")
