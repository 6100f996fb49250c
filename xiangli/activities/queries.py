"""Reads: the week's programme of a centre, one activity for a user, the person-times report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from xiangli.areas.models import Area, Centre

from .models import TRAINING_KINDS, Activity, ActivityKind, ActivityQuerySet, SignupStatus


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str | None) -> dt.date:
    """The Monday of the week named by ?week=YYYY-MM-DD, or of this week."""
    try:
        return week_of(dt.date.fromisoformat(text or ""))
    except ValueError:
        return week_of(timezone.localdate())


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())


def between(centre: Centre, start: dt.datetime, end: dt.datetime) -> list[Activity]:
    """The centre's live activities starting in [start, end), with their confirmed places counted."""
    return list(
        Activity.objects.live().filter(centre=centre, start__gte=start, start__lt=end)
        .select_related("room")
        .annotate(taken=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)))
        .order_by("start", "pk")
    )


def week_programme(centre: Centre, monday: dt.date) -> list[tuple[dt.date, list[Activity]]]:
    """一周活动预告: the week's activities day by day (one query)."""
    start = local_midnight(monday)
    activities = between(centre, start, start + dt.timedelta(days=7))
    days: dict[dt.date, list[Activity]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for a in activities:
        days[timezone.localtime(a.start).date()].append(a)
    return list(days.items())


def staff_activities(user: Any) -> ActivityQuerySet:
    """Activities of the areas the user serves as staff (all, for a superuser)."""
    from .services import READER_ROLES, village_paths

    if getattr(user, "is_superuser", False):
        return Activity.objects.all()
    return Activity.objects.in_areas(village_paths(user, READER_ROLES))


def visible_activity(user: Any, activity_id: int) -> Activity:
    """The activity for a member of staff who serves its area; another village's is a 404."""
    activity: Activity | None = (
        staff_activities(user).select_related("centre__area", "room", "booking").filter(pk=activity_id).first()
    )
    if activity is None:
        raise Http404
    return activity


@dataclass
class PersonTimes:
    """Attendance (人次) by month, area one level below the viewer's, and kind."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    total: int = 0
    trainings: int = 0
    walk_ins: int = 0


def _rolled_up_code(path: str, under: list[str]) -> str:
    """The code of the area one level below the viewer's area that `path` lies in
    (or the viewer's own area when the activity is there)."""
    for base in under:
        if path.startswith(base):
            rest = path[len(base):].strip("/")
            return rest.split("/")[0] if rest else base.strip("/").split("/")[-1]
    return path.strip("/").split("/")[-1]


def person_times(user: Any, *, since: dt.date, until: dt.date) -> PersonTimes:
    """Person-times of the areas the user serves, rolled up one level below them:
    a township sees its villages, a county its townships, the city its counties.

    Two queries: the sums of the activities' person-times and the names of the areas.
    """
    from .services import READER_ROLES, village_paths

    under = ["/"] if getattr(user, "is_superuser", False) else village_paths(user, READER_ROLES)
    if not under:
        return PersonTimes()
    grouped = (
        staff_activities(user).filter(start__gte=local_midnight(since),
                                      start__lt=local_midnight(until + dt.timedelta(days=1)), attended__gt=0)
        # A date, not an aware datetime: Django would otherwise localise every row in Python.
        .annotate(month=TruncMonth("start", output_field=DateField()))
        .values("month", "kind", "area_path")
        .annotate(n=Sum("attended"), walk_in_count=Sum("walk_ins"))
        .order_by()
    )
    cells: dict[tuple[dt.date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for g in grouped:
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        key = (month, _rolled_up_code(g["area_path"], under), g["kind"])
        cells[key][0] += g["n"]
        cells[key][1] += g["walk_in_count"]
    names = {a.code: a.display_name for a in Area.objects.filter(code__in={k[1] for k in cells}).only(
        "code", "name", "name_en")}
    labels = {k: str(v) for k, v in ActivityKind.choices}
    report = PersonTimes()
    by_kind: dict[str, int] = defaultdict(int)
    for (month, code, kind), (n, walk_ins) in sorted(cells.items(), key=lambda c: (c[0][0], names.get(c[0][1], ""),
                                                                                       c[0][2])):
        report.rows.append({"month": month, "area": names.get(code, code), "kind": labels.get(kind, kind),
                            "kind_code": kind, "training": kind in TRAINING_KINDS, "n": n, "walk_ins": walk_ins})
        by_kind[str(labels.get(kind, kind))] += n
        report.total += n
        report.walk_ins += walk_ins
        report.trainings += n if kind in TRAINING_KINDS else 0
    report.by_kind = dict(by_kind)
    return report
