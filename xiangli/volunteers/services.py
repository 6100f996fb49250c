"""Actions on help tasks and volunteers. Views call these; a refusal writes nothing.

A task moves open → claimed → done → confirmed (or is cancelled before it is
done). Each move is a conditional UPDATE from the state it expects, so two
volunteers pressing "claim" together, or two confirmations, move it once; the
payment is keyed by the task ("helptask:<id>") in the points ledger, so it is
never paid twice either.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.models import CASE_INTAKE_ROLES, Resident, Role, User
from xiangli.points.models import EntryKind, PointsEntry
from xiangli.points.services import award_points, clean_hours
from xiangli.points.tasks import tell_resident

from .models import DEFAULT_RULE, HelpKind, HelpRule, HelpTask, TaskChannel, TaskState, Volunteer

# Staff who enter tasks for callers, register volunteers and confirm tasks.
HELP_STAFF_ROLES = CASE_INTAKE_ROLES | {Role.SECRETARY}
# Open requests one resident may have at once: enough for real needs, not a flood.
MAX_OPEN_PER_RESIDENT = 5


def volunteer_of(user: Any) -> Volunteer | None:
    """The active volunteer record of a logged-in resident, if they are one."""
    resident_id = getattr(user, "resident_id", None)
    if not resident_id:
        return None
    return Volunteer.objects.select_related("resident", "village").filter(
        resident_id=resident_id, is_active=True
    ).first()


def register_volunteer(resident: Resident, *, by: User) -> Volunteer:
    """Register a resident as a volunteer of their village (staff of the village)."""
    if not scope.serves(by, resident.area_path, HELP_STAFF_ROLES):
        raise PermissionDenied(_("You do not serve this resident's village."))
    with transaction.atomic():
        volunteer, created = Volunteer.objects.get_or_create(
            resident=resident,
            defaults={"village_id": resident.village_id, "area_path": resident.area_path, "registered_by": by},
        )
        if not created and volunteer.is_active:
            raise ValidationError(_("%(name)s is already a volunteer.") % {"name": resident.name})
        if not created:
            volunteer.is_active = True
            volunteer.save(update_fields=["is_active"])
        audit.record("volunteer.registered", obj=volunteer, actor=by, changes={"resident": resident.pk})
    return volunteer


def ask_for_help(
    *, by: User, resident: Resident, kind: str, note: str = "", channel: str = TaskChannel.ONLINE
) -> HelpTask:
    """A resident asks for one of the five helps, or staff enter it for a caller."""
    if kind not in HelpKind.values:
        raise ValidationError({"kind": _("Choose what kind of help is needed.")})
    if channel not in TaskChannel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    own = by.resident_id is not None and by.resident_id == resident.pk
    if channel == TaskChannel.ONLINE:
        if not own:
            raise PermissionDenied(_("Residents ask for help for themselves; staff enter calls."))
    elif not scope.serves(by, resident.area_path, HELP_STAFF_ROLES):
        raise PermissionDenied(_("You do not serve this resident's village."))
    with transaction.atomic():
        # Lock the resident so that a double tap cannot slip past the limit below.
        list(Resident.objects.select_for_update().filter(pk=resident.pk).values_list("pk"))
        waiting = HelpTask.objects.filter(resident=resident, state__in=[TaskState.OPEN, TaskState.CLAIMED]).count()
        if waiting >= MAX_OPEN_PER_RESIDENT:
            raise ValidationError(
                _("There are already %(n)d requests waiting. Please wait for them, or call the centre.")
                % {"n": waiting}
            )
        task = HelpTask.objects.create(
            resident=resident, village_id=resident.village_id, grid_id=resident.grid_id,
            area_path=resident.area_path, kind=kind, note=(note or "").strip()[:300], channel=channel,
            created_by=by,
        )
        audit.record("helptask.created", obj=task, actor=by, changes={"kind": kind, "channel": channel})
    return task


def claim_task(task: HelpTask, *, by: User) -> HelpTask:
    """A volunteer of the task's village takes it; only one volunteer ever does."""
    volunteer = volunteer_of(by)
    if volunteer is None:
        raise PermissionDenied(_("Only registered volunteers can take help tasks."))
    if volunteer.village_id != task.village_id:
        raise ValidationError(_("This task is in another village; volunteers help in their own village."))
    if volunteer.resident_id == task.resident_id:
        raise ValidationError(_("You cannot take your own request."))
    with transaction.atomic():
        now = timezone.now()
        taken = HelpTask.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
            state=TaskState.CLAIMED, volunteer=volunteer, claimed_at=now
        )
        if not taken:
            raise ValidationError(_("Another volunteer has already taken this task."))
        task.refresh_from_db()
        audit.record("helptask.claimed", obj=task, actor=by, changes={"volunteer": volunteer.pk})
        tell_resident.enqueue(task.resident_id, "task_claimed",
                              {"volunteer": volunteer.resident.name, "kind": task.kind})
    return task


def release_task(task: HelpTask, *, by: User) -> HelpTask:
    """The volunteer who took a task cannot do it after all: it is open again for others."""
    volunteer = volunteer_of(by)
    with transaction.atomic():
        if volunteer is None or not HelpTask.objects.filter(
            pk=task.pk, state=TaskState.CLAIMED, volunteer=volunteer
        ).update(state=TaskState.OPEN, volunteer=None, claimed_at=None):
            raise ValidationError(_("Only the volunteer who took this task can give it back."))
        task.refresh_from_db()
        audit.record("helptask.released", obj=task, actor=by)
    return task


def finish_task(task: HelpTask, *, by: User, hours: Any) -> HelpTask:
    """The volunteer marks the task done with the hours it took; someone else confirms it."""
    spent = clean_hours(hours)
    if spent <= 0:
        raise ValidationError({"hours": _("Enter the hours the help took, for example 1.5.")})
    volunteer = volunteer_of(by)
    with transaction.atomic():
        if volunteer is None or not HelpTask.objects.filter(
            pk=task.pk, state=TaskState.CLAIMED, volunteer=volunteer
        ).update(state=TaskState.DONE, hours=spent, done_at=timezone.now()):
            raise ValidationError(_("Only the volunteer who took this task can mark it done."))
        task.refresh_from_db()
        audit.record("helptask.done", obj=task, actor=by, changes={"hours": spent})
        tell_resident.enqueue(task.resident_id, "task_done", {
            "volunteer": volunteer.resident.name, "kind": task.kind,
        })
    return task


def may_confirm(task: HelpTask, user: Any) -> bool:
    """The resident helped, or staff of the village; never the volunteer who did it."""
    if task.volunteer is not None and getattr(user, "resident_id", None) == task.volunteer.resident_id:
        return False
    own = getattr(user, "resident_id", None) == task.resident_id
    return own or scope.serves(user, task.area_path, HELP_STAFF_ROLES)


def rule_for(task: HelpTask) -> dict[str, int]:
    rule = HelpRule.objects.filter(village_id=task.village_id, kind=task.kind).first()
    if rule is None:
        return dict(DEFAULT_RULE)
    return {"points_per_task": rule.points_per_task, "points_per_hour": rule.points_per_hour,
            "daily_cap": rule.daily_cap}


def points_for(task: HelpTask, *, earned_today: int) -> int:
    """Per task plus per hour, cut to what is left of the volunteer's cap for the day."""
    rule = rule_for(task)
    raw = rule["points_per_task"] + int((task.hours * rule["points_per_hour"]).to_integral_value())
    return max(0, min(raw, rule["daily_cap"] - earned_today))


def _earned_today(volunteer: Volunteer, now: dt.datetime) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    total = PointsEntry.objects.filter(
        account__resident_id=volunteer.resident_id, kind=EntryKind.EARN, created_at__gte=start,
        source__startswith="helptask:",
    ).aggregate(n=Sum("points"))["n"]
    return int(total or 0)


def confirm_task(task: HelpTask, *, by: User) -> HelpTask:
    """The help was given: the volunteer earns the hours and points the centre's rule sets, once."""
    task = HelpTask.objects.select_related("volunteer__resident").get(pk=task.pk)
    if task.volunteer is not None and by.resident_id == task.volunteer.resident_id:
        raise PermissionDenied(_("A volunteer cannot confirm their own help."))
    if not may_confirm(task, by):
        raise PermissionDenied(_("Only the resident helped or the village's staff can confirm this."))
    now = timezone.now()
    with transaction.atomic():
        if not HelpTask.objects.filter(pk=task.pk, state=TaskState.DONE).update(
            state=TaskState.CONFIRMED, confirmed_at=now, confirmed_by=by
        ):
            raise ValidationError(_("This task is not waiting for confirmation."))
        volunteer = task.volunteer
        if volunteer is None:  # a done task always has its volunteer; the data were changed by hand
            raise ValidationError(_("This task has no volunteer to pay."))
        points = points_for(task, earned_today=_earned_today(volunteer, now))
        entry = award_points(
            volunteer.resident, points=points, hours=task.hours, by=by, source=task.source_key,
            reason=_("Help task: %(kind)s for %(name)s") % {"kind": task.get_kind_display(),
                                                            "name": task.resident.name},
        )
        HelpTask.objects.filter(pk=task.pk).update(points=entry.points)
        task.refresh_from_db()
        audit.record("helptask.confirmed", obj=task, actor=by, changes={"points": entry.points,
                                                                        "hours": task.hours})
        tell_resident.enqueue(volunteer.resident_id, "task_confirmed", {
            "kind": task.kind, "points": entry.points, "hours": str(task.hours),
        })
    return task


def cancel_task(task: HelpTask, *, by: User) -> HelpTask:
    """The resident (or staff for them) no longer needs the help, before it is done."""
    own = by.resident_id is not None and by.resident_id == task.resident_id
    if not own and not scope.serves(by, task.area_path, HELP_STAFF_ROLES):
        raise PermissionDenied(_("You may not cancel this request."))
    with transaction.atomic():
        if not HelpTask.objects.filter(pk=task.pk, state__in=[TaskState.OPEN, TaskState.CLAIMED]).update(
            state=TaskState.CANCELLED
        ):
            raise ValidationError(_("Only a request not yet done can be cancelled."))
        task.refresh_from_db()
        audit.record("helptask.cancelled", obj=task, actor=by)
    return task


def record_of(volunteer: Volunteer) -> dict[str, Any]:
    """A volunteer's record: hours, tasks and points, from the cached account (one read)."""
    from xiangli.points.models import PointsAccount

    account = PointsAccount.objects.filter(resident_id=volunteer.resident_id).first()
    return {
        "hours": account.hours if account else Decimal("0"),
        "tasks": account.tasks if account else 0,
        "earned": account.earned if account else 0,
        "balance": account.balance if account else 0,
    }
