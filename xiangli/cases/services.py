"""Actions on cases. Views and the API call these; none of this logic lives elsewhere.

Every action checks who acts, validates its input, writes in one transaction,
records an event on the case's timeline and queues the notifications. A refused
action raises ValidationError or PermissionDenied and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangli.areas.models import Centre
from xiangli.audit import services as audit
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.ops.orm import unique_row
from xiangli.people import scope
from xiangli.people.models import CASE_HANDLER_ROLES, CASE_INTAKE_ROLES, Resident, User
from xiangli.workdays.calendar import add_workdays, workdays_between

from .models import OPEN_STATES, Attachment, Case, CaseEvent, Channel, EventKind, State
from .uploads import CheckedUpload, check_uploads


@dataclass(frozen=True)
class Transition:
    """One allowed move in a case's life."""

    label: Any
    sources: tuple[str, ...]
    target: str | None  # None: back to the state the case was paused in
    event: str
    needs_reason: bool = False
    resident_may: bool = False
    staff_may: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# The state machine of a case, in one table.
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(gettext_lazy("Accept"), (State.SUBMITTED,), State.ACCEPTED, EventKind.ACCEPTED),
    "request_materials": Transition(
        gettext_lazy("Ask for materials"), (State.ACCEPTED, State.CARRIED), State.MATERIALS_PENDING,
        EventKind.MATERIALS_REQUESTED, needs_reason=True,
    ),
    "receive_materials": Transition(
        gettext_lazy("Materials received"), (State.MATERIALS_PENDING,), None, EventKind.MATERIALS_RECEIVED
    ),
    "carry": Transition(gettext_lazy("Carry to a higher office"), (State.ACCEPTED,), State.CARRIED, EventKind.CARRIED),
    "complete": Transition(
        gettext_lazy("Mark done"), (State.ACCEPTED, State.CARRIED), State.DONE, EventKind.DONE
    ),
    "close": Transition(gettext_lazy("Close"), (State.DONE,), State.CLOSED, EventKind.CLOSED),
    "decline": Transition(
        gettext_lazy("Decline"), (State.SUBMITTED, State.ACCEPTED, State.MATERIALS_PENDING, State.CARRIED),
        State.DECLINED, EventKind.DECLINED, needs_reason=True,
    ),
    # Staff may withdraw too: many residents ask by phone or at the counter.
    "withdraw": Transition(
        gettext_lazy("Withdraw"), (State.SUBMITTED,), State.WITHDRAWN, EventKind.WITHDRAWN, resident_may=True,
    ),
}


def _is_own(case: Case, user: User) -> bool:
    # getattr: an anonymous visitor has no resident record and owns nothing.
    resident_id = getattr(user, "resident_id", None)
    return resident_id is not None and resident_id == case.resident_id


def _may_handle(case: Case, user: User) -> bool:
    return scope.serves(user, case.area_path, CASE_HANDLER_ROLES)


def allowed_actions(case: Case, user: User) -> list[str]:
    """Transitions this user may apply to this case now, for buttons and the API."""
    actions = []
    for name, t in TRANSITIONS.items():
        if case.state not in t.sources:
            continue
        if (t.staff_may and _may_handle(case, user)) or (t.resident_may and _is_own(case, user)):
            actions.append(name)
    return actions


def _record(
    case: Case, kind: str, by: User | None, note: str = "", changes: dict[str, Any] | None = None
) -> CaseEvent:
    """The step on the case's timeline, its line in the audit trail, and the notifications."""
    from xiangli.notifications.services import notify_case_event

    event = CaseEvent.objects.create(case=case, kind=kind, actor=by, note=note)
    audit.record(f"case.{kind}", obj=case, actor=by, area_path=case.area_path,
                 changes={**(changes or {}), **({"note": note} if note else {})})
    notify_case_event(event)
    return event


def _duplicate_of(resident: Resident, item: ServiceItem) -> Case | None:
    return Case.objects.filter(resident=resident, item=item, state__in=OPEN_STATES).first()


def _made_with(by: User, key: str | None) -> Case | None:
    """The case this person filed before with this idempotency key, if any."""
    return Case.objects.filter(created_by=by, idempotency_key=key).first() if key else None


def _intake_centre(*, by: User, resident: Resident, item: ServiceItem, channel: str) -> Centre:
    """The centre that takes the case in, once who files what by which channel is allowed."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    own = by.resident_id is not None and by.resident_id == resident.pk
    if channel == Channel.ONLINE:
        if not own:
            raise PermissionDenied(_("Online applications are made by residents for themselves."))
        if not item.online_allowed:
            raise ValidationError({"item": _("This service cannot be applied for online; please visit the centre.")})
        # A stolen or scripted account must not flood a village's queue.
        today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        filed = Case.objects.filter(created_by=by, channel=Channel.ONLINE, submitted_at__gte=today_start).count()
        if filed >= settings.ONLINE_APPLICATIONS_PER_DAY:
            raise ValidationError(
                _("You have sent %(n)d applications today, the most in one day. Please try again tomorrow, "
                  "or call your centre.") % {"n": filed}
            )
    else:
        if not scope.serves(by, resident.area_path, CASE_INTAKE_ROLES):
            raise PermissionDenied(_("You do not serve this resident's village."))
        if not (item.proxy_allowed or item.level == HandlingLevel.VILLAGE):
            raise ValidationError({"item": _("This service must be handled by the resident in person.")})
    # One query: the centre, its village (for the answer) and whether it switched the item off.
    switched_off = Centre.disabled_items.through.objects.filter(centre=OuterRef("pk"), serviceitem=item.pk)
    centre = unique_row(
        Centre.objects.select_related("area")
        .filter(area_id=resident.village_id)
        .annotate(item_switched_off=Exists(switched_off))
    )
    if centre is None:
        raise ValidationError(_("The resident's village has no service centre yet."))
    # (getattr: the type checker loses the annotation through unique_row's generic)
    if not item.active or getattr(centre, "item_switched_off", True):
        raise ValidationError({"item": _("This service is not offered by the resident's centre.")})
    return centre


def create_case(
    *,
    by: User,
    resident: Resident,
    item: ServiceItem,
    channel: str,
    description: str = "",
    uploads: list[UploadedFile] | None = None,
    idempotency_key: str = "",
) -> Case:
    """Open a case: a resident online for themself, or staff for a resident they serve.

    The same idempotency key from the same person returns the case it made
    before, so a double tap or a retried request never files twice.
    """
    case, _created = file_case(
        by=by, resident=resident, item=item, channel=channel, description=description, uploads=uploads,
        idempotency_key=idempotency_key,
    )
    return case


def file_case(
    *,
    by: User,
    resident: Resident,
    item: ServiceItem,
    channel: str,
    description: str = "",
    uploads: list[UploadedFile] | None = None,
    idempotency_key: str = "",
) -> tuple[Case, bool]:
    """`create_case`, telling also whether the case is new (False: an idempotency key's replay).

    A new case comes back with its timeline and materials (`timeline`, `materials`),
    so that the answer to the request need not read back what it wrote.
    """
    key = idempotency_key.strip()[:64] or None
    try:
        centre = _intake_centre(by=by, resident=resident, item=item, channel=channel)
        checked = check_uploads(list(uploads or []))
    except (ValidationError, PermissionDenied):
        # A retry of a request that was filed gets that case, even where filing it
        # again would now be refused (the day's last online application, say).
        if (earlier := _made_with(by, key)) is not None:
            return _replayed(earlier, resident, item), False
        raise
    try:
        with transaction.atomic():
            # No lock and no look-up first: two unique constraints refuse a second
            # case with the same person's idempotency key and a second open case of
            # a resident for one service, even when two clerks (or a double tap)
            # file at the same moment. The refused one learns below which case won.
            case = Case.objects.create(
                resident=resident,
                item=item,
                centre=centre,
                village=centre.area,
                area_path=resident.area_path,
                channel=channel,
                description=description.strip()[:4000],
                created_by=by,
                idempotency_key=key,
                visits=1 if channel == Channel.WALK_IN else 0,
            )
            attachments = _save_attachments(case, checked, by)
            # The channel is on the case itself, shown in each reader's language.
            event = _record(case, EventKind.CREATED, by, changes={
                "state": [None, case.state], "resident": [None, resident.pk], "item": [None, item.pk],
                "channel": [None, channel], "attachments": [None, len(checked)],
            })
    except IntegrityError:
        if (earlier := _made_with(by, key)) is not None:
            return _replayed(earlier, resident, item), False
        if (dup := _duplicate_of(resident, item)) is not None:
            raise ValidationError(
                _("%(name)s already has an open case for this service (number %(number)s).")
                % {"name": resident.name, "number": dup.number}
            ) from None
        raise
    case.timeline, case.materials = [event], attachments
    return case, True


def _replayed(earlier: Case, resident: Resident, item: ServiceItem) -> Case:
    """The case an idempotency key made before, if the key is reused for the same matter."""
    if earlier.resident_id != resident.pk or earlier.item_id != item.pk:
        raise ValidationError(
            _("This form was already used for another application. Please open the form again."), code="conflict"
        )
    return earlier


def _save_attachments(case: Case, checked: list[CheckedUpload], by: User) -> list[Attachment]:
    return [
        Attachment.objects.create(
            case=case,
            file=c.upload,
            content_type=c.content_type,
            size=c.upload.size or 0,
            original_name=(c.upload.name or "")[:150],
            uploaded_by=by,
        )
        for c in checked
    ]


def add_attachments(case: Case, *, by: User, uploads: list[UploadedFile]) -> list[Attachment]:
    """Attach more materials to an open case (the resident's own, or one the user handles)."""
    if not (_is_own(case, by) or scope.serves(by, case.area_path, CASE_INTAKE_ROLES | CASE_HANDLER_ROLES)):
        raise PermissionDenied(_("You may not add materials to this case."))
    if case.state not in OPEN_STATES:
        raise ValidationError(_("This case is finished; materials can no longer be added."))
    if not uploads:
        raise ValidationError(_("Please choose a file."))
    checked = check_uploads(uploads)
    with transaction.atomic():
        saved = _save_attachments(case, checked, by)
        _record(case, EventKind.ATTACHMENT, by, ", ".join(c.upload.name or "" for c in checked))
    return saved


def transition(case: Case, action: str, *, by: User, note: str = "", today: dt.date | None = None) -> Case:
    """Apply one step of the state machine, or refuse it and change nothing."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise ValidationError(_("Unknown step."))
    permitted = (t.staff_may and _may_handle(case, by)) or (t.resident_may and _is_own(case, by))
    if not permitted:
        raise PermissionDenied(_("You may not do this to this case."))
    if case.state not in t.sources:
        raise ValidationError(
            _("A case that is “%(state)s” cannot be moved this way.") % {"state": case.get_state_display()}
        )
    note = note.strip()[:2000]
    if t.needs_reason and not note:
        raise ValidationError({"note": _("Please give the reason; the resident will read it.")})
    today = today or timezone.localdate()
    now = timezone.now()
    changes: dict[str, Any] = {}
    target = t.target
    if action == "accept":
        changes.update(accepted_on=today, due_on=add_workdays(today, case.item.promised_days), agent=by)
    elif action == "request_materials":
        changes.update(paused_since=today, paused_state=case.state)
    elif action == "receive_materials":
        target = case.paused_state or State.ACCEPTED
        paused = workdays_between(case.paused_since or today, today)
        assert case.due_on is not None  # noqa: S101 -- materials are asked for only after acceptance set it
        changes.update(due_on=add_workdays(case.due_on, paused), paused_since=None, paused_state="")
    elif action == "carry":
        changes.update(carried_to=note[:100] or str(case.item.get_level_display()))
    elif action == "complete":
        changes.update(done_at=now, on_time=case.due_on is None or today <= case.due_on)
    elif action == "close":
        changes.update(closed_at=now)
    elif action == "decline":
        # A case declined while waiting for materials is no longer paused.
        changes.update(decline_reason=note, closed_at=now, paused_since=None, paused_state="")
    elif action == "withdraw":
        changes.update(closed_at=now)
    changes["state"] = target
    with transaction.atomic():
        # Conditional update: if someone else moved the case meanwhile, nothing
        # is written and the second clerk is told so.
        before = audit.snapshot(case, changes)
        updated = Case.objects.filter(pk=case.pk, state=case.state).update(**changes)
        if updated != 1:
            raise ValidationError(_("Someone else has just changed this case. Please reload it."), code="conflict")
        # The row now holds exactly these values: set them rather than read the
        # case back (a refresh would also drop its item, resident, village, centre
        # and agent, and the answer would fetch each again).
        for name, value in changes.items():
            setattr(case, name, value)
        _record(case, t.event, by, note, changes=audit.diff(before, audit.snapshot(case, changes)))
    return case


def accept_case(case: Case, *, by: User, note: str = "") -> Case:
    """受理: the clock starts; the due date is the item's promised working days from today."""
    return transition(case, "accept", by=by, note=note)


def request_materials(case: Case, *, by: User, note: str) -> Case:
    """补正: ask the resident for missing materials; the clock stops until they arrive."""
    return transition(case, "request_materials", by=by, note=note)


def receive_materials(case: Case, *, by: User, note: str = "") -> Case:
    return transition(case, "receive_materials", by=by, note=note)


def carry_case(case: Case, *, by: User, note: str = "") -> Case:
    return transition(case, "carry", by=by, note=note)


def complete_case(case: Case, *, by: User, note: str = "") -> Case:
    """办结."""
    return transition(case, "complete", by=by, note=note)


def close_case(case: Case, *, by: User, note: str = "") -> Case:
    return transition(case, "close", by=by, note=note)


def decline_case(case: Case, *, by: User, note: str) -> Case:
    return transition(case, "decline", by=by, note=note)


def withdraw_case(case: Case, *, by: User, note: str = "") -> Case:
    return transition(case, "withdraw", by=by, note=note)


def record_visit(case: Case, *, by: User, note: str = "") -> Case:
    """Count a trip the resident had to make: the measure behind "at most one trip"."""
    if not scope.serves(by, case.area_path, CASE_INTAKE_ROLES | CASE_HANDLER_ROLES):
        raise PermissionDenied(_("You may not do this to this case."))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(visits=F("visits") + 1)
        case.refresh_from_db(fields=["visits"])  # another clerk may have counted one meanwhile
        _record(case, EventKind.VISIT, by, note.strip()[:2000], changes={"visits": [case.visits - 1, case.visits]})
    return case


def rate_case(case: Case, *, by: User, stars: int, comment: str = "") -> Case:
    """The resident rates a finished case once, 1 to 5 stars; a done case then closes.

    Staff of the village may record a rating the resident gave by phone or at the
    counter (many elderly residents have no account); the timeline says so.
    """
    on_behalf = not _is_own(case, by)
    if on_behalf and not scope.serves(by, case.area_path, CASE_INTAKE_ROLES):
        raise PermissionDenied(_("Only the resident, or staff of the village on the resident's word, can rate a case."))
    if case.state not in (State.DONE, State.CLOSED):
        raise ValidationError(_("A case can be rated once it is done."))
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Please choose from 1 to 5 stars.")})
    now = timezone.now()
    changes: dict[str, Any] = {"rating": stars, "rating_comment": comment.strip()[:1000], "rated_at": now}
    if case.state == State.DONE:
        changes.update(state=State.CLOSED, closed_at=now)
    with transaction.atomic():
        before = audit.snapshot(case, changes)
        updated = Case.objects.filter(pk=case.pk, rating__isnull=True, state=case.state).update(**changes)
        if updated != 1:
            raise ValidationError(_("This case has already been rated."), code="conflict")
        for name, value in changes.items():
            setattr(case, name, value)
        # Stars and the resident's words only: the timeline shows who recorded it.
        _record(case, EventKind.RATED, by, f"{'★' * stars} {changes['rating_comment']}".strip(),
                changes=audit.diff(before, audit.snapshot(case, changes)))
    return case


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate overdue cases: to the village secretary at once, then to the township
    once `ESCALATE_TO_TOWNSHIP_AFTER_DAYS` more working days have passed.

    A case found long overdue goes straight to the township (both steps are on its
    timeline). Safe to run from several workers at once: each case is claimed with
    a conditional update, and only the worker whose update changed the row writes
    the events and sends the alerts.
    """
    today = today or timezone.localdate()
    cutoff = _township_cutoff(today, settings.ESCALATE_TO_TOWNSHIP_AFTER_DAYS)
    count = 0
    overdue = Case.objects.overdue(today).filter(escalation_level__lt=2)
    to_township = overdue.filter(due_on__lte=cutoff).values_list("pk", "escalation_level")
    to_secretary = overdue.filter(due_on__gt=cutoff, escalation_level=0).values_list("pk", "escalation_level")
    for target, rows in ((2, to_township), (1, to_secretary)):
        for pk, level in rows.iterator(chunk_size=500):
            count += _escalate(pk, level, target)
    return count


def _township_cutoff(today: dt.date, after: int) -> dt.date:
    """The latest due date whose case is, today, more than `after` working days overdue."""
    day = today - dt.timedelta(days=1)
    while add_workdays(day, after) >= today:
        day -= dt.timedelta(days=1)
    return day


def _escalate(pk: int, level: int, target: int) -> int:
    with transaction.atomic():
        claimed = Case.objects.filter(pk=pk, escalation_level=level).update(escalation_level=target)
        if claimed != 1:
            return 0
        case = Case.objects.select_related("village").get(pk=pk)
        # The step names whom it went to, so the timeline reads in each reader's language.
        for step in range(level + 1, target + 1):
            _record(case, EventKind.ESCALATED if step == 1 else EventKind.ESCALATED_TOWNSHIP, None,
                    changes={"escalation_level": [step - 1, step]})
    return 1


def may_reveal(case: Case, user: User) -> bool:
    """Whether the user may ask to see the resident's full ID number and phone."""
    from xiangli.people.models import REVEAL_ROLES

    return scope.serves(user, case.area_path, REVEAL_ROLES)
