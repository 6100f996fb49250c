"""Sampling pages: residents nominate and support, the regulator plans and records, everyone reads results."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind
from xiangli.front.access import attempt
from xiangli.people.models import Resident

from . import services
from .forms import BatchForm, EventForm, NominationForm
from .models import Batch, Nomination, NominationState, Result, SamplingEvent, Support, regulator_paths

PAGE = 50


def _refused(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Nominations of the resident's township, most supported first, with a support button each."""
    # The village, township and county in the same query as the resident.
    resident = Resident.objects.select_related("village__parent__parent").filter(
        pk=getattr(request.user, "resident_id", None) or 0).first()
    township = services.township_of(resident) if resident is not None else None
    nominations: list[Nomination] = []
    supported: set[int] = set()
    recent: list[Nomination] = []
    if township is not None:
        nominations = list(Nomination.objects.filter(area=township, state=NominationState.OPEN)
                           .order_by("-supports", "created_at", "pk")[:PAGE])
        supported = set(Support.objects.filter(user_id=request.user.pk or 0, nomination__in=nominations)
                        .values_list("nomination_id", flat=True))
        recent = list(Nomination.objects.filter(area=township).exclude(state=NominationState.OPEN)
                      .order_by("-created_at", "-pk")[:10])
    return render(request, "sampling/home.html", {
        "township": township, "nominations": nominations, "supported": supported, "recent": recent,
        "county": township.parent if township is not None else None,
    })


@login_required
def nominate(request: HttpRequest) -> HttpResponse:
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, lambda: services.nominate(
            by=request.user, item=data["item"], stall=data["stall"], reason=data["reason"]))  # type: ignore[arg-type]
        if done is not None:
            messages.success(request, _("Thank you. Your neighbours can now support your nomination."))
            return redirect("sampling:home")
    return render(request, "sampling/nominate.html", {"form": form})


@require_POST
@login_required
def support(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = Nomination.objects.filter(pk=nomination_id).first()
    # Another township's nomination does not exist for this resident.
    if nomination is None or not services.may_support(nomination, request.user):
        raise Http404
    try:
        services.support(nomination, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your support was counted."))
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("sampling:home")


# -- public results ------------------------------------------------------------------------


def _county_path(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/"


def results(request: HttpRequest) -> HttpResponse:
    """Every county's sampling this year and last, from one aggregate query."""
    year = timezone.localdate().year
    rows = (
        Batch.objects.filter(sampled_on__year__gte=year - 1)
        .annotate(year=ExtractYear("sampled_on"))
        .values("area_path", "year")
        .annotate(events=Count("event_id", distinct=True), batches=Count("pk"),
                  passed=Count("pk", filter=Q(result=Result.PASS)))
    )
    # An event belongs to one area, so events add up across a county's townships.
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        t = totals[(_county_path(r["area_path"]), r["year"])]
        t[0] += r["events"]
        t[1] += r["batches"]
        t[2] += r["passed"]
    counties = []
    for county in Area.objects.filter(kind=AreaKind.COUNTY).select_related("parent").order_by("path"):
        figures = {y: services.YearTotals(y, *totals[(county.path, y)]) for y in (year, year - 1)
                   if (county.path, y) in totals}
        counties.append((county, figures.get(year), figures.get(year - 1)))
    return render(request, "sampling/results.html", {"counties": counties, "year": year})


def area_results(request: HttpRequest, code: str) -> HttpResponse:
    """One area's published results: totals per year, and the batches, failures first."""
    area = Area.objects.filter(code=code, kind__in=[AreaKind.CITY, AreaKind.COUNTY, AreaKind.TOWNSHIP]).first()
    if area is None:
        raise Http404
    batches = Batch.objects.in_area(area)
    totals = services.yearly_totals(batches)
    year_param = request.GET.get("year", "")
    shown = batches
    if year_param.isdigit() and len(year_param) == 4:
        shown = shown.filter(sampled_on__year=int(year_param))
    if request.GET.get("result") == Result.FAIL:
        shown = shown.filter(result=Result.FAIL)
    rows = list(shown.select_related("event__area").order_by("-sampled_on", "-pk")[:PAGE])
    return render(request, "sampling/area_results.html", {
        "area": area, "totals": totals, "batches": rows, "year": year_param,
        "failed_only": request.GET.get("result") == Result.FAIL,
    })


# -- the regulator -------------------------------------------------------------------------


def _regulator(request: HttpRequest) -> None:
    if not request.user.is_authenticated or not (request.user.is_superuser or regulator_paths(request.user)):
        raise Http404


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The ranking of open nominations in the regulator's areas, and planning an event from it."""
    _regulator(request)
    areas = services.regulated_areas(request.user)
    form = EventForm(request.POST or None)
    form.fields["area"].choices = [(a.pk, a.display_name) for a in areas]  # type: ignore[attr-defined]
    ranking = list(Nomination.objects.regulated_by(request.user).filter(state=NominationState.OPEN)
                   .select_related("area").order_by("-supports", "created_at", "pk")[:PAGE])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = next((a for a in areas if a.pk == data["area"]), None)
        picked = [int(v) for v in request.POST.getlist("nominations") if v.isdigit()]
        chosen = list(Nomination.objects.regulated_by(request.user).filter(pk__in=picked))
        if area is None:
            form.add_error("area", _("Please choose an area you regulate."))
        else:
            event = attempt(form, lambda: services.schedule(
                by=request.user, area=area, title=data["title"], planned_on=data["planned_on"],  # type: ignore[arg-type]
                nominations=chosen))
            if event is not None:
                messages.success(request, _("The sampling event was planned."))
                return redirect("sampling:event", event_id=event.pk)
    events = list(SamplingEvent.objects.regulated_by(request.user).select_related("area")
                  .annotate(n_batches=Count("batches", distinct=True),
                            n_failed=Count("batches", filter=Q(batches__result=Result.FAIL), distinct=True))
                  .order_by("-planned_on", "-pk")[:20])
    return render(request, "sampling/desk.html", {"ranking": ranking, "form": form, "events": events})


@login_required
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    """One sampling event: its nominations and batches, and recording a batch's result."""
    _regulator(request)
    ev = SamplingEvent.objects.regulated_by(request.user).select_related("area").filter(pk=event_id).first()
    if ev is None:
        raise Http404
    nominations = list(ev.nominations.order_by("-supports", "pk"))
    form = BatchForm(request.POST or None, initial={"sampled_on": timezone.localdate()})
    form.fields["nomination"].choices = [("", "—"), *[(n.pk, str(n)) for n in nominations]]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        nomination = next((n for n in nominations if n.pk == data["nomination"]), None)
        batch = attempt(form, lambda: services.record_batch(
            ev, by=request.user, item=data["item"], seller=data["seller"],  # type: ignore[arg-type]
            sampled_on=data["sampled_on"], lab=data["lab"], result=data["result"],
            failing_indicator=data["failing_indicator"], nomination=nomination))
        if batch is not None:
            messages.success(request, _("The result was recorded and published."))
            return redirect("sampling:event", event_id=ev.pk)
    return render(request, "sampling/event.html", {
        "event": ev, "nominations": nominations, "form": form,
        "batches": ev.batches.order_by("-sampled_on", "-pk"),
    })
