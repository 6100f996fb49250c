"""A resident's rights over their data (PIPL arts. 45 and 47): a copy of it, and erasure.

Erasure is anonymisation: the person can no longer be identified, but their cases
stay in the figures (a centre's case counts, on-time share and ratings must not
change because someone moved away), stripped of everything personal.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .crypto import digest
from .models import PersonalDataAccess, Resident, RoleAssignment, User


def export(resident: Resident) -> dict[str, Any]:
    """Everything Xiangli holds about the resident, in full: it is their own data."""
    from xiangli.cases.models import Case
    from xiangli.notifications.models import Notification

    cases = (
        Case.objects.filter(resident=resident)
        .select_related("item", "village")
        .prefetch_related("events__actor", "attachments")
        .order_by("submitted_at")
    )
    user = User.objects.filter(resident=resident).first()
    return {
        "resident": {
            "name": resident.name,
            "gender": resident.gender,
            "birth_date": resident.birth_date.isoformat(),
            "id_number": resident.id_number,
            "phone": resident.phone,
            "household": resident.household,
            "head_of_household": resident.is_household_head,
            "village": resident.village.name,
            "grid": resident.grid.name if resident.grid else None,
            "tags": resident.tags,
            "disability_grade": resident.disability_grade,
            "registered_at": resident.created_at.isoformat(),
        },
        "account": {
            "name": user.name,
            "joined": user.date_joined.isoformat(),
            "roles": [
                {"role": r.role, "area": r.area.name}
                for r in RoleAssignment.objects.filter(user=user).select_related("area")
            ],
        } if user else None,
        "cases": [
            {
                "number": c.number,
                "service": c.item.name_zh,
                "channel": c.channel,
                "state": c.state,
                "description": c.description,
                "submitted_at": c.submitted_at.isoformat(),
                "due_on": c.due_on.isoformat() if c.due_on else None,
                "trips": c.visits,
                "rating": c.rating,
                "rating_comment": c.rating_comment,
                "steps": [
                    {"step": e.kind, "at": e.at.isoformat(), "by": e.actor.name if e.actor else None, "note": e.note}
                    for e in c.events.all()
                ],
                "materials": [{"type": a.content_type, "size": a.size} for a in c.attachments.all()],
            }
            for c in cases
        ],
        "messages": [
            {"at": n.created_at.isoformat(), "text": n.message_zh}
            for n in Notification.objects.filter(resident=resident).order_by("created_at")
        ],
        # Who looked at the full ID number or phone, and why: PIPL lets a person know.
        "looked_at_by": [
            {"at": a.at.isoformat(), "who": a.actor.name, "what": a.field, "why": a.reason}
            for a in PersonalDataAccess.objects.filter(resident=resident).select_related("actor").order_by("at")
        ],
    }


@transaction.atomic
def anonymise(resident: Resident, *, by: User) -> Resident:
    """Erase who the resident is, keeping what the statistics need (village, gender,
    birth year, the cases' dates, states and ratings)."""
    from xiangli.cases.models import Attachment, Case, CaseEvent
    from xiangli.notifications.models import Notification

    if not by.is_superuser:
        raise PermissionDenied(_("Only a site administrator can anonymise a person."))
    for attachment in Attachment.objects.filter(case__resident=resident):
        attachment.file.delete(save=False)  # photos of ID cards go for good
    Attachment.objects.filter(case__resident=resident).delete()
    Case.objects.filter(resident=resident).update(description="", rating_comment="", idempotency_key=None)
    CaseEvent.objects.filter(case__resident=resident).update(note="")
    Notification.objects.filter(resident=resident).delete()
    resident.name = _("Anonymised resident %(id)s") % {"id": resident.pk}
    resident.id_number = ""
    resident.phone = ""
    resident.household = ""
    resident.is_household_head = False
    resident.tags = []
    resident.disability_grade = None
    resident.birth_date = dt.date(resident.birth_date.year, 1, 1)
    resident.save()
    for user in User.objects.filter(resident=resident):
        user.name = resident.name
        user.phone = ""
        user.login_digest = digest(f"anonymised:{secrets.token_hex(16)}")
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.sessions.all().delete()
    from xiangli.audit.services import record

    # The trail keeps what it said at the time (names, masked numbers): it is the
    # record the law asks to keep, so anonymisation does not rewrite it.
    record("resident.anonymised", obj=resident, actor=by)
    return resident
