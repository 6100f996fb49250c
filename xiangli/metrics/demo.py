"""The demo city's rollups, built once its history is in place, so every figures page,
ranking and big screen has something to show on first start."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Min
from django.utils import timezone

from xiangli.cases.models import Case

from .models import AreaDay, AreaStanding, RollupRun
from .rollup import refresh_standing, roll_up


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    earliest = Case.objects.aggregate(first=Min("submitted_at"))["first"]
    first = timezone.localdate(earliest) if earliest else today
    run = roll_up(min(first, today), today)
    refresh_standing(today=today)
    return {"area days rolled up": run.rows}


def purge() -> None:
    AreaDay.objects.all().delete()
    AreaStanding.objects.all().delete()
    RollupRun.objects.all().delete()
