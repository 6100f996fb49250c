"""What a load balancer and the ops team ask of each app process: can it serve?

`/health/` answers 200 when the primary database, the replica (if configured),
the cache and the task queue are all well, 503 otherwise, with a JSON body
saying which part is not. It holds no personal data and needs no login, so a
load balancer can poll it; it costs a handful of cheap queries.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .dbrouter import REPLICA, replica_configured

# Past these, the part is reported unwell (503): a replica this far behind shows
# stale pages, and a task this old in the queue means no worker is taking work.
REPLICA_MAX_LAG_SECONDS = 30.0
TASK_MAX_WAIT_SECONDS = 300.0


def check_database() -> dict[str, Any]:
    started = time.monotonic()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def replica_lag_seconds() -> float:
    """How far the replica's replay is behind: 0 when it has replayed all it received."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


def check_replica() -> dict[str, Any]:
    if connections[REPLICA].vendor != "postgresql":
        return {"ok": True, "lag_seconds": 0.0}  # a test mirror of the primary
    lag = replica_lag_seconds()
    return {"ok": lag <= REPLICA_MAX_LAG_SECONDS, "lag_seconds": round(lag, 3)}


def check_cache() -> dict[str, Any]:
    key, token = "health:probe", uuid.uuid4().hex
    cache.set(key, token, 30)
    return {"ok": cache.get(key) == token, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def task_backlog(now: dt.datetime | None = None) -> tuple[int, float]:
    """Tasks due to run and not yet taken, and how long the oldest of them has waited (seconds)."""
    now = now or timezone.now()
    row = DBTaskResult.objects.ready().aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
    oldest = row["oldest"]
    return row["n"], (now - oldest).total_seconds() if oldest else 0.0


def uses_database_queue() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db.")


def check_tasks() -> dict[str, Any]:
    if not uses_database_queue():
        return {"ok": True, "backlog": 0, "oldest_seconds": 0.0}
    backlog, oldest = task_backlog()
    return {"ok": oldest <= TASK_MAX_WAIT_SECONDS, "backlog": backlog, "oldest_seconds": round(oldest, 1)}


def health() -> dict[str, Any]:
    """Each part's state; a part that raised is reported with its error's class, not its text."""
    checks = {"database": check_database, "cache": check_cache, "tasks": check_tasks}
    if replica_configured():
        checks["replica"] = check_replica
    parts: dict[str, Any] = {}
    for name, check in checks.items():
        try:
            parts[name] = check()
        except Exception as exc:  # noqa: BLE001 -- any failure of a part is that part being down
            parts[name] = {"ok": False, "error": type(exc).__name__}
    return {"ok": all(p["ok"] for p in parts.values()), **parts}
