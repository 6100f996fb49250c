"""Reading disclosed items for the public pages: by month, with their history of changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import KIND_FIELDS, Direction, Kind, Notice, NoticeVersion, Receipt, field_label


def display(name: str, value: Any) -> str:
    """A field's value as the public page shows it."""
    if value is None or value == "":
        return "—"
    if name == "month" and isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    if name == "direction":
        return str(dict(Direction.choices).get(value, value))
    if name == "progress":
        return f"{value}%"
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, force_grouping=True)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryStep:
    """One correction: when, why, and what changed field by field."""

    version: NoticeVersion
    changes: list[Change]
    receipts_added: int = 0


def history(notice: Notice, versions: list[NoticeVersion], receipts: Iterable[Receipt]) -> list[HistoryStep]:
    """The corrections of an item, newest first, each compared with the version before it."""
    names = KIND_FIELDS[notice.kind]
    added: dict[int, int] = {}
    for r in receipts:
        added[r.version_number] = added.get(r.version_number, 0) + 1
    steps = []
    for before, after in zip(versions, versions[1:], strict=False):
        changes = [
            Change(label=str(field_label(n)), old=display(n, getattr(before, n)),
                   new=display(n, getattr(after, n)))
            for n in names if getattr(before, n) != getattr(after, n)
        ]
        steps.append(HistoryStep(version=after, changes=changes, receipts_added=added.get(after.number, 0)))
    return list(reversed(steps))


def facts(version: NoticeVersion, kind: str) -> list[tuple[str, str]]:
    """(label, value) of the current version, title and details left to the page."""
    return [
        (str(field_label(n)), display(n, getattr(version, n)))
        for n in KIND_FIELDS[kind] if n not in ("title", "body")
    ]


@dataclass
class Month:
    month: dt.date
    entries: list[Notice] = field(default_factory=list)
    income: Decimal = Decimal("0")
    spending: Decimal = Decimal("0")

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def balance(self) -> Decimal:
        return self.income - self.spending


def finance_by_month(entries: Iterable[Notice]) -> list[Month]:
    """Finance entries grouped by month, newest month first, with the month's totals."""
    rows = sorted(entries, key=lambda n: (n.current.month or dt.date.min, n.pk), reverse=True)  # type: ignore[union-attr]
    months = []
    for month, group in groupby(rows, key=lambda n: n.current.month):  # type: ignore[union-attr]
        m = Month(month=month or dt.date.min)
        for n in group:
            m.entries.append(n)
            amount = n.current.amount or Decimal("0")  # type: ignore[union-attr]
            if n.current.direction == Direction.INCOME:  # type: ignore[union-attr]
                m.income += amount
            else:
                m.spending += amount
        months.append(m)
    return months


def kind_label(kind: str) -> str:
    return str(dict(Kind.choices).get(kind, kind)) or _("Item")
