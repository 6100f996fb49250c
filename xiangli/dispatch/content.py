"""What a dispatch report says, gathered once from the rollups and shared by the workbook
and the PDF: the area's month against the month before, its standing now, each area one
level down, and the month day by day. Never a scan of cases: eight small queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangli.areas.models import Area, AreaKind
from xiangli.metrics import queries
from xiangli.metrics.models import AreaStanding
from xiangli.metrics.periods import Period
from xiangli.metrics.queries import Figures

# How a value reads: a count, a share (0–1), working days, a 1–5 score, hours.
COUNT, SHARE, DAYS, SCORE, HOURS = "count", "share", "days", "score", "hours"


@dataclass(frozen=True)
class Measure:
    key: str
    label: Promise
    kind: str


# The month's flows, in the order every table shows them.
FLOWS = [
    Measure("received", gettext_lazy("Cases received"), COUNT),
    Measure("done", gettext_lazy("Cases done"), COUNT),
    Measure("on_time_rate", gettext_lazy("On-time rate"), SHARE),
    Measure("average_workdays", gettext_lazy("Average working days"), DAYS),
    Measure("one_trip_share", gettext_lazy("One-trip share"), SHARE),
    Measure("satisfaction", gettext_lazy("Satisfaction (1–5)"), SCORE),
    Measure("activities_held", gettext_lazy("Activities held"), COUNT),
    Measure("training_person_times", gettext_lazy("Training person-times"), COUNT),
    Measure("volunteer_hours", gettext_lazy("Volunteer hours"), HOURS),
    Measure("help_tasks_done", gettext_lazy("Help tasks done"), COUNT),
]
# How the area stands now (states, not sums over the month).
STANDING = [
    Measure("open_cases", gettext_lazy("Open cases"), COUNT),
    Measure("overdue_cases", gettext_lazy("Overdue cases"), COUNT),
    Measure("centres", gettext_lazy("Centres"), COUNT),
    Measure("seven_share", gettext_lazy("All seven functions (七有)"), SHARE),
    Measure("four_share", gettext_lazy("Four-haves standard (四有)"), SHARE),
    Measure("policy_coverage", gettext_lazy("Policy outreach coverage"), SHARE),
]
CHILD_KINDS = {
    AreaKind.CITY: gettext_lazy("Counties"),
    AreaKind.COUNTY: gettext_lazy("Townships"),
    AreaKind.TOWNSHIP: gettext_lazy("Villages"),
}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def standing_values(standing: AreaStanding | None) -> dict[str, Any]:
    s = standing or AreaStanding()
    return {
        "open_cases": s.open_cases,
        "overdue_cases": s.overdue_cases,
        "centres": s.centres,
        "seven_share": _share(s.centres_seven, s.centres),
        "four_share": _share(s.centres_four, s.centres),
        "policy_coverage": _share(s.policy_enrolled, s.policy_eligible),
    }


def change(now: float | None, before: float | None) -> float | None:
    """This month less last month (percentage points for shares); none when either is missing."""
    if now is None or before is None:
        return None
    return now - before


def display(value: float | None, kind: str, *, signed: bool = False) -> str:
    """A value as the PDF and the page print it, in the active language."""
    if value is None:
        return "—"
    digits = {COUNT: 0, SCORE: 2}.get(kind, 1)
    # Rounded first, so that a change too small to show reads 0.0, not -0.0.
    shown = round(value * 100 if kind == SHARE else value, digits) + 0.0
    sign = "+" if signed and shown > 0 else ""
    text = formats.number_format(shown, digits, force_grouping=kind in (COUNT, HOURS))
    return sign + text + ("%" if kind == SHARE else "")


@dataclass
class ChildRow:
    area: Area
    figures: Figures
    standing: dict[str, Any]

    def value(self, key: str) -> Any:
        return self.standing[key] if key in self.standing else getattr(self.figures, key)


@dataclass
class ReportData:
    area: Area
    period: Period  # the days the figures cover (up to today in a running month)
    previous: Period  # the same span of the month before
    running: bool  # the month has not ended: figures so far
    this: Figures
    last: Figures
    standing: dict[str, Any]
    children: list[ChildRow]
    days: list[tuple[dt.date, Figures]]
    rolled_at: dt.datetime | None
    generated_at: dt.datetime

    def title(self) -> str:
        return _("Monthly dispatch report: %(area)s, %(month)s") % {
            "area": self.area.display_name, "month": month_label(self.period.code)}

    def subtitle(self) -> str:
        when = f"{timezone.localtime(self.generated_at):%Y-%m-%d %H:%M}"
        text = _("%(first)s to %(last)s, against %(previous_first)s to %(previous_last)s. Generated %(when)s.") % {
            "first": self.period.first.isoformat(), "last": self.period.last.isoformat(),
            "previous_first": self.previous.first.isoformat(), "previous_last": self.previous.last.isoformat(),
            "when": when,
        }
        if self.running:
            text += " " + _("The month is not over: figures so far.")
        if self.rolled_at is not None:
            text += " " + _("Figures as rolled up at %(when)s.") % {
                "when": f"{timezone.localtime(self.rolled_at):%Y-%m-%d %H:%M}"}
        return text

    def child_kind(self) -> str:
        return str(CHILD_KINDS.get(AreaKind(self.area.kind), _("Areas below")))


def month_label(code: str) -> str:
    year, month = code.split("-")
    return _("%(year)s-%(month)s") % {"year": year, "month": month}


def gather(area: Area, period: Period, *, today: dt.date) -> ReportData:
    """Everything a report of `area` for the month `period` shows."""
    running = period.last > today
    current = period.until(today) if running else period
    previous = period.previous()
    if running:
        # A running month is set against the same days of the month before, not a whole month.
        span = current.last - current.first
        previous = Period(previous.first, min(previous.last, previous.first + span), previous.code)
    last_run = queries.last_rollup()
    return ReportData(
        area=area,
        period=current,
        previous=previous,
        running=running,
        this=queries.figures(area, current.first, current.last),
        last=queries.figures(area, previous.first, previous.last),
        standing=standing_values(queries.standing(area)),
        children=[ChildRow(child, figures, standing_values(standing))
                  for child, figures, standing in queries.by_child(area, current.first, current.last)],
        days=queries.trend(area, current.first, current.last),
        rolled_at=last_run.started_at if last_run else None,
        generated_at=timezone.now(),
    )
