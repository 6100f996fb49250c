"""Prometheus metrics for the ops team: request latency, task queue depth, overdue cases.

Latency is a histogram per view, recorded by `MetricsMiddleware`. Under gunicorn
each worker is its own process: set PROMETHEUS_MULTIPROC_DIR (an empty folder per
app process, see deploy/gunicorn.conf.py) and /metrics sums all workers. The
queue depth and the overdue count are read from the database when /metrics is
scraped; the overdue count is cached for a few seconds and read on the replica,
so many scrapers cost one indexed count.

/metrics answers only to the addresses in METRICS_ALLOWED_ADDRESSES (loopback by
default) or to a request with `Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from .cache import cached_aggregate
from .health import task_backlog, uses_database_queue

REQUEST_SECONDS = Histogram(
    "xiangli_request_seconds",
    "Time to answer a request, by view",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OVERDUE_CACHE_SECONDS = 15


def overdue_cases() -> int:
    from xiangli.cases.models import Case

    return Case.objects.overdue(timezone.localdate()).count()


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time (one process answers, so no summing)."""

    def collect(self) -> Iterator[Metric]:
        if uses_database_queue():
            backlog, oldest = task_backlog()
            yield GaugeMetricFamily("xiangli_task_queue_depth", "Tasks due to run and not yet taken", value=backlog)
            yield GaugeMetricFamily(
                "xiangli_task_oldest_wait_seconds", "How long the oldest waiting task has waited", value=oldest
            )
        yield GaugeMetricFamily(
            "xiangli_overdue_cases",
            "Running cases past their due date",
            value=cached_aggregate("metrics:overdue", OVERDUE_CACHE_SECONDS, overdue_cases),
        )


def registry() -> CollectorRegistry:
    """What /metrics shows: this process's (or, in multiprocess mode, all workers') metrics, and the database's."""
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        reg = CollectorRegistry()
        MultiProcessCollector(reg)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        reg = CollectorRegistry()
        reg.register(_Forward(REGISTRY))
    reg.register(DatabaseCollector())
    return reg


class _Forward(Collector):
    """The process's default registry, seen through a fresh one that also holds the database figures."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        return self.source.collect()


def allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in getattr(settings, "METRICS_ALLOWED_ADDRESSES", ())


class MetricsMiddleware:
    """Times every request; first in MIDDLEWARE, so the time includes all the others."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # Views by name, never by path: paths hold ids and would make a series per case.
        view = (match.view_name or "unnamed") if match else "unresolved"
        REQUEST_SECONDS.labels(view=view, method=request.method or "").observe(time.perf_counter() - started)
        return response


def metrics_response() -> HttpResponse:
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
