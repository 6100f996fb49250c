"""Pages of the five helps: residents ask, volunteers take and finish tasks, staff enter calls and confirm.

Resident and volunteer pages are plain forms (no JavaScript needed); the staff
pages sit in the workbench beside the case desk.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind
from xiangli.front.access import run_action
from xiangli.front.forms import Form
from xiangli.front.views_desk import staff_required
from xiangli.people import scope
from xiangli.people.models import Resident, ResidentQuerySet

from . import pdfs, services
from .models import HelpKind, HelpTask, TaskChannel, TaskState, Volunteer

PAGE = 20


class AskForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("What do you need help with?"), choices=HelpKind.choices,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("Anything the volunteer should know (optional)"), required=False,
                           max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class DeskAskForm(AskForm):
    channel = forms.ChoiceField(label=gettext_lazy("Asked"), choices=[
        (TaskChannel.HEART_CARD, TaskChannel.HEART_CARD.label), (TaskChannel.WALK_IN, TaskChannel.WALK_IN.label),
    ], initial=TaskChannel.HEART_CARD)


class HoursForm(Form):
    hours = forms.DecimalField(label=gettext_lazy("Hours it took"), min_value=0, max_value=24,
                               decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.5",
                                                                                 "inputmode": "decimal"}))


def _resident(request: HttpRequest) -> Resident:
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    return resident  # type: ignore[no-any-return]




# --- residents -----------------------------------------------------------------------------------


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    """Ask for one of the five helps. The heart card's QR code opens this page."""
    resident = _resident(request)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        task = run_action(request, lambda: services.ask_for_help(
            by=request.user, resident=resident, kind=form.cleaned_data["kind"],  # type: ignore[arg-type]
            note=form.cleaned_data["note"],
        ))
        if task is not None:
            messages.success(request, _("Your request was sent. A volunteer of your village will come."))
            return redirect("volunteers:my_requests")
    return render(request, "volunteers/ask.html", {"form": form})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The help a resident asked for, newest first, with confirm and cancel buttons."""
    resident = _resident(request)
    tasks = list(HelpTask.objects.filter(resident=resident).select_related("volunteer__resident")
                 .order_by("-created_at", "-pk")[:PAGE])
    return render(request, "volunteers/my_requests.html", {"tasks": tasks})


@require_POST
@login_required
def request_step(request: HttpRequest, task_id: int) -> HttpResponse:
    resident = _resident(request)
    task = get_object_or_404(HelpTask, pk=task_id, resident=resident)
    action = request.POST.get("action")
    if action == "confirm":
        if run_action(request, lambda: services.confirm_task(task, by=request.user)):  # type: ignore[arg-type]
            messages.success(request, _("Thank you for confirming."))
    elif action == "cancel":
        if run_action(request, lambda: services.cancel_task(task, by=request.user)):  # type: ignore[arg-type]
            messages.success(request, _("Your request was cancelled."))
    return redirect("volunteers:my_requests")


# --- volunteers ----------------------------------------------------------------------------------


def _volunteer(request: HttpRequest) -> Volunteer:
    volunteer = services.volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """A volunteer's page: their own tasks in hand, then open tasks of the village, nearest first."""
    volunteer = _volunteer(request)
    mine = list(HelpTask.objects.filter(volunteer=volunteer, state__in=[TaskState.CLAIMED, TaskState.DONE])
                .select_related("resident", "grid").order_by("claimed_at", "pk"))
    open_tasks = list(HelpTask.objects.nearest_first(volunteer).select_related("resident", "grid")[:PAGE])
    return render(request, "volunteers/tasks.html", {
        "volunteer": volunteer, "open_tasks": open_tasks,
        # Each task in hand gets its own hours field: one id per field, so each label names its own.
        "mine": [(t, HoursForm(auto_id=f"task{t.pk}_%s")) for t in mine],
    })


@require_POST
@login_required
def task_step(request: HttpRequest, task_id: int) -> HttpResponse:
    volunteer = _volunteer(request)
    # Another village's task is not found: volunteers help in their own village.
    task = get_object_or_404(HelpTask, pk=task_id, village_id=volunteer.village_id)
    action = request.POST.get("action")
    by: Any = request.user
    if action == "claim":
        if run_action(request, lambda: services.claim_task(task, by=by)):
            messages.success(request, _("The task is yours. Please call or visit soon."))
    elif action == "release":
        if run_action(request, lambda: services.release_task(task, by=by)):
            messages.success(request, _("The task is open again for other volunteers."))
    elif action == "done":
        form = HoursForm(request.POST)
        hours = form.cleaned_data["hours"] if form.is_valid() else request.POST.get("hours", "")
        if run_action(request, lambda: services.finish_task(task, by=by, hours=hours)):
            messages.success(request, _("Marked done. Your hours count once it is confirmed."))
    return redirect("volunteers:tasks")


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """A volunteer's record: hours, tasks and points, and the tasks confirmed lately."""
    volunteer = _volunteer(request)
    done = list(HelpTask.objects.filter(volunteer=volunteer, state=TaskState.CONFIRMED)
                .order_by("-confirmed_at")[:PAGE])
    return render(request, "volunteers/record.html", {
        "volunteer": volunteer, "record": services.record_of(volunteer), "done": done,
    })


@login_required
def my_certificate(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer(request)
    return pdfs.pdf_response(pdfs.certificate(volunteer), f"volunteer-{volunteer.pk}.pdf")


# --- staff ---------------------------------------------------------------------------------------


def _desk_residents(user: Any) -> ResidentQuerySet:
    return Resident.objects.served_by(user, services.HELP_STAFF_ROLES)


def _desk_tasks(user: Any) -> Any:
    if getattr(user, "is_superuser", False):
        return HelpTask.objects.all()
    return HelpTask.objects.in_areas(scope.paths_for(user, services.HELP_STAFF_ROLES))


DESK_FILTERS = ["open", "claimed", "done", "confirmed", "cancelled"]


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    """Help tasks of the areas served: those waiting for confirmation first."""
    view = request.GET.get("view", "done")
    if view not in DESK_FILTERS:
        view = "done"
    rows = list(_desk_tasks(request.user).filter(state=view)
                .select_related("resident", "village", "volunteer__resident")
                .order_by("-created_at", "-pk")[:50])
    labels = dict(TaskState.choices)
    return render(request, "volunteers/desk.html", {
        "tasks": rows, "view": view, "filters": [(k, labels[k]) for k in DESK_FILTERS],
    })


@staff_required
def desk_find(request: HttpRequest) -> HttpResponse:
    """A call to the heart card: find the caller by name, pinyin initials, phone, ID or card number."""
    q = request.POST.get("q", "").strip() if request.method == "POST" else ""
    found: list[Resident] = []
    if q:
        residents = _desk_residents(request.user)
        card = q.upper().removeprefix("LX").strip("-")
        if card.isdigit() and len(card) <= 9:
            found = list(residents.filter(pk=int(card)).select_related("village", "grid"))
        if not found:
            found = list(residents.search(q).select_related("village", "grid")[:20])
    template = "volunteers/desk_find.html#results" if getattr(request, "htmx", False) else "volunteers/desk_find.html"
    return render(request, template, {"q": q, "found": found})


@staff_required
def desk_ask(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Enter a help task for a caller: one choice and one press."""
    resident = get_object_or_404(_desk_residents(request.user).select_related("village", "grid"), pk=resident_id)
    form = DeskAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = run_action(request, lambda: services.ask_for_help(
            by=request.user, resident=resident, kind=data["kind"], note=data["note"],  # type: ignore[arg-type]
            channel=data["channel"],
        ))
        if task is not None:
            messages.success(request, _("Help task entered for %(name)s.") % {"name": resident.name})
            return redirect("volunteers:desk_task", task_id=task.pk)
    volunteer = Volunteer.objects.filter(resident=resident, is_active=True).first()
    return render(request, "volunteers/desk_ask.html", {"resident": resident, "form": form,
                                                         "volunteer": volunteer})


@staff_required
def desk_task(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(_desk_tasks(request.user).select_related(
        "resident", "village", "grid", "volunteer__resident", "created_by", "confirmed_by"), pk=task_id)
    return render(request, "volunteers/desk_task.html", {
        "task": task, "can_confirm": task.state == TaskState.DONE and services.may_confirm(task, request.user),
    })


@require_POST
@staff_required
def desk_task_step(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(_desk_tasks(request.user), pk=task_id)
    by: Any = request.user
    action = request.POST.get("action")
    if action == "confirm":
        if run_action(request, lambda: services.confirm_task(task, by=by)):
            messages.success(request, _("Confirmed; the volunteer's hours and points are recorded."))
    elif action == "cancel" and run_action(request, lambda: services.cancel_task(task, by=by)):
        messages.success(request, _("The request was cancelled."))
    return redirect(request.POST.get("next") or reverse("volunteers:desk_task", args=[task.pk]))


@staff_required
def desk_volunteers(request: HttpRequest) -> HttpResponse:
    """Volunteers of the areas served, with their hours and points, and registration of new ones."""
    paths = scope.paths_for(request.user, services.HELP_STAFF_ROLES)
    volunteers = Volunteer.objects.select_related("resident", "village", "resident__points_account")
    if not request.user.is_superuser:
        from django.db.models import Q

        query = Q(pk__in=[])
        for p in paths:
            query |= Q(area_path__startswith=p)
        volunteers = volunteers.filter(query)
    q = request.POST.get("q", "").strip() if request.method == "POST" else ""
    found = list(_desk_residents(request.user).search(q).select_related("village")[:20]) if q else []
    return render(request, "volunteers/desk_volunteers.html", {
        "volunteers": list(volunteers.filter(is_active=True).order_by("village__path", "resident__name")[:200]),
        "q": q, "found": found, "villages": _villages(request.user),
    })


@require_POST
@staff_required
def desk_register(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = get_object_or_404(_desk_residents(request.user), pk=resident_id)
    if run_action(request, lambda: services.register_volunteer(resident, by=request.user)):  # type: ignore[arg-type]
        messages.success(request, _("%(name)s is now a volunteer.") % {"name": resident.name})
    return redirect("volunteers:desk_volunteers")


def _villages(user: Any) -> list[Area]:
    if getattr(user, "is_superuser", False):
        return list(Area.objects.villages()[:200])
    paths = scope.paths_for(user, services.HELP_STAFF_ROLES)
    if not paths:
        return []
    return list(Area.objects.under(*[Area(path=p) for p in paths]).filter(kind=AreaKind.VILLAGE)[:200])


@staff_required
def desk_certificate(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer.objects.select_related("resident", "village"), pk=volunteer_id)
    if not scope.serves(request.user, volunteer.area_path, services.HELP_STAFF_ROLES):
        raise Http404
    return pdfs.pdf_response(pdfs.certificate(volunteer), f"volunteer-{volunteer.pk}.pdf")


@staff_required
def heart_cards(request: HttpRequest, village_id: int) -> HttpResponse:
    """Heart cards (连心卡) of every elderly resident of the village who lives alone, ready to print."""
    village = get_object_or_404(Area, pk=village_id, kind=AreaKind.VILLAGE)
    if not scope.serves(request.user, village.path, services.HELP_STAFF_ROLES):
        raise Http404
    help_url = request.build_absolute_uri(reverse("volunteers:ask"))
    return pdfs.pdf_response(pdfs.heart_cards(village, help_url=help_url), f"heart-cards-{village.code}.pdf")
