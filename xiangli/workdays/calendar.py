"""Counting working days, the unit of every promised deadline.

The exceptions (a few hundred rows, edited once a year) are copied into each
process (each thread) for a minute, so that accepting a case or escalating a
thousand does not ask the database each time. An edit is seen at once where it is
made (the model's signals drop the copy, and until the edit commits that thread
reads the table itself) and by the other processes within `KEEP_FOR`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from .models import CalendarDay

ONE_DAY = dt.timedelta(days=1)
KEEP_FOR = 60.0  # seconds a process keeps its copy of the exceptions


class _Copy(threading.local):
    """This thread's copy of the exceptions, and whether an edit of its own has yet to commit."""

    def __init__(self) -> None:
        self.days: dict[dt.date, bool] | None = None
        self.loaded_at = 0.0
        self.unsettled = False


_copy = _Copy()


def _exceptions(start: dt.date, end: dt.date) -> Mapping[dt.date, bool]:
    """The exceptions for at least [start, end]: all of them, from this process's copy."""
    if _copy.unsettled and transaction.get_autocommit():
        reset_copy()  # the edit's transaction ended without committing
    if _copy.unsettled:
        # An edit of this thread's own transaction: only the database shows it,
        # and a rollback must not leave it behind in a copy.
        return dict(CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday"))
    if _copy.days is None or time.monotonic() - _copy.loaded_at > KEEP_FOR:
        _copy.days = dict(CalendarDay.objects.values_list("day", "is_workday"))
        _copy.loaded_at = time.monotonic()
    return _copy.days


def forget(**_: Any) -> None:
    """Drop the copy after an edit (connected to CalendarDay's save and delete signals)."""
    _copy.days = None
    _copy.unsettled = True
    transaction.on_commit(reset_copy)


def reset_copy() -> None:
    """Read the calendar afresh from now on: once an edit commits, and in tests, whose
    rolled-back edits never do."""
    _copy.days = None
    _copy.unsettled = False


def _is_workday(day: dt.date, exceptions: Mapping[dt.date, bool]) -> bool:
    return exceptions.get(day, day.weekday() < 5)


def is_workday(day: dt.date) -> bool:
    return _is_workday(day, _exceptions(day, day))


def add_workdays(start: dt.date, count: int) -> dt.date:
    """The day that is `count` working days after `start` (start itself not counted).

    A case accepted on Friday with a promise of 1 working day is due on Monday,
    or later when Monday is a holiday.
    """
    if count <= 0:
        return start
    # Golden Week and Spring Festival add at most ~9 days per 5 working days.
    horizon = start + dt.timedelta(days=count * 2 + 20)
    exceptions = _exceptions(start, horizon)
    day = start
    while count:
        day += ONE_DAY
        if day > horizon:
            horizon = day + dt.timedelta(days=60)
            exceptions = {**exceptions, **_exceptions(day, horizon)}
        if _is_workday(day, exceptions):
            count -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many a paused clock must give back."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += _is_workday(day, exceptions)
    return count


def seed_from_library() -> int:
    """Store the holidays and adjusted working days the chinese-calendar library knows."""
    import chinese_calendar

    rows: dict[dt.date, CalendarDay] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows[day] = CalendarDay(day=day, is_workday=False, name=str(name))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows[day] = CalendarDay(day=day, is_workday=True, name=str(name))
    existing = set(CalendarDay.objects.values_list("day", flat=True))
    new = [row for day, row in rows.items() if day not in existing]
    CalendarDay.objects.bulk_create(new, batch_size=500)
    forget()  # bulk_create sends no signals
    return len(new)
