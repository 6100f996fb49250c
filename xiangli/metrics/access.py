"""Who may see an area's figures: staff who serve it or an area above it. Another area's
figures are a 404, as everywhere."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from xiangli.areas.models import Area, AreaKind
from xiangli.people import scope
from xiangli.people.models import Role

# Supervisors see their area and everything below; a village's agent and secretary see their own centre.
METRICS_ROLES = {
    Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR,
}
SUPERVISOR_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR}
ROLLED_KINDS = (AreaKind.CITY, AreaKind.COUNTY, AreaKind.TOWNSHIP, AreaKind.VILLAGE)


def may_see(user: Any, area: Area) -> bool:
    return area.kind in ROLLED_KINDS and scope.serves(user, area.path, METRICS_ROLES)


def area_for(user: Any, code: str) -> Area:
    """The area by its code, if the user may see its figures; else 404."""
    area = Area.objects.filter(code=code, kind__in=ROLLED_KINDS).first()
    if area is None or not may_see(user, area):
        raise Http404
    return area


def home_area(user: Any) -> Area | None:
    """The widest area the user's figures start from (the city for the city's staff)."""
    if getattr(user, "is_superuser", False):
        return Area.objects.filter(kind=AreaKind.CITY).order_by("path").first()
    paths = scope.paths_for(user, METRICS_ROLES)
    if not paths:
        return None
    return Area.objects.filter(path=min(paths, key=len), kind__in=ROLLED_KINDS).first()


def is_supervisor(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or scope.has_role(user, SUPERVISOR_ROLES)
