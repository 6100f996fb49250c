"""Reads that may be a few seconds old go to a streaming replica, when one is configured.

Nothing reads from the replica by default: a block of code or a view opts in with
`on_replica()` or `@replica_view`, and only where a reader would not notice a
lag of a few seconds (reports, rankings, public pages, big screens). Everything
else, and everything that must read its own writes (a case just filed, a step
just taken, a login), stays on the primary.

Even inside an opted-in block some reads stay on the primary:
- the tables of who is who and who is logged in (sessions, users, their roles):
  a resident who has just logged in must not look logged out on a public page;
- the task queue, whose backlog the health check must see as it is;
- any read inside a transaction on the primary (it may depend on its own writes).

Without a "replica" entry in DATABASES (DATABASE_REPLICA_URL unset) every read
goes to the primary, so code marked for the replica runs unchanged on one machine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Apps whose rows a request must always see fresh (see the module's docstring).
PRIMARY_ONLY_APPS = frozenset({"sessions", "people", "auth", "django_tasks_database", "contenttypes"})

_on_replica: ContextVar[bool] = ContextVar("xiangli_on_replica", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def on_replica() -> Iterator[None]:
    """Within this block, reads that may lag a few seconds go to the replica."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def replica_view(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose reads may come from the replica (a public page, a report, a big screen)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with on_replica():
            return view(*args, **kwargs)

    return wrapped


def reading_from_replica() -> bool:
    """Whether a read issued now would go to the replica (for tests and the health page)."""
    return _on_replica.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """DATABASE_ROUTERS entry: writes and ordinary reads to the primary; opted-in reads to the replica."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if reading_from_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as the primary: an object read from one
        # may point to one read from the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A streaming replica is read-only and replays the primary's schema itself.
        return db == DEFAULT_DB_ALIAS
