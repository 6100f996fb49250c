"""Template context for the page chrome."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from xiangli.people import scope
from xiangli.people.models import Role

VILLAGE = {Role.GRID_WORKER, Role.AGENT, Role.SECRETARY}
VILLAGE_OFFICE = {Role.AGENT, Role.SECRETARY}
ABOVE = {Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN}


def desk_menu(user: Any) -> list[tuple[str, str]]:
    """The workbench's "More" menu: each part of the platform the user has a role for.

    Links only: every page checks its own access, so a link shown to someone
    without the membership leads to a 404, never to data. Costs no query: the
    roles are loaded by the page's own access check.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    roles = scope.roles_of(user)
    staff = roles & (VILLAGE | ABOVE)
    entries: list[tuple[str, str, bool]] = [
        ("volunteers:desk", _("Help tasks"), bool(staff)),
        ("activities:desk", _("Activities"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("rooms:list", _("Rooms"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("points:desk_rewards", _("Points supermarket"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("organisations:desk", _("Organisations"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("policies:outreach", _("Outreach"), bool(staff)),
        ("policies:list", _("Policies"), bool(roles & ABOVE)),
        ("policies:coverage", _("Policy coverage"), bool(roles & (ABOVE | {Role.AUDITOR}))),
        ("roster:home", _("Resident roster"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("disclosure:desk", _("Disclosure"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("polls:desk", _("Votes"), bool(roles & (VILLAGE_OFFICE | ABOVE))),
        ("open311:pending", _("Open311 submissions"), bool(staff)),
        ("activities:totals", _("Training person-times"), bool(roles & (ABOVE | {Role.AUDITOR}))),
        ("metrics:home", _("Figures"), bool(roles & (VILLAGE_OFFICE | ABOVE | {Role.AUDITOR}))),
        ("ratings:home", _("Star ratings and rankings"), bool(roles & (VILLAGE_OFFICE | ABOVE | {Role.AUDITOR}))),
        ("dispatch:home", _("Monthly dispatch reports"), bool(roles & (ABOVE | {Role.AUDITOR}))),
        ("screens:home", _("Big screens"), bool(roles & (VILLAGE_OFFICE | ABOVE | {Role.AUDITOR}))),
        # Tip desks and food regulators are memberships of their own; offered to the
        # staff above villages without a query per page, their pages check the rest.
        ("tips:queue", _("Tip reports"), bool(roles & ABOVE)),
        ("tips:stats", _("Tip statistics"), bool(roles & (ABOVE | {Role.AUDITOR}))),
        ("sampling:desk", _("Food sampling"), bool(roles & ABOVE)),
    ]
    return [(reverse(name), label) for name, label, shown in entries if shown]


def nav(request: HttpRequest) -> dict[str, Any]:
    # Lazy: only the workbench's menu asks, after its access check has loaded the
    # roles, so no page pays a query for it.
    return {
        "is_auditor": SimpleLazyObject(
            lambda: bool(getattr(request.user, "is_superuser", False)) or scope.has_role(request.user, {Role.AUDITOR})
        ),
        "desk_menu": SimpleLazyObject(lambda: desk_menu(request.user)),
    }
