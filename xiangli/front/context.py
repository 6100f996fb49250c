"""Template context for the page chrome."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from xiangli.people import scope
from xiangli.people.models import Role


def nav(request: HttpRequest) -> dict[str, Any]:
    # Lazy: only the workbench's menu asks, after its access check has loaded the
    # roles, so no page pays a query for it.
    return {
        "is_auditor": SimpleLazyObject(
            lambda: bool(getattr(request.user, "is_superuser", False)) or scope.has_role(request.user, {Role.AUDITOR})
        )
    }
