"""Building the rollups: grouped queries over each source for a range of days, folded up
the area tree in Python, written in one transaction. Run by the tick (today and
yesterday, and the standing), nightly for the last weeks (late check-ins and ratings
change past days), and monthly for the whole previous month."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from xiangli.activities.models import TRAINING_KINDS, Activity, VolunteerService
from xiangli.areas.models import BASIC_FUNCTIONS, FOUR_HAVES, Area, AreaKind, Centre
from xiangli.cases.models import RUNNING_STATES, Case
from xiangli.volunteers.models import HelpTask, TaskState
from xiangli.workdays.calendar import add_workdays
from xiangli.workdays.models import CalendarDay

from .models import COUNTERS, AreaDay, AreaStanding, RollupKind, RollupRun

Key = tuple[int, dt.date]
ROLLED_KINDS = (AreaKind.CITY, AreaKind.COUNTY, AreaKind.TOWNSHIP, AreaKind.VILLAGE)


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min).replace(tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min).replace(tzinfo=tz)
    return start, end


def ancestry() -> dict[int, list[int]]:
    """Each village's id with the ids of its township, county and city (grids are not rolled)."""
    areas = list(Area.objects.filter(kind__in=ROLLED_KINDS).values_list("id", "path", "kind"))
    by_path = {path: pk for pk, path, _ in areas}
    tree: dict[int, list[int]] = {}
    for pk, path, kind in areas:
        if kind != AreaKind.VILLAGE:
            continue
        codes = [c for c in path.split("/") if c]
        prefixes = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
        tree[pk] = [by_path[p] for p in prefixes if p in by_path]
    return tree


def workday_numbers(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """The running count of working days on each date: the difference of two is the working
    days in between, the same rule as `workdays.calendar` (weekdays unless an exception says)."""
    exceptions = dict(
        CalendarDay.objects.filter(day__gte=first, day__lte=last).values_list("day", "is_workday")
    )
    numbers: dict[dt.date, int] = {}
    count, day = 0, first
    while day <= last:
        count += exceptions.get(day, day.weekday() < 5)
        numbers[day] = count
        day += dt.timedelta(days=1)
    return numbers


def village_counts(first: dt.date, last: dt.date) -> dict[Key, dict[str, int]]:
    """Every counter per (village id, day) for the days first…last, from the sources."""
    start, end = _bounds(first, last)
    counts: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    received = (
        Case.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(d=TruncDate("submitted_at")).values_list("village_id", "d").annotate(n=Count("id")).order_by()
    )
    for village, day, n in received:
        counts[village, day]["received"] += n

    done = (
        Case.objects.filter(done_at__gte=start, done_at__lt=end)
        .annotate(d=TruncDate("done_at"))
        .values_list("village_id", "d", "accepted_on")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(on_time=True)),
            one_trip=Count("id", filter=Q(visits__lte=1)),
        )
        .order_by()
    )
    done_rows = list(done)
    earliest = min((r[2] for r in done_rows if r[2] is not None), default=first)
    numbers = workday_numbers(min(earliest, first), last)
    for village, day, accepted_on, n, on_time, one_trip in done_rows:
        bucket = counts[village, day]
        bucket["done"] += n
        bucket["done_on_time"] += on_time
        bucket["one_trip"] += one_trip
        if accepted_on is not None and accepted_on <= day:
            bucket["workdays_total"] += n * (numbers[day] - numbers[accepted_on])

    rated = (
        Case.objects.filter(rated_at__gte=start, rated_at__lt=end, rating__isnull=False)
        .annotate(d=TruncDate("rated_at")).values_list("village_id", "d")
        .annotate(n=Count("id"), total=Sum("rating")).order_by()
    )
    for village, day, n, total in rated:
        counts[village, day]["rated"] += n
        counts[village, day]["rating_total"] += total or 0

    held = (
        Activity.objects.filter(start__gte=start, start__lt=end, cancelled_at__isnull=True)
        .annotate(d=TruncDate("start")).values_list("centre__area_id", "d")
        .annotate(
            n=Count("id"),
            trained=Sum("attended", filter=Q(kind__in=[str(k) for k in TRAINING_KINDS])),
        )
        .order_by()
    )
    for village, day, n, trained in held:
        counts[village, day]["activities_held"] += n
        counts[village, day]["training_person_times"] += trained or 0

    helped = (
        HelpTask.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end, state=TaskState.CONFIRMED)
        .annotate(d=TruncDate("confirmed_at")).values_list("village_id", "d")
        .annotate(n=Count("id"), hours=Sum("hours")).order_by()
    )
    for village, day, n, hours in helped:
        counts[village, day]["help_tasks_done"] += n
        counts[village, day]["volunteer_tenths"] += _tenths(hours)

    served = (
        VolunteerService.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .annotate(d=TruncDate("recorded_at")).values_list("activity__centre__area_id", "d")
        .annotate(hours=Sum("hours")).order_by()
    )
    for village, day, hours in served:
        counts[village, day]["volunteer_tenths"] += _tenths(hours)
    return counts


def _tenths(hours: Decimal | None) -> int:
    return int((hours or Decimal(0)) * 10)


def fold(counts: dict[Key, dict[str, int]], tree: dict[int, list[int]]) -> dict[Key, dict[str, int]]:
    """Add each village's counts to itself and every ancestor."""
    folded: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for (village, day), values in counts.items():
        for area in tree.get(village, ()):
            target = folded[area, day]
            for name, value in values.items():
                if value:
                    target[name] += value
    return folded


def roll_up(first: dt.date, last: dt.date) -> RollupRun:
    """Rebuild the AreaDay rows of first…last from the sources; safe to run again."""
    if last < first:
        raise ValueError("last day before first day")
    began = time.perf_counter()
    folded = fold(village_counts(first, last), ancestry())
    rows = [
        AreaDay(area_id=area, day=day, **values)
        for (area, day), values in folded.items()
        if any(values.values())
    ]
    with transaction.atomic():
        AreaDay.objects.filter(day__gte=first, day__lte=last).delete()
        AreaDay.objects.bulk_create(rows, batch_size=5000)
        return RollupRun.objects.create(
            first_day=first, last_day=last, rows=len(rows), seconds=time.perf_counter() - began
        )


def roll_up_month(year: int, month: int) -> RollupRun:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return roll_up(first, following - dt.timedelta(days=1))


def _policy_counts(tree: dict[int, list[int]]) -> dict[int, tuple[int, int]]:
    """(eligible, enrolled) per village over the live policies, summed over policies."""
    from xiangli.policies.models import Policy, PolicyStatus
    from xiangli.policies.services import eligible, enrolled_exists, set_based

    villages = dict(Area.objects.filter(kind=AreaKind.VILLAGE).values_list("path", "id"))
    depth = _village_depth(villages)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for policy in Policy.objects.filter(status=PolicyStatus.LIVE):
        # The policies' own counting settings (no JIT, room to hash): the same query shape as their coverage.
        with set_based():
            grouped = list(
                eligible(policy).annotate(is_enrolled=enrolled_exists(policy))
                .values_list("area_path", "is_enrolled").annotate(n=Count("pk")).order_by()
            )
        for path, is_enrolled, n in grouped:
            village = villages.get(_prefix(path, depth))
            if village is None:
                continue
            totals[village][0] += n
            if is_enrolled:
                totals[village][1] += n
    return {k: (v[0], v[1]) for k, v in totals.items()}


def _village_depth(villages: dict[str, int]) -> int:
    path = next(iter(villages), "/a/b/c/d/")
    return len([c for c in path.split("/") if c])


def _prefix(path: str, depth: int) -> str:
    codes = [c for c in path.split("/") if c][:depth]
    return "/" + "/".join(codes) + "/"


def refresh_standing(*, today: dt.date | None = None, policies: bool = True) -> RollupRun:
    """Recount what is true now for every area: open and overdue cases, 七有 and 四有, and (when
    `policies`, the slow part: one count over the registry per live policy) policy coverage."""
    began = time.perf_counter()
    today = today or timezone.localdate()
    tree = ancestry()
    per_village: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # The same window as the workbench's "due soon" count, which reads it from here for wide scopes.
    soon = add_workdays(today, settings.DUE_SOON_WORKING_DAYS)
    cases = Case.objects.open().values_list("village_id").annotate(
        n=Count("id"), late=Count("id", filter=Q(state__in=RUNNING_STATES, due_on__lt=today)),
        near=Count("id", filter=Q(state__in=RUNNING_STATES, due_on__gte=today, due_on__lte=soon)),
    ).order_by()
    for village, n, late, near in cases:
        per_village[village]["open_cases"] += n
        per_village[village]["overdue_cases"] += late
        per_village[village]["due_soon_cases"] += near
    for village, functions, standards in Centre.objects.values_list("area_id", "functions", "standards"):
        figures = per_village[village]
        figures["centres"] += 1
        figures["centres_seven"] += all(str(f) in functions for f in BASIC_FUNCTIONS)
        figures["centres_four"] += all(str(s) in standards for s in FOUR_HAVES)
    if policies:
        for village, (eligible_n, enrolled_n) in _policy_counts(tree).items():
            per_village[village]["policy_eligible"] += eligible_n
            per_village[village]["policy_enrolled"] += enrolled_n
    folded: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, figures in per_village.items():
        for area in tree.get(village, ()):
            for name, value in figures.items():
                folded[area][name] += value
    rows = _write_standing(folded, tree, keep_policy=not policies)
    return RollupRun.objects.create(
        kind=RollupKind.POLICIES if policies else RollupKind.STANDING,
        rows=rows, seconds=time.perf_counter() - began,
    )


def _write_standing(folded: dict[int, dict[str, int]], tree: dict[int, list[int]], *, keep_policy: bool) -> int:
    areas = {a for ids in tree.values() for a in ids}
    now = timezone.now()
    old: dict[int, Any] = {}
    if keep_policy:
        old = {
            pk: (e, n) for pk, e, n in
            AreaStanding.objects.values_list("area_id", "policy_eligible", "policy_enrolled")
        }
    rows = []
    for area in areas:
        figures = folded.get(area, {})
        eligible_n, enrolled_n = old.get(area, (0, 0)) if keep_policy else (
            figures.get("policy_eligible", 0), figures.get("policy_enrolled", 0))
        rows.append(AreaStanding(
            area_id=area, open_cases=figures.get("open_cases", 0), overdue_cases=figures.get("overdue_cases", 0),
            due_soon_cases=figures.get("due_soon_cases", 0),
            centres=figures.get("centres", 0), centres_seven=figures.get("centres_seven", 0),
            centres_four=figures.get("centres_four", 0), policy_eligible=eligible_n,
            policy_enrolled=enrolled_n, updated_at=now,
        ))
    with transaction.atomic():
        AreaStanding.objects.all().delete()
        AreaStanding.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
