"""Ratings kept up to date by the task workers: the running quarter re-rated (provisionally)
once a day, and the quarter just ended rated finally in the first days of the next, once
its last days have been rolled up."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from xiangli.metrics import periods
from xiangli.metrics.models import AreaDay

from .models import RatingRound
from .services import rate_quarter

# Days into a quarter before the one before is rated finally: late check-ins, ratings and the
# nightly rollup of the last days have come in by then.
FINAL_AFTER_DAYS = 2


def rate_due(today: dt.date | None = None) -> str:
    """Rate what is due today; nothing when both quarters are up to date (one query each)."""
    today = today or timezone.localdate()
    running = periods.quarter(today)
    ended = running.previous()
    done = []
    before = RatingRound.objects.filter(quarter=ended.code, rated_at__isnull=False).first()
    settled = (today - running.first).days >= FINAL_AFTER_DAYS
    if settled and (before is None or before.provisional):
        # A quarter from before the system ran has no figures to rate: it is left alone.
        if before is not None or AreaDay.objects.filter(day__gte=ended.first, day__lte=ended.last).exists():
            done.append(rate_quarter(ended, today=today))
    now = RatingRound.objects.filter(quarter=running.code, rated_at__isnull=False).first()
    if now is None or now.last_day is None or now.last_day < today:
        done.append(rate_quarter(running, today=today))
    if not done:
        return "ratings: up to date"
    return "ratings: " + ", ".join(
        f"{r.quarter} {'provisional' if r.provisional else 'final'} {r.centres} centres in {r.seconds:.1f} s"
        for r in done
    )


@task()
def rate_quarters() -> str:
    return rate_due()


# Queued by `manage.py tick`.
PERIODIC = [rate_quarters]


def run_periodic() -> str:
    return rate_due()
