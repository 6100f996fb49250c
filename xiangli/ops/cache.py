"""Short-lived caching of aggregates (counts, rankings, big-screen figures).

    from xiangli.ops.cache import cached_aggregate
    figures = cached_aggregate(f"county-screen:{county.pk}", 5, lambda: count_things(county))

The figure is computed at most once per `seconds` for all app processes that
share the cache (Redis in production, one process's memory otherwise), and read
from the replica when one is configured. A screen showing it is therefore at
most `seconds` plus the replica's lag old (the lag is on /health/); the TTL is
capped at MAX_AGGREGATE_SECONDS so no caller makes a screen minutes stale by
mistake. A write that must show at once calls `forget_aggregate(key)` after
its transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .dbrouter import on_replica

T = TypeVar("T")
MAX_AGGREGATE_SECONDS = 60
_MISSING = object()


def _key(key: str) -> str:
    return f"aggregate:{key}"


def cached_aggregate(key: str, seconds: float, compute: Callable[[], T]) -> T:
    """The value of `compute()`, at most `seconds` old; computed on the replica when there is one."""
    if not 0 < seconds <= MAX_AGGREGATE_SECONDS:
        raise ValueError(f"an aggregate is cached for 0 to {MAX_AGGREGATE_SECONDS} seconds, not {seconds}")
    cached = cache.get(_key(key), _MISSING)
    if cached is not _MISSING:
        value: T = cached
        return value
    with on_replica():
        value = compute()
    cache.set(_key(key), value, seconds)
    return value


def forget_aggregate(key: str) -> None:
    """Drop a cached aggregate, so the next reader computes it afresh."""
    cache.delete(_key(key))
