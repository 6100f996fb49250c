"""Which areas a person serves, in which roles: the basis of every visibility rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from .models import Role, RoleAssignment


def _assignments(user: Any) -> list[tuple[str, str, int]]:
    """(role, area path, area id) for the user, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xiangli_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).values_list("role", "area__path", "area_id"))
        user._xiangli_roles = cached
    return cached


def remember(user: Any, assignments: list[tuple[str, str, int]]) -> None:
    """Give the user the (role, area path, area id) rows already read with it, so that this
    request does not read them again (the API reads them with its token)."""
    user._xiangli_roles = assignments


def roles_of(user: Any) -> set[str]:
    return {role for role, _, _ in _assignments(user)}


def has_role(user: Any, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(role in wanted for role, _, _ in _assignments(user))


def paths_for(user: Any, roles: Iterable[str]) -> list[str]:
    """Area paths the user serves in any of the roles, with nested ones folded away."""
    wanted = set(roles)
    paths = sorted({path for role, path, _ in _assignments(user) if role in wanted})
    folded: list[str] = []
    for path in paths:
        if not any(path.startswith(p) for p in folded):
            folded.append(path)
    return folded


def serves(user: Any, area_path: str, roles: Iterable[str]) -> bool:
    """True when the user holds one of the roles over an area containing `area_path`."""
    if getattr(user, "is_superuser", False):
        return True
    return any(area_path.startswith(p) for p in paths_for(user, roles))


def is_staff_member(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, set(Role) - {Role.RESIDENT, Role.VOLUNTEER}
    )


def forget(user: Any) -> None:
    """Drop the per-request cache after roles change."""
    if hasattr(user, "_xiangli_roles"):
        del user._xiangli_roles


def under(paths: Iterable[str], field: str = "area_path") -> Q:
    """Rows whose area path lies within any of `paths` (the subtree of each); none when empty."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query
