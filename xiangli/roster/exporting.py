"""Exporting a list of residents to Excel, masked unless the person may see full details.

The columns are the roster's own, so a village can correct an exported list and
import it back. Full ID numbers and phones are written only for someone who may
reveal them for every resident listed, with a reason, and each resident's reveal is
logged as if done one at a time on screen.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xiangli.audit import services as audit
from xiangli.people.models import REVEAL_ROLES, PersonalDataAccess, Resident, Tag, User

from .sheets import COLUMNS, write_workbook

MAX_EXPORT_ROWS = 20_000


def headings() -> list[str]:
    english = (get_language() or "").startswith("en")
    return [str(c.en) if english else c.zh for c in COLUMNS]


def export_residents(
    residents: QuerySet[Resident], *, by: User, full: bool = False, reason: str = "", ip: str | None = None,
    what: str = "",
) -> bytes:
    """The residents as an .xlsx workbook (at most MAX_EXPORT_ROWS), masked unless `full`.

    `residents` must already be scoped to what `by` may see; `what` names the list
    in the audit trail ("policy pension, not enrolled").
    """
    total = residents.count()
    if total > MAX_EXPORT_ROWS:
        raise ValidationError(_("This list has %(n)d residents; an export may have at most %(max)d. "
                                "Narrow it by area or tag.") % {"n": total, "max": MAX_EXPORT_ROWS})
    reason = reason.strip()[:200]
    if full:
        if total != residents.filter(pk__in=Resident.objects.served_by(by, REVEAL_ROLES).values("pk")).count():
            raise PermissionDenied(_("Some residents in this list are outside the areas where you may see "
                                     "full details."))
        if len(reason) < 2:
            raise ValidationError({"reason": _("Please say why you need the full values.")})
    rows = list(residents.select_related("village", "grid").order_by("area_path", "name", "pk"))
    labels = dict(Tag.choices)
    yes, no = _("yes"), _("no")

    def line(r: Resident) -> list[Any]:
        return [
            r.name,
            r.id_number if full else r.masked_id_number,
            r.village.code,
            r.grid.code if r.grid else "",
            _national(r.phone) if full else r.masked_phone,
            r.household,
            yes if r.is_household_head else no,
            "、".join(str(labels.get(t, t)) for t in r.tags),
            r.disability_grade or "",
            r.get_gender_display(),
            r.birth_date.isoformat(),
        ]

    data = write_workbook(headings(), (line(r) for r in rows))
    with transaction.atomic():
        if full:
            PersonalDataAccess.objects.bulk_create(
                [PersonalDataAccess(actor=by, resident=r, field=f, reason=reason, ip=ip)
                 for r in rows for f in ("id_number", "phone")],
                batch_size=1000,
            )
        audit.record("personal_data.exported" if full else "roster.exported", actor=by,
                     area_path=audit.user_area_path(by),
                     object_type="people.resident", object_repr=what[:200],
                     changes={"residents": len(rows), "full": full, **({"reason": reason} if full else {})})
    return data


def _national(phone: str) -> str:
    from xiangli.people.phones import national

    return national(phone) if phone else ""
