"""Reads for policy pages: the preview, and coverage per area ("应保尽保": nobody left out).

Counts are grouped by the residents' area path in the database, then folded into
the children of the area being looked at, so any level — city, county, township,
village — is a few queries whatever the number of residents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from xiangli.areas.models import Area
from xiangli.people import scope
from xiangli.people.models import CASE_READER_ROLES, Resident

from .models import Outreach, OutreachStatus, Policy
from .services import eligible, enrolled_exists, set_based

SAMPLE = 20
# Visits that reached the resident, whatever they said.
CONTACTED = (OutreachStatus.ENROLLED, OutreachStatus.APPLIED, OutreachStatus.DECLINED)


@dataclass
class Row:
    """Figures for one area (or the total)."""

    area: Area | None
    label: str = ""
    eligible: int = 0
    enrolled: int = 0
    reached: int = 0
    declined: int = 0
    open: int = 0

    @property
    def gap(self) -> int:
        """Eligible residents not enrolled: the people the policy has still to find."""
        return self.eligible - self.enrolled

    @property
    def covered_share(self) -> int | None:
        return round(100 * self.enrolled / self.eligible) if self.eligible else None


@dataclass
class Breakdown:
    root: Area
    rows: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row(None))


def root_for(user: Any, policy: Policy, code: str = "") -> Area | None:
    """The area to break the figures down in: the one asked for if the user may see it,
    else the policy's area if the user serves it, else the user's own area inside it."""
    paths = [policy.area.path] if getattr(user, "is_superuser", False) else scope.paths_for(user, CASE_READER_ROLES)

    def allowed(area: Area) -> bool:
        return area.path.startswith(policy.area.path) and any(area.path.startswith(p) for p in paths)

    if code:
        asked = Area.objects.filter(code=code).first()
        return asked if asked is not None and allowed(asked) else None
    if allowed(policy.area):
        return policy.area
    inside = sorted(p for p in paths if p.startswith(policy.area.path))
    return Area.objects.filter(path=inside[0]).first() if inside else None


def _fold(root: Area, counts: dict[str, dict[str, int]]) -> Breakdown:
    """{area_path: figures} folded into root's children (one query for their names)."""
    by_child: dict[str, dict[str, int]] = {}
    for path, figures in counts.items():
        rest = path[len(root.path):]
        key = root.path + rest.split("/")[0] + "/" if rest else root.path
        bucket = by_child.setdefault(key, {})
        for name, n in figures.items():
            bucket[name] = bucket.get(name, 0) + n
    areas = {a.path: a for a in Area.objects.filter(path__in=list(by_child))}
    result = Breakdown(root=root)
    for path in sorted(by_child, key=lambda p: (p == root.path, areas[p].name if p in areas else p)):
        area = areas.get(path)
        row = Row(area=area, label=area.display_name if area else "")
        for name, n in by_child[path].items():
            setattr(row, name, n)
            setattr(result.total, name, getattr(result.total, name) + n)
        result.rows.append(row)
    return result


def _counts(matched: Any, **flags: Exists) -> dict[str, dict[str, int]]:
    """{area_path: {"eligible": n, flag: n, …}} of the matched residents, in one grouped query.

    Grouped by the area path alone, each flag a filtered count: a few thousand groups
    that PostgreSQL hashes in memory. (Grouping by the flags too multiplies the groups
    past its hash budget, and it sorted 280,000 rows on disk instead.) Each flag is an
    EXISTS, which PostgreSQL runs as one hash of the policy's rows looked up per resident.
    """
    grouped = matched.values("area_path").annotate(
        eligible=Count("pk"), **{name: Count("pk", filter=Q(flag)) for name, flag in flags.items()},
    ).order_by()
    return {row.pop("area_path"): row for row in grouped}


def preview(policy: Policy, root: Area, *, today: dt.date | None = None) -> tuple[Breakdown, list[Resident]]:
    """How many residents the rule matches per area below `root`, and a sample of them."""
    today = today or timezone.localdate()
    matched = eligible(policy, today=today).filter(area_path__startswith=root.path)
    with set_based():
        counts = _counts(matched, enrolled=enrolled_exists(policy))
        sample = list(matched.select_related("village", "grid").order_by("pk")[:SAMPLE])
    return _fold(root, counts), sample


def coverage(policy: Policy, root: Area, *, today: dt.date | None = None) -> Breakdown:
    """Eligible, reached, enrolled, declined and the gap, per child area of `root`.

    One pass over the eligible residents, each with whether they are enrolled and what
    their visit (at most one per resident and policy) stands at.
    """
    today = today or timezone.localdate()

    def visit(*statuses: str) -> Exists:
        return Exists(Outreach.objects.filter(policy=policy, resident_id=OuterRef("pk"), status__in=statuses))

    matched = eligible(policy, today=today).filter(area_path__startswith=root.path)
    with set_based():
        counts = _counts(matched, enrolled=enrolled_exists(policy), reached=visit(*CONTACTED),
                         declined=visit(OutreachStatus.DECLINED), open=visit(OutreachStatus.OPEN))
    return _fold(root, counts)


def outreach_list(user: Any, *, policy: Policy | None = None, status: str = OutreachStatus.OPEN) -> Any:
    """The visits the user is to make or oversee, oldest first."""
    visits = Outreach.objects.visible_to(user).filter(status=status)
    if policy is not None:
        visits = visits.filter(policy=policy)
    return visits.select_related("policy", "resident__village", "resident__grid").order_by("created_at", "pk")

