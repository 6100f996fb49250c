"""Actions on activities: create, sign up, cancel, check in, record volunteer service.

Capacity is never exceeded, even when many residents tap "sign up" for the last
place at once: every sign-up and cancellation first locks the activity's row
(SELECT … FOR UPDATE on PostgreSQL; on SQLite the transaction is BEGIN IMMEDIATE,
so writers queue anyway), then counts the confirmed places under that lock.
A refused action raises ValidationError or PermissionDenied and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Centre
from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.models import Resident, Role, User
from xiangli.rooms import services as rooms
from xiangli.rooms.models import BookingKind, Room
from xiangli.rooms.services import village_paths

from .models import Activity, ActivityKind, OrganiserKind, Signup, SignupStatus, VolunteerService

__all__ = ["village_paths"]  # re-exported: the activity pages scope with it too

log = logging.getLogger(__name__)

# Staff who create activities and sign residents up at the counter.
ORGANISER_ROLES = {Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF}
# Staff who check people in at the door.
DOOR_ROLES = ORGANISER_ROLES | {Role.GRID_WORKER}
# Staff who read the lists and the person-times report of the areas they serve.
READER_ROLES = DOOR_ROLES | {Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR}
# Check-in opens this long before the start.
DOORS_OPEN = dt.timedelta(hours=2)
# Points for an hour of volunteer service at an activity.
POINTS_PER_HOUR = 10
SIGNING_SALT = "xiangli.activities.checkin"  # a namespace for signing, not a secret


def may_organise(user: User, centre: Centre) -> bool:
    return scope.serves(user, centre.area.path, ORGANISER_ROLES)


def may_check_in(user: User, activity: Activity) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(activity.area_path.startswith(p) for p in village_paths(user, DOOR_ROLES))


def create_activity(
    *,
    by: User,
    centre: Centre,
    title: str,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    capacity: int,
    room: Room | None = None,
    place: str = "",
    organiser: str = "",
    organiser_kind: str = OrganiserKind.CENTRE,
    audience: str = "",
    description: str = "",
    now: dt.datetime | None = None,
) -> Activity:
    """Put an activity on the centre's programme; a room of the centre is booked for it in
    the same transaction, so an activity never sits in a room someone else has."""
    now = now or timezone.now()
    if not may_organise(by, centre):
        raise PermissionDenied(_("You do not serve this centre."))
    title = title.strip()[:150]
    if not title:
        raise ValidationError({"title": _("Give the activity a title.")})
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Choose what kind of activity it is.")})
    if organiser_kind not in OrganiserKind.values:
        raise ValidationError({"organiser_kind": _("Choose who organises it.")})
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if start < now:
        raise ValidationError({"start": _("This time has already passed; please choose a later one.")})
    if capacity is None or capacity < 1:
        raise ValidationError({"capacity": _("An activity needs at least one place.")})
    if room is not None and room.centre_id != centre.pk:
        raise ValidationError({"room": _("This room belongs to another centre.")})
    if room is None and not place.strip():
        raise ValidationError({"place": _("Choose a room of the centre or say where it is held.")})
    with transaction.atomic():
        activity = Activity(
            centre=centre, title=title, kind=kind, start=start, end=end, capacity=capacity, room=room,
            place=place.strip()[:150], organiser=organiser.strip()[:150] or centre.name,
            organiser_kind=organiser_kind, audience=audience.strip()[:150], description=description.strip()[:4000],
            created_by=by,
        )
        if room is not None:
            activity.booking = rooms.book_room(room, by=by, start=start, end=end, booked_for=title,
                                               kind=BookingKind.ACTIVITY, now=now, check_permission=False)
        activity.save()
        audit.record("activity.created", obj=activity, actor=by, area_path=activity.area_path, changes={
            "title": [None, title], "kind": [None, kind], "start": [None, start.isoformat()],
            "capacity": [None, capacity], "room": [None, room.pk if room else None],
        })
    return activity


def _lock(activity: Activity) -> Activity:
    """The activity's row, locked until the transaction ends: sign-ups for it queue here."""
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _confirmed(activity: Activity) -> int:
    return Signup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED).count()


def sign_up(activity: Activity, *, by: User, resident: Resident, now: dt.datetime | None = None) -> Signup:
    """A place for the resident, or a place on the waiting list when the activity is full.

    Residents sign themselves up; staff of the centre sign residents up at the counter.
    """
    now = now or timezone.now()
    own = by.resident_id is not None and by.resident_id == resident.pk
    if not own and not may_organise(by, activity.centre):
        raise PermissionDenied(_("You can only sign yourself up."))
    if activity.cancelled_at is not None:
        raise ValidationError(_("This activity was cancelled."))
    if now >= activity.start:
        raise ValidationError(_("Sign-up has closed: the activity has already started."))
    with transaction.atomic():
        locked = _lock(activity)
        if locked.cancelled_at is not None:  # called off while this request waited for the lock
            raise ValidationError(_("This activity was cancelled."))
        signup = Signup.objects.filter(activity=locked, resident=resident).first()
        if signup is not None and signup.status in (SignupStatus.CONFIRMED, SignupStatus.WAITING):
            raise ValidationError(_("%(name)s is already signed up for this activity.") % {"name": resident.name})
        status = SignupStatus.CONFIRMED if _confirmed(locked) < locked.capacity else SignupStatus.WAITING
        if signup is None:
            signup = Signup(activity=locked, resident=resident)
        signup.status = status
        signup.queued_at = now
        signup.by_staff = not own
        signup.created_by = by
        signup.save()
        audit.record("activity.signed_up", obj=signup, actor=by, area_path=locked.area_path,
                     changes={"activity": [None, locked.pk], "status": [None, status]})
    return signup


def cancel_signup(signup: Signup, *, by: User, now: dt.datetime | None = None) -> Signup:
    """Give up a place; the first on the waiting list moves up and is told."""
    now = now or timezone.now()
    activity = signup.activity
    own = by.resident_id is not None and by.resident_id == signup.resident_id
    if not own and not may_organise(by, activity.centre):
        raise PermissionDenied(_("You can only cancel your own sign-up."))
    if now >= activity.start:
        raise ValidationError(_("The activity has already started."))
    promoted: Signup | None = None
    with transaction.atomic():
        locked = _lock(activity)
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.WAITING):
            raise ValidationError(_("This sign-up was already cancelled."))
        was = signup.status
        signup.status = SignupStatus.CANCELLED
        signup.save(update_fields=["status"])
        if was == SignupStatus.CONFIRMED and _confirmed(locked) < locked.capacity:
            promoted = (Signup.objects.filter(activity=locked, status=SignupStatus.WAITING)
                        .order_by("queued_at", "pk").first())
            if promoted is not None:
                promoted.status = SignupStatus.CONFIRMED
                promoted.save(update_fields=["status"])
        audit.record("activity.signup_cancelled", obj=signup, actor=by, area_path=locked.area_path,
                     changes={"status": [was, SignupStatus.CANCELLED],
                              "promoted": [None, promoted.pk if promoted else None]})
        if promoted is not None:
            from .tasks import tell_promoted

            pk = promoted.pk
            transaction.on_commit(lambda: tell_promoted.enqueue(pk))
    return signup


def signup_token(signup: Signup) -> str:
    """What the resident's QR code carries: the sign-up, signed so nobody can forge another's."""
    return signing.dumps(signup.pk, salt=SIGNING_SALT, compress=True)


def signup_from_token(token: str) -> Signup | None:
    try:
        pk = signing.loads(token.strip(), salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    return Signup.objects.select_related("resident").filter(pk=pk).first()


def check_in(
    activity: Activity,
    *,
    by: User,
    token: str = "",
    resident: Resident | None = None,
    now: dt.datetime | None = None,
) -> Signup:
    """Let someone in at the door, by the QR code on their phone or by name.

    Someone without a confirmed place still counts, marked as a walk-in.
    """
    now = now or timezone.now()
    if not may_check_in(by, activity):
        raise PermissionDenied(_("You do not serve this centre."))
    if activity.cancelled_at is not None:
        raise ValidationError(_("This activity was cancelled."))
    if now < activity.start - DOORS_OPEN:
        raise ValidationError(_("Check-in opens two hours before the start."))
    if token.strip():
        found = signup_from_token(token)
        if found is None:
            raise ValidationError({"token": _("This code is not valid. Search the person by name instead.")})
        if found.activity_id != activity.pk:
            raise ValidationError({"token": _("This code is for another activity.")})
        resident = found.resident
    if resident is None:
        raise ValidationError(_("Scan the code or choose the person."))
    with transaction.atomic():
        locked = _lock(activity)
        signup = Signup.objects.select_for_update().filter(activity=locked, resident=resident).first()
        if signup is not None and signup.checked_in_at is not None:
            raise ValidationError(_("%(name)s was already checked in at %(time)s.") % {
                "name": resident.name, "time": timezone.localtime(signup.checked_in_at).strftime("%H:%M")})
        if signup is None:
            signup = Signup(activity=locked, resident=resident, status=SignupStatus.WALK_IN, queued_at=now,
                            by_staff=True, created_by=by)
        signup.walk_in = signup.status != SignupStatus.CONFIRMED
        signup.checked_in_at = now
        signup.checked_in_by = by
        signup.save()
        Activity.objects.filter(pk=locked.pk).update(
            attended=F("attended") + 1, walk_ins=F("walk_ins") + (1 if signup.walk_in else 0))
        audit.record("activity.checked_in", obj=signup, actor=by, area_path=locked.area_path,
                     changes={"activity": [None, locked.pk], "walk_in": [None, signup.walk_in]})
    return signup


def volunteer_served(
    activity: Activity, *, by: User, volunteer: Resident, hours: Decimal | str | float,
) -> VolunteerService:
    """Record that a volunteer served at the activity, and award their points once.

    The hook into the points ledger: when `xiangli.points.services.award_points`
    exists, it is called with the source key "activity:<id>:resident:<id>", which
    the ledger pays once only; recording the same service again changes the hours
    on record but pays nothing more. Without the points app, the service is kept
    and `award_pending_points()` pays it later.
    """
    if not may_organise(by, activity.centre):
        raise PermissionDenied(_("You do not serve this centre."))
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError({"hours": _("Give the hours as a number, such as 2 or 1.5.")}) from None
    if amount <= 0 or amount > 24:
        raise ValidationError({"hours": _("Give between 0.5 and 24 hours.")})
    with transaction.atomic():
        service, created = VolunteerService.objects.select_for_update().get_or_create(
            activity=activity, volunteer=volunteer, defaults={"hours": amount, "recorded_by": by})
        if not created and service.hours != amount and service.points_awarded_at is None:
            service.hours = amount
            service.save(update_fields=["hours"])
        audit.record("activity.volunteer_served", obj=service, actor=by, area_path=activity.area_path,
                     changes={"volunteer": [None, volunteer.pk], "hours": [None, str(service.hours)]})
    # After our commit, in the ledger's own transaction: the service stays on record
    # even if the ledger refuses, and award_pending_points() tries again.
    _award_points(service, by=by)
    return service


def _award_points(service: VolunteerService, *, by: User) -> bool:
    """Pay the service through the points ledger if that app provides `award_points`."""
    if service.points_awarded_at is not None:
        return False
    try:
        from xiangli.points import services as points
    except ImportError:
        return False
    award = getattr(points, "award_points", None)
    if award is None:
        return False
    try:
        award(service.volunteer, points=int(service.hours * POINTS_PER_HOUR), hours=service.hours,
              reason=_("Volunteer at “%(title)s”") % {"title": service.activity.title},
              source=service.source_key, by=by)
    except (ValidationError, PermissionDenied) as exc:
        log.warning("points for %s not awarded: %s", service.source_key, exc)
        return False
    service.points_awarded_at = timezone.now()
    VolunteerService.objects.filter(pk=service.pk).update(points_awarded_at=service.points_awarded_at)
    return True


def award_pending_points(*, by: User | None = None) -> int:
    """Pay every recorded service not paid yet (when the points app arrived later). Returns how many."""
    paid = 0
    for service in VolunteerService.objects.filter(points_awarded_at__isnull=True).select_related(
            "activity", "volunteer", "recorded_by"):
        paid += _award_points(service, by=by or service.recorded_by)
    return paid


def cancel_activity(activity: Activity, *, by: User, reason: str = "") -> Activity:
    """Call an activity off: its room is freed and the people signed up are told."""
    if not may_organise(by, activity.centre):
        raise PermissionDenied(_("You do not serve this centre."))
    if activity.cancelled_at is not None:
        raise ValidationError(_("This activity was cancelled."))
    with transaction.atomic():
        locked = _lock(activity)
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        if locked.booking is not None and locked.booking.cancelled_at is None:
            rooms.cancel_booking(locked.booking, by=by, check_permission=False)
        audit.record("activity.cancelled", obj=locked, actor=by, area_path=locked.area_path,
                     changes={"cancelled_at": [None, locked.cancelled_at.isoformat()], "reason": reason[:200]})
        from .tasks import tell_cancelled

        pk = locked.pk
        transaction.on_commit(lambda: tell_cancelled.enqueue(pk))
    return locked


# Residents with a place are reminded this long before the start.
REMIND_BEFORE = dt.timedelta(hours=24)


def queue_reminders(*, now: dt.datetime | None = None) -> int:
    """Claim the places of activities starting within a day that were not reminded yet,
    and queue one reminder each. Returns how many. Called from `manage.py tick`.

    Each place is claimed with a conditional update (reminded_at still empty), so two
    ticks running at once never send the same reminder twice.
    """
    from .tasks import remind

    now = now or timezone.now()
    due = list(
        Signup.objects.filter(status=SignupStatus.CONFIRMED, reminded_at__isnull=True,
                              activity__cancelled_at__isnull=True,
                              activity__start__gt=now, activity__start__lte=now + REMIND_BEFORE)
        .values_list("pk", flat=True)[:5000]
    )
    queued = 0
    for pk in due:
        if Signup.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) == 1:
            remind.enqueue(pk)
            queued += 1
    return queued
