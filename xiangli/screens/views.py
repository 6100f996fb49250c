"""Big screens: the page (server-rendered, so it shows the figures without JavaScript), its
JSON polled every few seconds, and the screen links that show one area on a wall TV.

The stream of new cases and residents' questions is read from the primary (a replica's lag
would delay it past the five seconds a screen promises); the cached figures come from the
replica when there is one (xiangli.ops.cache.cached_aggregate)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind
from xiangli.front.access import attempt
from xiangli.metrics import access
from xiangli.people.models import User

from . import queries, services
from .forms import LinkForm
from .models import ScreenLink

# The screen is one page on a wall: these headers keep a link's address out of other sites' logs
# and out of search engines.
LINK_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _labels() -> dict[str, str]:
    """The words screen.js shows, in the page's language (the script has none of its own)."""
    return {
        "received": pgettext("screen", "Received"),
        "done": pgettext("screen", "Done"),
        "on_time_rate": pgettext("screen", "On-time rate this month"),
        "this_month": pgettext("screen", "This month: %s"),
        "reconnecting": pgettext("screen", "Reconnecting…"),
        "no_cases": pgettext("screen", "No new cases or questions in the last 24 hours."),
        "no_overdue": pgettext("screen", "No overdue cases."),
        "as_of": pgettext("screen", "Figures as of %s"),
    }


def shown(numbers: dict[str, Any], labels: dict[str, str]) -> dict[str, str]:
    """Today's numbers as the tiles show them; screen.js formats the polled ones the same way."""
    def rate(v: int | None) -> str:
        return "—" if v is None else f"{v}%"

    def stars(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    return {
        "received": str(numbers["received"]),
        "done": str(numbers["done"]),
        "on_time_rate": rate(numbers["on_time_rate"]),
        "satisfaction": stars(numbers["satisfaction"]),
        "on_time_rate_month": labels["this_month"] % rate(numbers["on_time_rate_month"]),
        "satisfaction_month": labels["this_month"] % stars(numbers["satisfaction_month"]),
        "open": str(numbers["open"]),
        "overdue": str(numbers["overdue"]),
        "as_of": labels["as_of"] % numbers["as_of"] if numbers["as_of"] else "",
    }


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def _parent(request: HttpRequest, area: Area) -> Area | None:
    """The area above, when the viewer may see its screen too (the way back up a drill-down)."""
    if area.parent_id is None:
        return None
    parent = Area.objects.filter(pk=area.parent_id).first()
    return parent if parent is not None and access.may_see(request.user, parent) else None


def _render(request: HttpRequest, area: Area, *, data_url: str, link: ScreenLink | None) -> HttpResponse:
    data = queries.payload(area, cursor=None)
    charts = data["charts"]
    labels = _labels()
    trend = charts["trend"]
    context: dict[str, Any] = {
        "area": area,
        "is_village": area.kind == AreaKind.VILLAGE,
        "child_kind": _child_kind_label(area),
        "data": data,
        "shown": shown(data["numbers"], labels),
        "trend_rows": list(zip(trend["days"], trend["received"], trend["done"], strict=True)),
        "charts": charts,
        "data_url": data_url,
        "drill": "" if link else reverse("screens:screen", args=["-"]).removesuffix("-/"),
        "link": link,
        "parent": None if link else _parent(request, area),
        "may_manage": link is None and services.may_manage(request.user, area),
        "labels": labels,
    }
    return render(request, "screens/screen.html", context)


def _child_kind_label(area: Area) -> str:
    kind = {AreaKind.CITY: AreaKind.COUNTY, AreaKind.COUNTY: AreaKind.TOWNSHIP,
            AreaKind.TOWNSHIP: AreaKind.VILLAGE}.get(AreaKind(area.kind))
    return str(kind.label) if kind else ""


def _data(request: HttpRequest, area: Area) -> JsonResponse:
    after = request.GET.get("after")
    try:
        cursor = queries.Cursor.parse(after) if after is not None else None
    except ValidationError as exc:
        return _error(400, "bad_cursor", exc.messages[0])
    response = JsonResponse(queries.payload(area, cursor=cursor, charts_version=request.GET.get("charts", "")))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The screen of the widest area the user may see."""
    area = access.home_area(request.user)
    if area is None:
        raise Http404
    return redirect("screens:screen", code=area.code)


@login_required
def screen(request: HttpRequest, code: str) -> HttpResponse:
    area = access.area_for(request.user, code)
    return _render(request, area, data_url=reverse("screens:data", args=[area.code]), link=None)


def data(request: HttpRequest, code: str) -> JsonResponse:
    """The screen's figures since its cursor. JSON errors, so the page knows what happened."""
    if not request.user.is_authenticated:
        return _error(401, "not_logged_in", pgettext("screen", "Please log in again."))
    try:
        area = access.area_for(request.user, code)
    except Http404:
        return _error(404, "not_found", pgettext("screen", "There is no such screen, or it is not yours to see."))
    return _data(request, area)


def link_screen(request: HttpRequest, token: str) -> HttpResponse:
    """A screen link: the area's screen for whoever has the address, read-only, no drill-down."""
    link = services.find_link(token)
    if link is None:
        raise Http404
    with translation.override(link.language):
        response = _render(request, link.area, data_url=reverse("screens:link_data", args=[token]), link=link)
    for name, value in LINK_HEADERS.items():
        response[name] = value
    return response


def link_data(request: HttpRequest, token: str) -> JsonResponse:
    link = services.find_link(token)
    if link is None:
        return _error(404, "not_found", pgettext("screen", "This screen link was revoked or has expired."))
    with translation.override(link.language):
        response = _data(request, link.area)
    for name, value in LINK_HEADERS.items():
        response[name] = value
    return response


@login_required
def links(request: HttpRequest, code: str) -> HttpResponse:
    """The area's screen links: create one for a wall TV, see which are in use, revoke."""
    area = access.area_for(request.user, code)
    if not services.may_manage(request.user, area):
        raise Http404
    form = LinkForm(request.POST or None)
    created: tuple[ScreenLink, str] | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = attempt(form, lambda: services.create_link(
            by=cast(User, request.user), area=area, name=d["name"], language=d["language"],
            valid_until=d["valid_until"],
        ))
        if result is not None:
            link, token = result
            # Shown once, here: only a hash of the token is kept.
            created = (link, request.build_absolute_uri(reverse("screens:link_screen", args=[token])))
            form = LinkForm()
    listed = (
        ScreenLink.objects.filter(area=area).select_related("created_by", "revoked_by").order_by("-created_at")[:100]
    )
    return render(request, "screens/links.html", {
        "area": area, "form": form, "links": listed, "created": created, "now": timezone.now(),
    })


@login_required
@require_POST
def revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = ScreenLink.objects.select_related("area").filter(pk=link_id).first()
    if link is None or not services.may_manage(request.user, link.area):
        raise Http404
    services.revoke_link(link, by=cast(User, request.user))
    messages.success(request, pgettext("screen", "The link “%(name)s” no longer works.") % {"name": link.name})
    return redirect("screens:links", code=link.area.code)
