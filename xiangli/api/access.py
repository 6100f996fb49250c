"""Fetch what the caller may see, or 404: another village's case or resident does not exist for them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from xiangli.cases.access import visible_case
from xiangli.ops.orm import unique_row
from xiangli.people.models import CASE_INTAKE_ROLES, Resident, ResidentQuerySet

__all__ = ["intake_residents", "resident_for_case", "visible_case"]


def intake_residents(user: Any) -> ResidentQuerySet:
    """Residents the user may enter cases for: those of the areas they serve at intake."""
    return Resident.objects.served_by(user, CASE_INTAKE_ROLES)


def resident_for_case(user: Any, resident_id: int | None) -> Resident:
    """Whose case it is: the caller themself by default, else a resident they serve, else 404."""
    if resident_id is None or resident_id == user.resident_id:
        if user.resident_id is None:
            raise ValidationError({"resident_id": _("Please say which resident the case is for.")})
        return user.resident  # type: ignore[no-any-return]
    resident = unique_row(intake_residents(user).filter(pk=resident_id))
    if resident is None:
        raise Http404
    return resident
