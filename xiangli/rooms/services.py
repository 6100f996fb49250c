"""Booking rooms. Views, the activities app and the demo call these.

The rule that matters: two bookings of one room never overlap, even when two
clerks book at the same moment. On PostgreSQL the exclusion constraint
`booking_no_overlap` (migration 0002) refuses the second insert whatever the
timing; the check before it only gives the friendly message and the suggested
slots. On SQLite the booking's transaction starts with BEGIN IMMEDIATE
(settings), so a second writer waits until the first has committed and then
sees its booking in the check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from xiangli.areas.models import KIND_DEPTH, AreaKind, Centre
from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.models import Role, User

from .models import Booking, BookingKind, Room

# Staff who book and cancel a centre's rooms.
BOOKING_ROLES = {Role.AGENT, Role.SECRETARY, Role.GRID_WORKER, Role.TOWNSHIP_STAFF}
# Staff who may look at the rooms of the areas they serve.
ROOM_READER_ROLES = BOOKING_ROLES | {Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR}
# How far before and after a refused slot the suggestions look.
SEARCH_DAYS = 7


@dataclass(frozen=True)
class Slot:
    """A free stretch of a room, offered when the asked-for one is taken (错峰使用)."""

    start: dt.datetime
    end: dt.datetime

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{date_format(start, 'SHORT_DATE_FORMAT')} {time_format(start, 'H:i')}–{time_format(end, 'H:i')}"


class RoomTaken(ValidationError):
    """The room is booked for part of the time asked; carries the nearest free slots."""

    def __init__(self, message: str, suggestions: list[Slot]) -> None:
        super().__init__(message, code="room_taken")
        self.suggestions = suggestions


def village_paths(user: User, roles: set[Role]) -> list[str]:
    """Area paths the user serves in the roles, a grid widened to its village: rooms and
    activities belong to the whole village, and its grid workers help run them."""
    paths = []
    for path in scope.paths_for(user, roles):
        parts = path.strip("/").split("/")
        village_depth = KIND_DEPTH[AreaKind.VILLAGE] + 1
        paths.append("/" + "/".join(parts[:village_depth]) + "/" if len(parts) > village_depth else path)
    return paths


def may_book(user: User, room: Room) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(room.area_path.startswith(p) for p in village_paths(user, BOOKING_ROLES))


def _open_hours(room: Room, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(day, room.opens_at, tzinfo=tz), dt.datetime.combine(day, room.closes_at, tzinfo=tz))


def check_times(room: Room, start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None) -> None:
    """Refuse times that make no sense for a booking, with a message a villager can read."""
    now = now or timezone.now()
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if start < now:
        raise ValidationError({"start": _("This time has already passed; please choose a later one.")})
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    opens, closes = _open_hours(room, local_start.date())
    if local_start < opens or local_end > closes:
        raise ValidationError(_("%(room)s is open from %(opens)s to %(closes)s; please book within those hours.")
                              % {"room": room.name, "opens": room.opens_at.strftime("%H:%M"),
                                 "closes": room.closes_at.strftime("%H:%M")})


def free_slots_near(room: Room, start: dt.datetime, end: dt.datetime, *,
                    now: dt.datetime | None = None) -> list[Slot]:
    """The nearest free slots of the same length before and after [start, end), within opening hours.

    One query: the room's bookings a week either side, walked in memory.
    """
    now = now or timezone.now()
    length = end - start
    window = dt.timedelta(days=SEARCH_DAYS)
    taken = [(b.start, b.end) for b in Booking.objects.active().filter(room=room)
             .overlapping(start - window, end + window).only("start", "end")]

    def clash(s: dt.datetime, e: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        return [(bs, be) for bs, be in taken if bs < e and be > s]

    def fits_hours(s: dt.datetime) -> bool:
        opens, closes = _open_hours(room, timezone.localtime(s).date())
        return opens <= s and s + length <= closes

    suggestions: list[Slot] = []
    # Earlier: slide the slot back to just before whatever it meets.
    s = start
    while s >= start - window and s >= now:
        hits = clash(s, s + length)
        if not hits and fits_hours(s):
            suggestions.append(Slot(s, s + length))
            break
        if hits:
            s = min(bs for bs, _ in hits) - length
        else:  # outside opening hours: that day's last slot, or the day before's
            opens, closes = _open_hours(room, timezone.localtime(s).date())
            if s + length > closes:
                s = closes - length
            else:
                s = _open_hours(room, opens.date() - dt.timedelta(days=1))[1] - length
    # Later: slide it forward to just after whatever it meets.
    s = start
    while s <= end + window:
        hits = clash(s, s + length)
        if not hits and fits_hours(s):
            suggestions.append(Slot(s, s + length))
            break
        if hits:
            s = max(be for _, be in hits)
        else:  # outside opening hours: that day's first slot, or the next day's
            opens, closes = _open_hours(room, timezone.localtime(s).date())
            if s < opens:
                s = opens
            else:
                s = _open_hours(room, opens.date() + dt.timedelta(days=1))[0]
    return suggestions


def _taken(room: Room, start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None) -> RoomTaken:
    suggestions = free_slots_near(room, start, end, now=now)
    message = _("%(room)s is already booked for part of that time.") % {"room": room.name}
    if suggestions:
        message += " " + _("Free at: %(slots)s.") % {"slots": "; ".join(str(s) for s in suggestions)}
    return RoomTaken(message, suggestions)


def book_room(
    room: Room,
    *,
    by: User,
    start: dt.datetime,
    end: dt.datetime,
    booked_for: str,
    kind: str = BookingKind.OTHER,
    note: str = "",
    now: dt.datetime | None = None,
    check_permission: bool = True,
) -> Booking:
    """Book a room for [start, end). Refused with RoomTaken (and the nearest free slots)
    when it overlaps another booking of the room."""
    if check_permission and not may_book(by, room):
        raise PermissionDenied(_("You do not serve this centre."))
    if not room.is_active:
        raise ValidationError(_("This room is not in use at the moment."))
    if kind not in BookingKind.values:
        raise ValidationError({"kind": _("Choose whom the room is for.")})
    booked_for = booked_for.strip()[:150]
    if not booked_for:
        raise ValidationError({"booked_for": _("Say who will use the room.")})
    check_times(room, start, end, now=now)
    try:
        with transaction.atomic():
            if Booking.objects.active().filter(room=room).overlapping(start, end).exists():
                raise _taken(room, start, end, now=now)
            booking = Booking.objects.create(
                room=room, start=start, end=end, kind=kind, booked_for=booked_for, note=note.strip()[:255],
                booked_by=by, area_path=room.area_path,
            )
            audit.record("room.booked", obj=booking, actor=by, area_path=room.area_path, changes={
                "room": [None, room.pk], "start": [None, start.isoformat()], "end": [None, end.isoformat()],
                "booked_for": [None, booked_for],
            })
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint: another booking committed between our
        # check and our insert. The room is taken; say so as the check would have.
        if "booking_no_overlap" not in str(exc):
            raise
        raise _taken(room, start, end, now=now) from None
    except OperationalError as exc:
        # Concurrent inserts checking one exclusion constraint can deadlock; PostgreSQL
        # then aborts one of them and lets the other book the slot: this one lost.
        if getattr(exc.__cause__, "sqlstate", None) != "40P01":
            raise
        raise _taken(room, start, end, now=now) from None
    return booking


def cancel_booking(booking: Booking, *, by: User, check_permission: bool = True) -> Booking:
    """Free the room again. A cancelled booking stays on record but blocks nothing."""
    if check_permission and not may_book(by, booking.room):
        raise PermissionDenied(_("You do not serve this centre."))
    if booking.cancelled_at is not None:
        raise ValidationError(_("This booking was already cancelled."))
    with transaction.atomic():
        changed = Booking.objects.filter(pk=booking.pk, cancelled_at__isnull=True).update(cancelled_at=timezone.now())
        if changed != 1:
            raise ValidationError(_("This booking was already cancelled."))
        booking.refresh_from_db()
        when = booking.cancelled_at.isoformat() if booking.cancelled_at else None
        audit.record("room.cancelled", obj=booking, actor=by, area_path=booking.area_path,
                     changes={"cancelled_at": [None, when]})
    return booking


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def room_week(room: Room, monday: dt.date) -> list[tuple[dt.date, list[Booking]]]:
    """The room's bookings of one week, day by day, for the occupancy view (one query)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    bookings = list(Booking.objects.active().filter(room=room).overlapping(start, end).select_related(None))
    days = []
    for n in range(7):
        day = monday + dt.timedelta(days=n)
        days.append((day, [b for b in bookings if timezone.localtime(b.start).date() == day]))
    return days


def add_room(
    *, by: User, centre: Centre, name: str, seats: int = 30, uses: str = "",
    opens_at: dt.time = dt.time(8, 0), closes_at: dt.time = dt.time(21, 0),
) -> Room:
    """A room of the centre that can be booked."""
    if not (getattr(by, "is_superuser", False)
            or any(centre.area.path.startswith(p) for p in village_paths(by, BOOKING_ROLES))):
        raise PermissionDenied(_("You do not serve this centre."))
    name = name.strip()[:100]
    if not name:
        raise ValidationError({"name": _("Give the room a name.")})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The room must close after it opens.")})
    if seats < 1:
        raise ValidationError({"seats": _("A room needs at least one seat.")})
    if Room.objects.filter(centre=centre, name=name).exists():
        raise ValidationError({"name": _("The centre already has a room of this name.")})
    with transaction.atomic():
        room = Room(centre=centre, name=name, seats=seats, uses=uses.strip()[:255], opens_at=opens_at,
                    closes_at=closes_at)
        room.save()
        audit.record("room.added", obj=room, actor=by, area_path=room.area_path,
                     changes={"name": [None, name], "seats": [None, seats]})
    return room
