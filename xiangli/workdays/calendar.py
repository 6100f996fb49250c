"""Counting working days, the unit of every promised deadline."""

from __future__ import annotations

import datetime as dt

from .models import CalendarDay

ONE_DAY = dt.timedelta(days=1)


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday"))


def _is_workday(day: dt.date, exceptions: dict[dt.date, bool]) -> bool:
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
            exceptions.update(_exceptions(day, horizon))
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
    return len(new)
