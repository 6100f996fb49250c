"""Star ratings and rankings for staff: the centres of a township, county or city ranked for a
quarter, and one centre's rating with every part, so a village knows why it has its stars."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiangli.areas.models import Area, AreaKind
from xiangli.metrics import access, periods
from xiangli.metrics.periods import Period

from . import queries, services
from .models import PART_LABELS, RatingRound


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a member of staff's ratings start: their area's ranking, or their own centre."""
    area = access.home_area(request.user)
    if area is None:
        raise Http404
    if area.kind == AreaKind.VILLAGE:
        return redirect("ratings:centre", code=area.code)
    return redirect("ratings:ranking", code=area.code)


def _quarter(request: HttpRequest, latest: RatingRound | None) -> tuple[Period, str]:
    """The quarter asked for, else the latest rated one; with the reason when the one asked for
    cannot be shown (the latest is shown instead)."""
    today = timezone.localdate()
    fallback = periods.parse(latest.quarter, today=today) if latest else periods.quarter(today)
    asked = request.GET.get("quarter")
    if not asked:
        return fallback, ""
    try:
        return services.quarter_period(asked, today=today), ""
    except ValidationError as bad:
        return fallback, " ".join(bad.messages)


def _ancestors(user: Any, place: Area) -> list[Area]:
    """The areas above that the user may see, for the way back up."""
    above = Area.objects.filter(code__in=place.ancestor_codes()[:-1]).order_by("depth")
    return [a for a in above if access.may_see(user, a)]


@login_required
def ranking(request: HttpRequest, code: str) -> HttpResponse:
    place = access.area_for(request.user, code)
    if place.kind == AreaKind.VILLAGE:
        return redirect(reverse("ratings:centre", args=[place.code]) + _keep_quarter(request))
    rounds = queries.rounds()
    period, error = _quarter(request, rounds[0] if rounds else None)
    result = queries.ranking(place, period, request.GET.get("page"))
    # One reverse() for the hundred links of a page.
    link = reverse("ratings:centre", args=["__code__"])
    for row in result.rows:
        row.url = f"{link.replace('__code__', row.rating.area.code)}?quarter={period.code}"
    chart = {
        "title": _("Centres by stars"),
        "labels": [_star_label(stars) for stars, _n in result.histogram],
        "counts": [n for _stars, n in result.histogram],
    }
    return render(request, "ratings/ranking.html", {
        "area": place, "ancestors": _ancestors(request.user, place), "period": period, "error": error,
        "rounds": rounds, "ranking": result, "chart": chart,
        "main_labels": [PART_LABELS[key] for key in queries.MAIN_PARTS],
        "level_name": {"township": _("township"), "county": _("county"), "city": _("city")}[result.level],
    })


@login_required
def centre(request: HttpRequest, code: str) -> HttpResponse:
    village = access.area_for(request.user, code)
    if village.kind != AreaKind.VILLAGE:
        raise Http404
    rounds = queries.rounds()
    period, error = _quarter(request, rounds[0] if rounds else None)
    result = queries.centre(village, period)
    chart = {
        "title": _("Score by quarter"),
        "quarters": [r.quarter for r in result.history],
        "scores": [float(r.score) for r in result.history],
        "stars": [r.stars for r in result.history],
        "score_label": _("Score"),
        "stars_label": _("Stars"),
    }
    return render(request, "ratings/centre.html", {
        "village": village, "ancestors": _ancestors(request.user, village), "period": period, "error": error,
        "rounds": rounds, "result": result, "rating": result.rating, "chart": chart,
        "level_names": {"township": _("In the township"), "county": _("In the county"), "city": _("In the city")},
    })


def _keep_quarter(request: HttpRequest) -> str:
    asked = request.GET.get("quarter", "")
    return f"?quarter={asked}" if asked and services.QUARTER_CODE.fullmatch(asked) else ""


def _star_label(stars: int) -> str:
    if not stars:
        return _("No stars")
    return ngettext("%(n)s star", "%(n)s stars", stars) % {"n": stars}
