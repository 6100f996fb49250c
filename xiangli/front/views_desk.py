"""The agent workbench: the queue, intake at the counter, a case and its steps."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.cases import services
from xiangli.cases.access import visible_case
from xiangli.cases.models import Case, CaseQuerySet, State
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.metrics.queries import standing_counts
from xiangli.ops.cache import cached_aggregate
from xiangli.people import scope
from xiangli.people.models import CASE_INTAKE_ROLES, CASE_READER_ROLES, Resident, ResidentQuerySet
from xiangli.people.services import register_resident, reveal
from xiangli.workdays.calendar import add_workdays

from .access import attempt
from .forms import IntakeForm, RatingForm, ResidentForm, RevealForm, StepForm

PAGE = 30


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope.is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _intake_residents(user: Any) -> ResidentQuerySet:
    return Resident.objects.served_by(user, CASE_INTAKE_ROLES)


QUEUE_FILTERS = ["open", "new", "overdue", "due_soon", "paused", "finished"]


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Open cases of the areas the user serves, most urgent first."""
    today = timezone.localdate()
    soon = add_workdays(today, settings.DUE_SOON_WORKING_DAYS)
    view = request.GET.get("view", "open")
    visible = Case.objects.visible_to(request.user)
    cases = visible
    if view == "new":
        cases = cases.filter(state=State.SUBMITTED)
    elif view == "overdue":
        cases = cases.overdue(today)
    elif view == "due_soon":
        cases = cases.due_soon(today, soon)
    elif view == "paused":
        cases = cases.filter(state=State.MATERIALS_PENDING)
    elif view == "finished":
        cases = cases.filter(state__in=[State.DONE, State.CLOSED, State.DECLINED, State.WITHDRAWN])
    else:
        view = "open"
    if view == "finished":
        cases = cases.select_related("resident", "item", "village").order_by("-submitted_at", "-pk")
    elif view == "new":
        cases = cases.new_queue()
    else:
        cases = cases.queue()
    offset = _offset(request)
    rows = list(cases[offset: offset + PAGE + 1])
    context = {
        "cases": rows[:PAGE], "next": offset + PAGE if len(rows) > PAGE else None,
        "view": view, "today": today, "soon": soon,
        **_counts(request.user, visible, today, soon),
        "filters": [
            ("open", _("Open")), ("new", _("New")), ("overdue", _("Overdue")), ("due_soon", _("Due soon")),
            ("paused", _("Materials pending")), ("finished", _("Finished")),
        ],
    }
    return render(request, "desk/queue.html", context)


# Township and above: "/city/county/township/" has four slashes.
WIDE_SCOPE_SLASHES = 4


def _counts(user: Any, visible: CaseQuerySet, today: dt.date, soon: dt.date) -> dict[str, int]:
    """The overdue and due-soon counts above the queue.

    Counted live for a village's staff, who act on them; for a township, county or
    city they would count hundreds of thousands of cases (1.5 s for a city of 5M), so
    they come from the metrics standing the tick refreshes every few minutes, or,
    when it is stale, are counted once a minute for everyone with the same scope.
    """
    def count() -> dict[str, int]:
        return {"overdue_count": visible.overdue(today).count(),
                "due_soon_count": visible.due_soon(today, soon).count()}

    paths = sorted(scope.paths_for(user, CASE_READER_ROLES))
    if paths and min(p.count("/") for p in paths) <= WIDE_SCOPE_SLASHES and not user.resident_id:
        standing = standing_counts(paths, now=timezone.now())
        if standing is not None:
            return standing
        return cached_aggregate(f"desk-counts:{today}:{soon}:{','.join(paths)}", 60, count)
    return count()


def _offset(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


@staff_required
def find_resident(request: HttpRequest) -> HttpResponse:
    """Step 1 of intake: find the resident by name, pinyin initials, phone or ID number.

    The search is posted, not put in the address, so ID numbers and phones never
    land in access logs or browser history.
    """
    q = request.POST.get("q", "").strip() if request.method == "POST" else ""
    found = list(_intake_residents(request.user).search(q).select_related("village", "grid")[:20]) if q else []
    template = "desk/find_resident.html#results" if request.htmx else "desk/find_resident.html"  # type: ignore[attr-defined]
    return render(request, template, {"q": q, "found": found})


def _item_choices(centre: Centre | None) -> list[tuple[str, str]]:
    if centre is None:
        return []
    items = ServiceItem.objects.offered_by(centre).order_by("category", "sort", "code")
    return [
        (i.code, f"{i.name} · {i.promised_days}")
        for i in items
        if i.proxy_allowed or i.level == HandlingLevel.VILLAGE
    ]


@staff_required
def new_case(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Step 2 of intake: the item, the channel, a note and photos; one press files it."""
    resident = get_object_or_404(_intake_residents(request.user).select_related("village"), pk=resident_id)
    centre = Centre.objects.filter(area_id=resident.village_id).first()
    choices = _item_choices(centre)
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, items=choices)
        if form.is_valid():
            item = ServiceItem.objects.get(code=form.cleaned_data["item"])
            data = form.cleaned_data
            case = attempt(form, lambda: services.create_case(
                by=request.user,  # type: ignore[arg-type]
                resident=resident,
                item=item,
                channel=data["channel"],
                description=data["description"],
                uploads=data["files"],
                idempotency_key=data["idempotency_key"],
            ), uploads="files")
            if case is not None:
                messages.success(request, _("Case %(n)s entered.") % {"n": case.number})
                return redirect("front:desk_case", case_id=case.pk)
    else:
        form = IntakeForm(items=choices, initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "desk/new_case.html", {"resident": resident, "form": form})


@staff_required
def new_resident(request: HttpRequest) -> HttpResponse:
    """Register a walk-in who is not on file yet, in the village the clerk serves."""
    villages = _intake_villages(request.user)
    village_id = request.POST.get("village") or request.GET.get("village") or (villages[0].pk if villages else "")
    village = next((v for v in villages if str(v.pk) == str(village_id)), None)
    grids = (
        [(str(g.pk), g.display_name) for g in Area.objects.filter(parent=village, kind=AreaKind.GRID)]
        if village
        else []
    )
    if request.method == "POST":
        form = ResidentForm(request.POST, grids=grids)
        if form.is_valid() and village is not None:
            data = form.cleaned_data
            grid = Area.objects.filter(pk=data["grid"]).first() if data["grid"] else None
            resident = attempt(form, lambda: register_resident(
                by=request.user,  # type: ignore[arg-type]
                name=data["name"], id_number=data["id_number"], phone=data["phone"],
                village=village, grid=grid, household=data["household"],
            ))
            if resident is not None:
                messages.success(request, _("%(name)s was registered.") % {"name": resident.name})
                return redirect("front:desk_new_case", resident_id=resident.pk)
        elif village is None:
            form.add_error(None, _("You do not serve a village where residents can be registered."))
    else:
        form = ResidentForm(grids=grids)
    return render(request, "desk/new_resident.html", {"form": form, "villages": villages, "village": village})


def _intake_villages(user: Any) -> list[Area]:
    paths = scope.paths_for(user, CASE_INTAKE_ROLES)
    if not paths:
        return []
    return list(Area.objects.under(*[Area(path=p) for p in paths]).villages()[:200])


@staff_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    actions = services.allowed_actions(case, request.user)  # type: ignore[arg-type]
    revealed = request.session.pop(f"revealed-{case.pk}", None)
    return render(request, "desk/case.html", {
        "case": case,
        "events": case.events.select_related("actor").order_by("at", "pk"),
        "attachments": case.attachments.order_by("pk"),
        "actions": [(a, services.TRANSITIONS[a]) for a in actions],
        "can_intake": scope.serves(request.user, case.area_path, CASE_INTAKE_ROLES),
        "rating_form": RatingForm(),
        "can_reveal": services.may_reveal(case, request.user),  # type: ignore[arg-type]
        "revealed": revealed,
        "today": timezone.localdate(),
        "reader": scope.serves(request.user, case.area_path, CASE_READER_ROLES),
    })


@require_POST
@staff_required
def case_step(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request.user, case_id)
    form = StepForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == "visit":
                services.record_visit(case, by=request.user, note=form.cleaned_data["note"])  # type: ignore[arg-type]
            elif action == "rate":
                rating = RatingForm(request.POST)
                if not rating.is_valid():
                    raise ValidationError(_("Please choose from 1 to 5 stars."))
                services.rate_case(case, by=request.user, stars=rating.cleaned_data["stars"],  # type: ignore[arg-type]
                                   comment=rating.cleaned_data["comment"])
            elif action == "attach":
                services.add_attachments(case, by=request.user, uploads=request.FILES.getlist("files"))  # type: ignore[arg-type]
            else:
                services.transition(case, action, by=request.user, note=form.cleaned_data["note"])  # type: ignore[arg-type]
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    return redirect("front:desk_case", case_id=case.pk)


@require_POST
@staff_required
def case_reveal(request: HttpRequest, case_id: int) -> HttpResponse:
    """Show the full ID number or phone once, after the clerk gives a reason; logged."""
    case = visible_case(request.user, case_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why you need the full value."))
        return redirect("front:desk_case", case_id=case.pk)
    try:
        value = reveal(case.resident, field=form.cleaned_data["field"], by=request.user,  # type: ignore[arg-type]
                       reason=form.cleaned_data["reason"], ip=request.META.get("REMOTE_ADDR"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        request.session[f"revealed-{case.pk}"] = {"field": form.cleaned_data["field"], "value": value}
    return redirect("front:desk_case", case_id=case.pk)
