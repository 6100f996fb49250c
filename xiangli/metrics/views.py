"""The supervisors' figures: any area they serve, any period, with trends and the areas below."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area

from . import access, periods, queries

# Periods longer than this are charted by month rather than by day.
DAILY_UP_TO = 92


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("front:login")
    area = access.home_area(request.user)
    if area is None:
        raise Http404
    return redirect("metrics:area", code=area.code)


def _choices(today: dt.date) -> list[tuple[str, str]]:
    this_month, this_quarter = periods.month(today), periods.quarter(today)
    return [
        (this_month.code, _("This month")),
        (this_month.previous().code, _("Last month")),
        (this_quarter.code, _("This quarter")),
        (this_quarter.previous().code, _("Last quarter")),
        (str(today.year), _("This year")),
    ]


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return now - before


@login_required
def area(request: HttpRequest, code: str) -> HttpResponse:
    place = access.area_for(request.user, code)
    today = timezone.localdate()
    error = ""
    try:
        period = periods.parse(request.GET.get("period") or periods.month(today).code, today=today)
    except ValidationError as bad:
        error = " ".join(bad.messages)
        period = periods.month(today)
    shown = period.until(today)
    before = period.previous()
    figures = queries.figures(place, shown.first, shown.last)
    earlier = queries.figures(place, before.first, before.last)
    monthly = shown.days > DAILY_UP_TO
    trend = queries.trend(place, shown.first, shown.last, monthly=monthly)
    rows = queries.by_child(place, shown.first, shown.last)
    standing = queries.standing(place)
    chart: dict[str, Any] = {
        "labels": {"received": _("Received"), "done": _("Done"), "on_time": _("On-time rate (%)")},
        "days": [(f"{d:%Y-%m}" if monthly else f"{d:%m-%d}") for d, _f in trend],
        "received": [f.received for _d, f in trend],
        "done": [f.done for _d, f in trend],
        "children": [a.display_name for a, _f, _s in rows],
        "on_time": [round(f.on_time_rate * 100, 1) if f.on_time_rate is not None else None for _a, f, _s in rows],
    }
    return render(request, "metrics/area.html", {
        "area": place,
        "ancestors": _ancestors(request.user, place),
        "period": period,
        "shown": shown,
        "before": before,
        "error": error,
        "choices": _choices(today),
        "figures": figures,
        "earlier": earlier,
        "changes": {
            "on_time_rate": _change(figures.on_time_rate, earlier.on_time_rate),
            "satisfaction": _change(figures.satisfaction, earlier.satisfaction),
            "received": figures.received - earlier.received,
        },
        "standing": standing,
        "trend": trend,
        "monthly": monthly,
        "rows": rows,
        "chart": chart,
        "last_rollup": queries.last_rollup(),
        "child_links": bool(rows),
    })


def _ancestors(user: Any, place: Area) -> list[Area]:
    """The areas above, as far up as the user may see, for the way back up."""
    codes = place.ancestor_codes()[:-1]
    above = Area.objects.filter(code__in=codes).order_by("depth")
    return [a for a in above if access.may_see(user, a)]
