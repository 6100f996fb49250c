"""What a big screen shows, read cheaply enough to poll every few seconds at city scale.

- today's numbers: the area's AreaDay row of today and its AreaStanding (rollups), plus the
  cases received since the last rollup, counted over a few minutes of the submission index;
- the stream of new cases and residents' questions on disclosed items: straight from the
  cases and questions tables (newest first, bounded to the last day), so either shows within
  one poll of being filed or asked, not one rollup later;
- overdue cases: the oldest due first, from the partial index of running deadlines;
- the 30-day trend and the ranking of the child areas (or, for a village, its centre):
  rollups, cached for a minute.

No resident's name, phone or ID number is read here, nor what a resident asked (only which
item the question is about): a wall screen may hang in a lobby.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, npgettext, pgettext

from xiangli.areas.models import BASIC_FUNCTIONS, FOUR_HAVES, Area, AreaKind, Centre, CentreFunction, CentreStandard
from xiangli.cases.models import Case, Channel, State
from xiangli.disclosure.models import Question
from xiangli.metrics import queries as metrics
from xiangli.metrics.models import COUNTERS, AreaDay, RollupKind, RollupRun
from xiangli.ops.cache import cached_aggregate

STREAM_SIZE = 30  # items a screen shows; the page keeps no more DOM nodes than this
STREAM_WINDOW = dt.timedelta(hours=24)  # how far back the stream looks, whatever the cursor says
# A case's (or question's) row becomes visible when its transaction commits, a little after
# its time: each poll looks this far back again and skips the ids it already sent.
OVERLAP = dt.timedelta(seconds=30)
FETCH_LIMIT = 200  # rows one poll reads at most of each kind (a burst beyond it moves the cursor on)
TITLE_CHARS = 40  # of a disclosed item's title, on a question's row
OVERDUE_SIZE = 10
TREND_DAYS = 30
NUMBERS_SECONDS = 5
OVERDUE_SECONDS = 10
CHARTS_SECONDS = 60

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# "<microseconds>" or "<microseconds>:c12,c15,q3": the ids already sent, each with its kind
# (c: case, q: question), at most a full fetch of each. The form before questions, bare case
# ids ("<microseconds>:12,15"), is still taken, so screens running through an upgrade go on.
_CURSOR = re.compile(
    rf"^(\d{{1,17}})(?::(?:"
    rf"(?P<old>\d{{1,12}}(?:,\d{{1,12}}){{0,{FETCH_LIMIT - 1}}})"
    rf"|(?P<ids>[cq]\d{{1,12}}(?:,[cq]\d{{1,12}}){{0,{2 * FETCH_LIMIT - 1}}})"
    rf"))?$"
)


def bad_cursor() -> ValidationError:
    return ValidationError(
        pgettext("screen", "This screen's position in the stream was not understood; reload the page."),
        code="bad_cursor",
    )


def _id_order(key: str) -> tuple[str, int]:
    return key[0], int(key[1:])


@dataclass(frozen=True)
class Cursor:
    """Where a screen is in the stream: cases submitted and questions asked after `since`,
    less those already sent (their stream ids: "c12" a case, "q3" a question)."""

    since: dt.datetime
    sent: frozenset[str] = frozenset()

    def encode(self) -> str:
        # Exact microseconds: a rounded time would let the last row read come back once more.
        us = (self.since - EPOCH) // dt.timedelta(microseconds=1)
        return f"{us}:{','.join(sorted(self.sent, key=_id_order))}" if self.sent else str(us)

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """The cursor a screen sent back; ValidationError (translated) when it is not one we gave out."""
        found = _CURSOR.match(text or "")
        if found is None:
            raise bad_cursor()
        try:
            since = EPOCH + dt.timedelta(microseconds=int(found.group(1)))
        except OverflowError:
            raise bad_cursor() from None
        if since > timezone.now() + dt.timedelta(minutes=5):
            raise bad_cursor()
        if found["old"]:
            sent = frozenset(f"c{int(n)}" for n in found["old"].split(","))
        elif found["ids"]:
            sent = frozenset(f"{key[0]}{int(key[1:])}" for key in found["ids"].split(","))
        else:
            sent = frozenset()
        return cls(since, sent)


def cases_in(area: Area) -> QuerySet[Case]:
    """The cases of an area, for reading the newest: each level by the index that finds its
    rows of the last hours fastest at city scale (measured on 5M cases): a village and a
    township by case_village_recent (village, submitted_at), one probe per village; a county
    or the city by case_submitted_day, the path filtering the few rows of a poll's window."""
    if area.kind == AreaKind.VILLAGE:
        return Case.objects.filter(village_id=area.pk)
    if area.kind == AreaKind.TOWNSHIP:
        villages = Area.objects.filter(parent_id=area.pk, kind=AreaKind.VILLAGE).values("pk")
        return Case.objects.filter(village_id__in=villages)
    return Case.objects.filter(area_path__startswith=area.path)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _name(row: Mapping[str, Any], prefix: str, zh: str = "name", en: str = "name_en") -> str:
    if _english() and row.get(f"{prefix}__{en}"):
        return str(row[f"{prefix}__{en}"])
    return str(row[f"{prefix}__{zh}"])


def _shorter(text: str, chars: int) -> str:
    # Not Truncator: its ellipsis is translated, to "..." in Chinese.
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _clock(moment: dt.datetime, today: dt.date) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M}" if local.date() == today else f"{local:%m-%d %H:%M}"


def questions_in(area: Area) -> QuerySet[Question]:
    """The questions residents asked on the area's published items. A village by its notices;
    above it by their path (notice_area_path), the newest found by question_asked."""
    questions = Question.objects.filter(notice__published_at__isnull=False)
    if area.kind == AreaKind.VILLAGE:
        return questions.filter(notice__village_id=area.pk)
    return questions.filter(notice__area_path__startswith=area.path)


_CASE_ROW = ("pk", "submitted_at", "channel", "item__name_zh", "item__name_en", "village__name", "village__name_en")
# Which item was asked about, and where; never who asked, nor what.
_QUESTION_ROW = ("pk", "asked_at", "notice__current__title", "notice__village__name", "notice__village__name_en")


def _case_item(r: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    return {
        "id": f"c{r['pk']}",
        "kind": "case",
        "time": _clock(r["submitted_at"], today),
        "village": _name(r, "village"),
        "item": _name(r, "item", "name_zh", "name_en"),
        "channel": str(dict(Channel.choices).get(r["channel"], r["channel"])),
    }


def _question_item(r: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    return {
        "id": f"q{r['pk']}",
        "kind": "question",
        "time": _clock(r["asked_at"], today),
        "village": _name(r, "notice__village"),
        "item": _shorter(r["notice__current__title"] or "", TITLE_CHARS),
        "channel": pgettext("screen", "Question"),
    }


@dataclass(frozen=True)
class _Read:
    """A row read for the stream: its stream id ("c12", "q3"), its time, and how it shows."""

    key: str
    at: dt.datetime
    row: Mapping[str, Any]
    item: Callable[[Mapping[str, Any], dt.date], dict[str, Any]]


def _read(area: Area, since: dt.datetime) -> list[list[_Read]]:
    """Each kind's newest rows after `since`, at most FETCH_LIMIT of each: one query a kind."""
    cases = cases_in(area).filter(submitted_at__gt=since).order_by("-submitted_at", "-pk")
    questions = questions_in(area).filter(asked_at__gt=since).order_by("-asked_at", "-pk")
    return [
        [_Read(f"c{r['pk']}", r["submitted_at"], r, _case_item) for r in cases.values(*_CASE_ROW)[:FETCH_LIMIT]],
        [_Read(f"q{r['pk']}", r["asked_at"], r, _question_item)
         for r in questions.values(*_QUESTION_ROW)[:FETCH_LIMIT]],
    ]


def new_events(area: Area, cursor: Cursor | None, *, now: dt.datetime) -> tuple[list[dict[str, Any]], Cursor]:
    """Cases filed and questions asked in the area since the cursor (all of the last day's
    newest without one), newest first, at most STREAM_SIZE; and the cursor for the next poll.
    One query for each kind."""
    floor = now - STREAM_WINDOW
    since = max(cursor.since, floor) if cursor else floor
    fetches = _read(area, since)
    sent = cursor.sent if cursor else frozenset()
    # Newest first; rows of the same microsecond in a fixed order, as the fetches have them.
    read = sorted((r for rows in fetches for r in rows), key=lambda r: (r.at, _id_order(r.key)), reverse=True)
    today = timezone.localdate(now)
    items = [r.item(r.row, today) for r in read if r.key not in sent][:STREAM_SIZE]
    # The next poll looks OVERLAP back again, skipping what it finds here. After a burst that
    # filled a fetch, every row of that kind newer than its oldest row read was read: the
    # next poll starts from the newest such oldest row, so that both kinds were read in full
    # after it and none is sent twice (what the burst pushed out of a fetch is skipped).
    next_since = now - OVERLAP
    for rows in fetches:
        if len(rows) == FETCH_LIMIT:
            next_since = max(next_since, rows[-1].at)
    return items, Cursor(next_since, frozenset(r.key for r in read if r.at > next_since))


def _rate(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def _stars(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _numbers(area: Area, today: dt.date) -> dict[str, Any]:
    day = AreaDay.objects.filter(area=area, day=today).values(*COUNTERS).first()
    figures = metrics.Figures.from_row(day or {})
    month = metrics.figures(area, today.replace(day=1), today)
    standing = metrics.standing(area)
    run = (
        RollupRun.objects.filter(kind=RollupKind.DAYS, first_day__lte=today, last_day__gte=today)
        .order_by("-started_at").first()
    )
    tz = timezone.get_current_timezone()
    midnight = dt.datetime.combine(today, dt.time.min).replace(tzinfo=tz)
    # Cases filed since the rollup began reading (it records when it finished and how long
    # it took) are not in today's row yet: counted here over a few minutes of the index.
    cutoff = max(midnight, run.started_at - dt.timedelta(seconds=run.seconds)) if run else midnight
    since_rollup = cases_in(area).filter(submitted_at__gte=cutoff).count()
    as_of = run.started_at if run else standing.updated_at
    return {
        "received": figures.received + since_rollup,
        "done": figures.done,
        "on_time_rate": _rate(figures.on_time_rate),
        "satisfaction": _stars(figures.satisfaction),
        "on_time_rate_month": _rate(month.on_time_rate),
        "satisfaction_month": _stars(month.satisfaction),
        "open": standing.open_cases,
        "overdue": standing.overdue_cases,
        "as_of": f"{timezone.localtime(as_of):%H:%M}" if as_of else "",
    }


def numbers(area: Area, today: dt.date) -> dict[str, Any]:
    """Today's figures of the area; at most NUMBERS_SECONDS old."""
    return cached_aggregate(f"screen:{area.pk}:numbers:{today}", NUMBERS_SECONDS, lambda: _numbers(area, today))


def _overdue(area: Area, today: dt.date) -> list[dict[str, Any]]:
    rows = (
        # By path at every level: the running-deadline index (area_path, state, due_on) finds a
        # village's few overdue cases, and the city's oldest come first from case_running_due.
        # Ordered by due_on alone: a tie-break on id would sort every case due that same day.
        Case.objects.filter(area_path__startswith=area.path).overdue(today).order_by("due_on")
        .values("pk", "due_on", "state", "item__name_zh", "item__name_en", "village__name", "village__name_en")
        [:OVERDUE_SIZE]
    )
    states = dict(State.choices)
    out = []
    for r in rows:
        if r["due_on"] is None:  # never: overdue means a due date has passed
            continue
        late = (today - r["due_on"]).days
        out.append({
            "id": r["pk"],
            "due": f"{r['due_on']:%m-%d}",
            "late": npgettext("screen", "%(n)d day late", "%(n)d days late", late) % {"n": late},
            "village": _name(r, "village"),
            "item": _name(r, "item", "name_zh", "name_en"),
            "state": str(states.get(r["state"], r["state"])),
        })
    return out


def overdue(area: Area, today: dt.date) -> list[dict[str, Any]]:
    """The area's most overdue running cases, oldest due first; at most OVERDUE_SECONDS old."""
    key = f"screen:{area.pk}:overdue:{today}:{get_language()}"
    return cached_aggregate(key, OVERDUE_SECONDS, lambda: _overdue(area, today))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _ranking(area: Area, today: dt.date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for child, figures, standing in metrics.by_child(area, today.replace(day=1), today):
        rows.append({
            "code": child.code,
            "name": child.display_name,
            "received": figures.received,
            "done": figures.done,
            "on_time_rate": _rate(figures.on_time_rate),
            "on_time": _percent(figures.on_time_rate),
            "satisfaction": "—" if figures.satisfaction is None else f"{figures.satisfaction:.1f}",
            "open": standing.open_cases if standing else 0,
            "overdue": standing.overdue_cases if standing else 0,
        })
    # Best on-time rate first; areas with nothing done yet after, the busiest first.
    rows.sort(key=lambda r: (r["on_time_rate"] is None, -(r["on_time_rate"] or 0), -r["received"], r["code"]))
    for n, row in enumerate(rows, 1):
        row["rank"] = n
    return rows


def _centre(area: Area) -> dict[str, Any] | None:
    centre = Centre.objects.filter(area=area).first()
    if centre is None:
        return None
    offered = set(centre.functions)
    met = set(centre.standards)
    return {
        "name": centre.name,
        "hotline": centre.hotline,
        "opening_hours": centre.opening_hours,
        "address": centre.address,
        "functions": [
            {"label": str(CentreFunction(f).label), "on": f in offered} for f in BASIC_FUNCTIONS
        ] + [
            {"label": str(CentreFunction(f).label), "on": True}
            for f in CentreFunction if f in offered and f not in BASIC_FUNCTIONS
        ],
        "standards": [{"label": str(CentreStandard(s).label), "on": s in met} for s in FOUR_HAVES],
    }


def _charts(area: Area, today: dt.date) -> dict[str, Any]:
    trend = metrics.trend(area, today - dt.timedelta(days=TREND_DAYS - 1), today)
    data: dict[str, Any] = {
        "trend": {
            "days": [f"{d:%m-%d}" for d, _ in trend],
            "received": [f.received for _, f in trend],
            "done": [f.done for _, f in trend],
        },
    }
    if area.kind == AreaKind.VILLAGE:
        data["centre"] = _centre(area)
    else:
        data["ranking"] = _ranking(area, today)
    data["version"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    return data


def charts(area: Area, today: dt.date) -> dict[str, Any]:
    """The trend, and the ranking of the child areas or the village's centre; a minute old at most."""
    key = f"screen:{area.pk}:charts:{today}:{get_language()}"
    return cached_aggregate(key, CHARTS_SECONDS, lambda: _charts(area, today))


def payload(
    area: Area, *, cursor: Cursor | None, charts_version: str = "", now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything a screen needs for one poll. The charts come only when they changed since
    the version the screen has, so most polls are a few hundred bytes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stream, following = new_events(area, cursor, now=now)
    chart_data = charts(area, today)
    data: dict[str, Any] = {
        "area": {"code": area.code, "name": area.display_name, "kind": area.kind},
        "clock": f"{timezone.localtime(now):%H:%M}",
        "now_ms": int(now.timestamp() * 1000),
        "numbers": numbers(area, today),
        "stream": stream,
        "cursor": following.encode(),
        "overdue": overdue(area, today),
        "charts_version": chart_data["version"],
    }
    if charts_version != chart_data["version"]:
        data["charts"] = chart_data
    return data
