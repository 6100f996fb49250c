"""Actions on organisations: founding, joining, leaving, choosing a leader, logging activities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.audit import services as audit
from xiangli.people import scope
from xiangli.people.models import Resident, Role, User

from .models import Membership, OrgActivity, Organisation, OrgKind

# Staff who keep the register of the village's organisations.
ORG_STAFF_ROLES = {Role.AGENT, Role.SECRETARY, Role.TOWNSHIP_STAFF}


def may_manage(org: Organisation, user: Any) -> bool:
    """Village staff, or the organisation's own leader."""
    if getattr(user, "resident_id", None) and user.resident_id == org.leader_id:
        return True
    return scope.serves(user, org.area_path, ORG_STAFF_ROLES)


def found_organisation(*, by: User, village: Any, kind: str, name: str, purpose: str = "",
                       leader: Resident | None = None) -> Organisation:
    """Register a council, club or team of a village, with its leader (who becomes a member)."""
    if not scope.serves(by, village.path, ORG_STAFF_ROLES):
        raise PermissionDenied(_("You do not serve this village."))
    if kind not in OrgKind.values:
        raise ValidationError({"kind": _("Choose the kind of organisation.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the organisation a name.")})
    if leader is not None and leader.village_id != village.pk:
        raise ValidationError({"leader": _("The leader must live in the village.")})
    if Organisation.objects.filter(village=village, name=name).exists():
        raise ValidationError({"name": _("The village already has an organisation of that name.")})
    with transaction.atomic():
        org = Organisation.objects.create(village=village, kind=kind, name=name[:100],
                                          purpose=(purpose or "").strip()[:300], leader=leader)
        if leader is not None:
            Membership.objects.create(organisation=org, resident=leader)
        audit.record("organisation.founded", obj=org, actor=by, changes={"kind": kind, "name": name,
                                                                        "leader": leader.pk if leader else None})
    return org


def join(org: Organisation, *, resident: Resident, by: User) -> Membership:
    """A resident joins (by themselves, or entered by staff or the leader)."""
    own = by.resident_id is not None and by.resident_id == resident.pk
    if not own and not may_manage(org, by):
        raise PermissionDenied(_("You may not add members to this organisation."))
    if resident.village_id != org.village_id:
        raise ValidationError(_("Only residents of the village can join its organisations."))
    if not org.is_active:
        raise ValidationError(_("This organisation is no longer active."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(organisation=org, resident=resident)
            audit.record("organisation.joined", obj=org, actor=by, changes={"resident": resident.pk})
    except IntegrityError:
        raise ValidationError(_("%(name)s is already a member.") % {"name": resident.name}) from None
    return membership


def leave(org: Organisation, *, resident: Resident, by: User) -> Membership:
    """A member leaves; the membership is kept with the day it ended."""
    own = by.resident_id is not None and by.resident_id == resident.pk
    if not own and not may_manage(org, by):
        raise PermissionDenied(_("You may not remove members of this organisation."))
    if org.leader_id == resident.pk:
        raise ValidationError(_("The leader cannot leave; choose another leader first."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(
            organisation=org, resident=resident, left_on__isnull=True
        ).first()
        if membership is None:
            raise ValidationError(_("%(name)s is not a member.") % {"name": resident.name})
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])
        audit.record("organisation.left", obj=org, actor=by, changes={"resident": resident.pk})
    return membership


def set_leader(org: Organisation, *, resident: Resident, by: User) -> Organisation:
    """Village staff name a current member the leader."""
    if not scope.serves(by, org.area_path, ORG_STAFF_ROLES):
        raise PermissionDenied(_("You do not serve this village."))
    if not Membership.objects.filter(organisation=org, resident=resident, left_on__isnull=True).exists():
        raise ValidationError(_("The leader must be a member."))
    with transaction.atomic():
        before = org.leader_id
        org.leader = resident
        org.save(update_fields=["leader"])
        audit.record("organisation.leader", obj=org, actor=by, changes={"leader": [before, resident.pk]})
    return org


def log_activity(org: Organisation, *, by: User, held_on: dt.date, title: str, notes: str = "",
                 participants: Any = 0) -> OrgActivity:
    """Write down an activity the organisation held (its leader or village staff)."""
    if not may_manage(org, by):
        raise PermissionDenied(_("Only the leader or village staff can log activities."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what happened.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("An activity is logged after it was held.")})
    try:
        count = int(participants or 0)
    except (TypeError, ValueError):
        raise ValidationError({"participants": _("Enter the number of participants.")}) from None
    if count < 0 or count > 100_000:
        raise ValidationError({"participants": _("Enter the number of participants.")})
    with transaction.atomic():
        activity = OrgActivity.objects.create(organisation=org, held_on=held_on, title=title[:150],
                                              notes=(notes or "").strip()[:4000], participants=count,
                                              logged_by=by)
        audit.record("organisation.activity", obj=org, actor=by, changes={"title": title, "held_on": held_on})
    return activity
