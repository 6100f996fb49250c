"""The rollups, kept fresh by the task workers: never computed in a request."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import RollupKind, RollupRun
from .rollup import refresh_standing, roll_up, roll_up_month

# Past days change after the fact (late check-ins, ratings, cases done late), so the
# nightly pass rebuilds this many days back.
NIGHTLY_DAYS = 35


def _ran_since(kind: str, since: dt.datetime, *, covering: dt.date | None = None) -> bool:
    runs = RollupRun.objects.filter(kind=kind, started_at__gte=since)
    if covering is not None:
        runs = runs.filter(first_day__lte=covering, last_day__gte=covering)
    return runs.exists()


def refresh(now: dt.datetime | None = None) -> str:
    """Today and yesterday, the standing; once a day the last weeks and policy coverage;
    once a month, the whole previous month."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    done = [roll_up(today - dt.timedelta(days=1), today)]
    nightly = not _ran_since(RollupKind.POLICIES, midnight)
    if nightly:
        done.append(roll_up(today - dt.timedelta(days=NIGHTLY_DAYS), today - dt.timedelta(days=2)))
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    if not _ran_since(RollupKind.DAYS, midnight.replace(day=1), covering=last_month_end.replace(day=1)):
        done.append(roll_up_month(last_month_end.year, last_month_end.month))
    done.append(refresh_standing(today=today, policies=nightly))
    return "metrics: " + ", ".join(
        f"{r.kind} {r.first_day or ''}…{r.last_day or ''} {r.rows} rows in {r.seconds:.1f} s" for r in done
    )


@task()
def refresh_metrics() -> str:
    return refresh()


PERIODIC = [refresh_metrics]


def run_periodic() -> str:
    return refresh()
