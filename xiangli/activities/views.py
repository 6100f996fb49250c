"""Pages: the public weekly preview (page, poster, calendar), residents' sign-ups, and the staff desk.

Resident pages work without JavaScript: every action is a plain form post.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.access import centre_by_code
from xiangli.areas.models import Centre
from xiangli.front.access import attempt
from xiangli.front.views_desk import staff_required
from xiangli.people import scope
from xiangli.people.models import Resident, Role

from . import ical, poster, queries, services
from .forms import ActivityForm, CheckInForm, PeriodForm, VolunteerForm
from .models import Activity, Signup, SignupStatus

PAGE = 30


def _refusal(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
        messages.error(request, message)


# --- public: the weekly preview --------------------------------------------------------


def week(request: HttpRequest, code: str) -> HttpResponse:
    """一周活动预告: the centre's activities of one week, day by day."""
    centre = centre_by_code(code)
    monday = queries.parse_week(request.GET.get("week"))
    return render(request, "activities/week.html", {
        "centre": centre, "monday": monday, "days": queries.week_programme(centre, monday),
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "sunday": monday + dt.timedelta(days=6),
    })


def week_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The same week as an A4 poster for the notice board."""
    centre = centre_by_code(code)
    monday = queries.parse_week(request.GET.get("week"))
    url = request.build_absolute_uri(reverse("activities:week", args=[code]))
    body = poster.week_poster(centre, monday, queries.week_programme(centre, monday), url)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="activities-{code}-{monday:%Y-%m-%d}.pdf"'
    return response


def week_ics(request: HttpRequest, code: str) -> HttpResponse:
    """The centre's activities as a calendar to subscribe to."""
    centre = centre_by_code(code)
    start, end = ical.feed_window(timezone.now())
    body = ical.centre_calendar(
        centre, queries.between(centre, start, end),
        url_for=lambda a: request.build_absolute_uri(reverse("activities:detail", args=[a.pk])),
        host=request.get_host(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="activities-{code}.ics"'
    return response


def detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    """One activity, with its places left and the sign-up button."""
    activity = get_object_or_404(
        Activity.objects.select_related("centre__area", "room").annotate(
            taken=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED))),
        pk=activity_id,
    )
    resident_id = getattr(request.user, "resident_id", None)
    mine = Signup.objects.filter(activity=activity, resident_id=resident_id).first() if resident_id else None
    return render(request, "activities/detail.html", {
        "activity": activity, "mine": mine, "left": max(activity.capacity - activity.taken, 0),  # type: ignore[attr-defined]
        "open": activity.cancelled_at is None and timezone.now() < activity.start,
        "is_resident": bool(resident_id),
    })


# --- residents: their own sign-ups -----------------------------------------------------


@login_required
@require_POST
def signup(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("centre__area"), pk=activity_id)
    resident_id = getattr(request.user, "resident_id", None)
    resident = Resident.objects.filter(pk=resident_id).first() if resident_id else None
    if resident is None:
        messages.error(request, _("Only residents can sign up here. Staff sign residents up at the desk."))
        return redirect("activities:detail", activity_id=activity.pk)
    try:
        made = services.sign_up(activity, by=request.user, resident=resident)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
        return redirect("activities:detail", activity_id=activity.pk)
    if made.status == SignupStatus.CONFIRMED:
        messages.success(request, _("You have a place. Show the code on “My activities” at the door."))
    else:
        messages.success(request, _("The activity is full; you are on the waiting list and will be told "
                                    "if a place comes free."))
    return redirect("activities:mine")


@login_required
@require_POST
def withdraw(request: HttpRequest, activity_id: int) -> HttpResponse:
    resident_id = getattr(request.user, "resident_id", None)
    mine = get_object_or_404(Signup.objects.select_related("activity__centre__area"),
                             activity_id=activity_id, resident_id=resident_id)
    try:
        services.cancel_signup(mine, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your sign-up was cancelled."))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return redirect("activities:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The resident's sign-ups, each coming one with the QR code to show at the door."""
    resident_id = getattr(request.user, "resident_id", None)
    now = timezone.now()
    rows = list(
        Signup.objects.filter(resident_id=resident_id, activity__end__gte=now - dt.timedelta(days=30))
        .exclude(status=SignupStatus.CANCELLED).select_related("activity__room", "activity__centre")
        .order_by("activity__start")[:PAGE]
    ) if resident_id else []
    cards = []
    for s in rows:
        coming = s.activity.end >= now and s.status == SignupStatus.CONFIRMED and not s.checked_in_at
        qr = segno.make(services.signup_token(s), error="m").svg_inline(scale=5, border=2) if coming else ""
        cards.append({"signup": s, "qr": qr, "coming": s.activity.start > now})
    return render(request, "activities/mine.html", {"cards": cards})


# --- staff: the desk ---------------------------------------------------------------------


def _served_centres(user: Any) -> Any:
    qs = Centre.objects.select_related("area").order_by("area__path")
    if getattr(user, "is_superuser", False):
        return qs
    paths = scope.paths_for(user, services.ORGANISER_ROLES)
    query = Q(pk__in=[])
    for p in paths:
        query |= Q(area__path__startswith=p)
    return qs.filter(query)


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    """Coming (or past) activities of the areas the user serves, with places and attendance."""
    past = request.GET.get("view") == "past"
    now = timezone.now()
    qs = queries.staff_activities(request.user).select_related("centre", "room").annotate(
        taken=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
    )
    qs = qs.filter(end__lt=now).order_by("-start", "-pk") if past else qs.filter(end__gte=now).order_by("start", "pk")
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        offset = 0
    rows = list(qs[offset: offset + PAGE + 1])
    return render(request, "activities/desk.html", {
        "activities": rows[:PAGE], "next": offset + PAGE if len(rows) > PAGE else None, "past": past,
        "may_create": getattr(request.user, "is_superuser", False)
        or scope.has_role(request.user, services.ORGANISER_ROLES),
    })


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    centres = _served_centres(request.user)
    if not centres.exists():
        raise Http404
    form = ActivityForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = attempt(form, lambda: services.create_activity(
            by=request.user, centre=d["centre"], title=d["title"], kind=d["kind"],  # type: ignore[arg-type]
            start=d["start"], end=d["end"], capacity=d["capacity"], room=d["room"], place=d["place"],
            organiser=d["organiser"], organiser_kind=d["organiser_kind"], audience=d["audience"],
            description=d["description"],
        ))
        if made is not None:
            messages.success(request, _("The activity is on the programme."))
            return redirect("activities:manage", activity_id=made.pk)
    return render(request, "activities/new.html", {"form": form})


@staff_required
def manage(request: HttpRequest, activity_id: int) -> HttpResponse:
    """One activity at the desk and at the door: places, waiting list, check-in, volunteers."""
    activity = queries.visible_activity(request.user, activity_id)
    signups = list(activity.signups.select_related("resident").order_by("status", "queued_at", "pk"))
    q = request.GET.get("q", "").strip()
    found = list(Resident.objects.served_by(request.user, services.DOOR_ROLES).search(q)
                 .select_related("village")[:10]) if q else []
    return render(request, "activities/manage.html", {
        "activity": activity, "q": q, "found": found,
        "confirmed": [s for s in signups if s.status == SignupStatus.CONFIRMED],
        "waiting": [s for s in signups if s.status == SignupStatus.WAITING],
        "came": [s for s in signups if s.checked_in_at],
        "volunteers": list(activity.volunteers.select_related("volunteer")),
        "checkin_form": CheckInForm(), "volunteer_form": VolunteerForm(),
        "may_organise": services.may_organise(request.user, activity.centre),  # type: ignore[arg-type]
        "may_check_in": services.may_check_in(request.user, activity),  # type: ignore[arg-type]
    })


def _resident_for(request: HttpRequest, roles: set[Role]) -> Resident | None:
    try:
        pk = int(request.POST.get("resident") or 0)
    except ValueError:
        return None
    return Resident.objects.served_by(request.user, roles).filter(pk=pk).first() if pk else None


@staff_required
@require_POST
def desk_signup(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = queries.visible_activity(request.user, activity_id)
    resident = _resident_for(request, services.ORGANISER_ROLES)
    if resident is None:
        messages.error(request, _("Choose the resident first."))
    else:
        try:
            made = services.sign_up(activity, by=request.user, resident=resident)  # type: ignore[arg-type]
            messages.success(request, _("%(name)s: %(status)s") % {"name": resident.name,
                                                                    "status": made.get_status_display()})
        except (ValidationError, PermissionDenied) as exc:
            _refusal(request, exc)
    return redirect("activities:manage", activity_id=activity.pk)


@staff_required
@require_POST
def desk_checkin(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Check-in at the door: a scanner types the code into the field, or staff pick a name."""
    activity = queries.visible_activity(request.user, activity_id)
    token = request.POST.get("token", "")
    resident = None if token.strip() else _resident_for(request, services.DOOR_ROLES)
    try:
        s = services.check_in(activity, by=request.user, token=token, resident=resident)  # type: ignore[arg-type]
        if s.walk_in:
            messages.warning(request, _("%(name)s checked in as a walk-in (no confirmed place).")
                             % {"name": s.resident.name})
        else:
            messages.success(request, _("%(name)s checked in.") % {"name": s.resident.name})
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return redirect("activities:manage", activity_id=activity.pk)


@staff_required
@require_POST
def desk_cancel_signup(request: HttpRequest, signup_id: int) -> HttpResponse:
    s = get_object_or_404(Signup, pk=signup_id)
    activity = queries.visible_activity(request.user, s.activity_id)
    s.activity = activity
    try:
        services.cancel_signup(s, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The sign-up was cancelled."))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return redirect("activities:manage", activity_id=activity.pk)


@staff_required
@require_POST
def desk_volunteer(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = queries.visible_activity(request.user, activity_id)
    form = VolunteerForm(request.POST)
    volunteer = None
    if form.is_valid():
        volunteer = Resident.objects.served_by(request.user, services.ORGANISER_ROLES).filter(
            pk=form.cleaned_data["volunteer"]).first()
    if volunteer is None:
        messages.error(request, _("Choose the volunteer and give the hours."))
    else:
        try:
            services.volunteer_served(activity, by=request.user, volunteer=volunteer,  # type: ignore[arg-type]
                                      hours=form.cleaned_data["hours"])
            messages.success(request, _("%(name)s's service was recorded.") % {"name": volunteer.name})
        except (ValidationError, PermissionDenied) as exc:
            _refusal(request, exc)
    return redirect("activities:manage", activity_id=activity.pk)


@staff_required
@require_POST
def desk_cancel(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = queries.visible_activity(request.user, activity_id)
    try:
        services.cancel_activity(activity, by=request.user,  # type: ignore[arg-type]
                                 reason=request.POST.get("reason", ""))
        messages.success(request, _("The activity was cancelled and the people signed up are told."))
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    return redirect("activities:manage", activity_id=activity.pk)


@staff_required
def totals(request: HttpRequest) -> HttpResponse:
    """Person-times (人次) by month, area and kind, for the areas the user serves."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"since": today.replace(month=1, day=1), "until": today})
    since, until = today.replace(month=1, day=1), today
    if request.GET and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    if not request.GET:
        form = PeriodForm(initial={"since": since, "until": until})
    return render(request, "activities/totals.html", {
        "form": form, "report": queries.person_times(request.user, since=since, until=until),
        "since": since, "until": until,
    })
