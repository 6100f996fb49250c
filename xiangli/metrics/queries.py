"""Reading the rollups: an area's figures for a period, its children's, its trend.
Every read is a SUM over AreaDay rows of a handful of areas, never a scan of cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xiangli.areas.models import Area, AreaKind

from .models import COUNTERS, AreaDay, AreaStanding, RollupRun


@dataclass
class Figures:
    """Sums of the counters over a period, with the rates pages show."""

    received: int = 0
    done: int = 0
    done_on_time: int = 0
    workdays_total: int = 0
    one_trip: int = 0
    rated: int = 0
    rating_total: int = 0
    activities_held: int = 0
    training_person_times: int = 0
    volunteer_tenths: int = 0
    help_tasks_done: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Figures:
        return cls(**{name: int(row.get(name) or 0) for name in COUNTERS})

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.done if self.done else None

    @property
    def average_workdays(self) -> float | None:
        return self.workdays_total / self.done if self.done else None

    @property
    def one_trip_share(self) -> float | None:
        return self.one_trip / self.done if self.done else None

    @property
    def satisfaction(self) -> float | None:
        """Average rating, 1–5."""
        return self.rating_total / self.rated if self.rated else None

    @property
    def volunteer_hours(self) -> float:
        return self.volunteer_tenths / 10

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("on_time_rate", "average_workdays", "one_trip_share", "satisfaction", "volunteer_hours"):
            data[name] = getattr(self, name)
        return data


_SUMS = {name: Sum(name) for name in COUNTERS}
# Levels below each kind whose rows are rolled (grids are not).
CHILD_KIND = {AreaKind.CITY: AreaKind.COUNTY, AreaKind.COUNTY: AreaKind.TOWNSHIP,
              AreaKind.TOWNSHIP: AreaKind.VILLAGE}


def figures(area: Area, first: dt.date, last: dt.date) -> Figures:
    row = AreaDay.objects.filter(area=area, day__gte=first, day__lte=last).aggregate(**_SUMS)
    return Figures.from_row(row)


def children(area: Area) -> list[Area]:
    """The areas one level down whose figures are rolled (a village has none)."""
    kind = CHILD_KIND.get(AreaKind(area.kind))
    if kind is None:
        return []
    return list(Area.objects.filter(parent=area, kind=kind).order_by("code"))


def by_child(area: Area, first: dt.date, last: dt.date) -> list[tuple[Area, Figures, AreaStanding | None]]:
    """Each child's figures for the period and standing now: three queries whatever the size."""
    kids = children(area)
    ids = [a.pk for a in kids]
    sums = {
        row["area_id"]: Figures.from_row(row)
        for row in AreaDay.objects.filter(area_id__in=ids, day__gte=first, day__lte=last)
        .values("area_id").annotate(**_SUMS).order_by()
    }
    standing = AreaStanding.objects.in_bulk(ids)
    return [(a, sums.get(a.pk, Figures()), standing.get(a.pk)) for a in kids]


def trend(area: Area, first: dt.date, last: dt.date, *, monthly: bool = False) -> list[tuple[dt.date, Figures]]:
    """Figures per day (or per month) of the period, days without any activity included as zeros."""
    rows = AreaDay.objects.filter(area=area, day__gte=first, day__lte=last)
    if monthly:
        found = {
            r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]: Figures.from_row(r)
            for r in rows.annotate(m=TruncMonth("day")).values("m").annotate(**_SUMS).order_by("m")
        }
        months, cursor = [], first.replace(day=1)
        while cursor <= last:
            months.append((cursor, found.get(cursor, Figures())))
            cursor = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        return months
    found = {r["day"]: Figures.from_row(r) for r in rows.values("day", *COUNTERS)}
    out, day = [], first
    while day <= last:
        out.append((day, found.get(day, Figures())))
        day += dt.timedelta(days=1)
    return out


def standing(area: Area) -> AreaStanding:
    return AreaStanding.objects.filter(area=area).first() or AreaStanding(area=area)


def last_rollup() -> RollupRun | None:
    return RollupRun.objects.order_by("-started_at").first()


# The standing is refreshed every few minutes by the tick; older than this, pages count live.
STANDING_FRESH_FOR = dt.timedelta(minutes=15)


def standing_counts(paths: list[str], *, now: dt.datetime) -> dict[str, int] | None:
    """Overdue and due-soon counts over the areas at `paths` from the standing, or None when
    the standing is missing or stale (then the caller counts the cases itself)."""
    rows = list(
        AreaStanding.objects.filter(area__path__in=paths, updated_at__gte=now - STANDING_FRESH_FOR)
        .values_list("overdue_cases", "due_soon_cases", "updated_at")
    )
    if len(rows) != len(paths) or any(timezone.localdate(at) != timezone.localdate(now) for *_, at in rows):
        return None
    return {"overdue_count": sum(r[0] for r in rows), "due_soon_count": sum(r[1] for r in rows)}
