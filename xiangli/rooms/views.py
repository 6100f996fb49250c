"""Staff pages for rooms: the centre's rooms, a room's week (occupancy and booking), cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Centre
from xiangli.front.access import add_errors, attempt
from xiangli.front.views_desk import staff_required
from xiangli.people import scope

from . import services
from .forms import BookingForm, RoomForm
from .models import Booking, Room


def _rooms(user: Any) -> Any:
    if getattr(user, "is_superuser", False):
        return Room.objects.all()
    return Room.objects.in_areas(services.village_paths(user, services.ROOM_READER_ROLES))


def _bookable_centres(user: Any) -> Any:
    qs = Centre.objects.select_related("area").order_by("area__path")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(scope.under(services.village_paths(user, services.BOOKING_ROLES), "area__path"))


def visible_room(user: Any, room_id: int) -> Room:
    room: Room | None = _rooms(user).select_related("centre__area").filter(pk=room_id).first()
    if room is None:
        raise Http404
    return room


@staff_required
def room_list(request: HttpRequest) -> HttpResponse:
    """The rooms of the areas the user serves, and a form to add one."""
    rooms = list(_rooms(request.user).select_related("centre").order_by("area_path", "name")[:200])
    centres = _bookable_centres(request.user)
    form = RoomForm(request.POST or None)
    form.fields["centre"].queryset = centres  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        room = attempt(form, lambda: services.add_room(
            by=request.user, centre=d["centre"], name=d["name"], seats=d["seats"],  # type: ignore[arg-type]
            uses=d["uses"], opens_at=d["opens_at"], closes_at=d["closes_at"]))
        if room is not None:
            messages.success(request, _("The room was added."))
            return redirect("rooms:week", room_id=room.pk)
    return render(request, "rooms/list.html", {"rooms": rooms, "form": form,
                                               "may_add": centres.exists()})


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


@staff_required
def week(request: HttpRequest, room_id: int) -> HttpResponse:
    """The room's week: which hours are taken, by whom; and booking it."""
    room = visible_room(request.user, room_id)
    try:
        monday = services.week_of(dt.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        monday = services.week_of(timezone.localdate())
    may_book = services.may_book(request.user, room)  # type: ignore[arg-type]
    suggestions: list[services.Slot] = []
    form = BookingForm(request.POST or None, initial={"day": timezone.localdate()})
    if request.method == "POST":
        if not may_book:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                booking = services.book_room(
                    room, by=request.user, start=_local(d["day"], d["start"]),  # type: ignore[arg-type]
                    end=_local(d["day"], d["end"]), booked_for=d["booked_for"], kind=d["kind"], note=d["note"])
                messages.success(request, _("Booked."))
                return redirect(f"{request.path}?week={services.week_of(d['day']):%Y-%m-%d}#b{booking.pk}")
            except services.RoomTaken as exc:
                suggestions = exc.suggestions
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
    days = services.room_week(room, monday)
    hours = list(range(room.opens_at.hour, room.closes_at.hour + (1 if room.closes_at.minute else 0)))
    grid = []
    for h in hours:
        cells = []
        for day, bookings in days:
            s, e = _local(day, dt.time(h)), _local(day, dt.time(h)) + dt.timedelta(hours=1)
            cells.append([b for b in bookings if b.start < e and b.end > s])
        grid.append((h, cells))
    return render(request, "rooms/week.html", {
        "room": room, "monday": monday, "days": days, "grid": grid, "form": form, "may_book": may_book,
        "suggestions": [{"day": timezone.localtime(s.start).date(), "start": timezone.localtime(s.start).time(),
                         "end": timezone.localtime(s.end).time(), "label": str(s)} for s in suggestions],
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "post": request.POST,
    })


@staff_required
@require_POST
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = Booking.objects.filter(pk=booking_id).select_related("room").first()
    if booking is None:
        raise Http404
    room = visible_room(request.user, booking.room_id)
    if not services.may_book(request.user, room):  # type: ignore[arg-type]
        raise Http404
    try:
        services.cancel_booking(booking, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The booking was cancelled; the room is free again."))
    except (ValidationError, PermissionDenied) as exc:
        for m in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, m)
    day = timezone.localtime(booking.start).date()
    return redirect(f"{reverse('rooms:week', args=[room.pk])}?week={services.week_of(day):%Y-%m-%d}")
