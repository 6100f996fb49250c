"""Periods supervisors ask about: a month ("2026-11"), a quarter ("2026-Q3"), a year
("2026"), or any range of days. Parsed here once for every page, report and screen."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Longer ranges are answered by months; this bounds what one request may ask to sum.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    code: str  # "2026-11", "2026-Q3", "2026" or "2026-11-02~2026-11-20"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before: last month, last quarter, last year."""
        if re.fullmatch(r"\d{4}-\d{2}", self.code):
            return month(self.first - dt.timedelta(days=1))
        if re.fullmatch(r"\d{4}-Q[1-4]", self.code):
            return quarter(self.first - dt.timedelta(days=1))
        if re.fullmatch(r"\d{4}", self.code):
            return parse(str(self.first.year - 1), today=self.first)
        length = self.last - self.first
        last = self.first - dt.timedelta(days=1)
        return between(last - length, last)

    def until(self, today: dt.date) -> Period:
        """The part of the period up to today (a running month shows the days so far)."""
        return Period(self.first, min(self.last, today), self.code)


def month(day: dt.date) -> Period:
    first = day.replace(day=1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - dt.timedelta(days=1), f"{first:%Y-%m}")


def quarter(day: dt.date) -> Period:
    q = (day.month - 1) // 3
    first = dt.date(day.year, q * 3 + 1, 1)
    last = month(dt.date(day.year, q * 3 + 3, 1)).last
    return Period(first, last, f"{day.year}-Q{q + 1}")


def between(first: dt.date, last: dt.date) -> Period:
    return Period(first, last, f"{first:%Y-%m-%d}~{last:%Y-%m-%d}")


def parse(code: str, *, today: dt.date | None = None) -> Period:
    """The period a code names; ValidationError (in the user's language) for anything else,
    for a period that has not begun, or one longer than three years."""
    today = today or timezone.localdate()
    code = (code or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
            period = month(dt.date(int(m[1]), int(m[2]), 1))
        elif m := re.fullmatch(r"(\d{4})-Q([1-4])", code, flags=re.IGNORECASE):
            period = quarter(dt.date(int(m[1]), int(m[2]) * 3, 1))
        elif m := re.fullmatch(r"(\d{4})", code):
            year = int(m[1])
            period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31), code)
        elif m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})", code):
            period = between(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2]))
        else:
            raise ValidationError(_("Give a period as 2026-11, 2026-Q3, 2026 or 2026-11-01~2026-11-20."))
    except ValueError as bad:
        raise ValidationError(_("There is no such date: %(code)s.") % {"code": code}) from bad
    if period.last < period.first:
        raise ValidationError(_("The period ends before it begins."))
    if period.first > today:
        raise ValidationError(_("The period has not begun yet: figures exist only up to today."))
    if period.days > MAX_DAYS:
        raise ValidationError(_("Ask for at most three years at a time."))
    return period


def current_month(today: dt.date | None = None) -> Period:
    return month(today or timezone.localdate())
