"""Where a change came from: the current request's address, browser and user.

The middleware keeps the request in a context variable for the length of the
request, so that `record()` can say "from where" without every action taking
the request as an argument. Outside a request (tasks, commands) there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("xiangli_audit_request", default=None)


@dataclass(frozen=True)
class Origin:
    ip: str | None
    user_agent: str
    user: Any  # the logged-in user, or None


def current_origin() -> Origin:
    """The address, browser and user of the request being served, or empty ones."""
    request = _current.get()
    if request is None:
        return Origin(ip=None, user_agent="", user=None)
    user = getattr(request, "user", None)
    return Origin(
        ip=request.META.get("REMOTE_ADDR") or None,
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200],
        user=user if getattr(user, "is_authenticated", False) else None,
    )


class AuditContextMiddleware:
    """Keeps the current request for `record()`; goes right after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
