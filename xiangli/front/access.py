"""Access helpers for pages: fetch what the user may see, or 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404
from django.shortcuts import get_object_or_404

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.cases.models import Case


def centre_by_code(code: str) -> Centre:
    return get_object_or_404(Centre.objects.select_related("area"), area__code=code, area__kind=AreaKind.VILLAGE)


def visible_case(user: Any, case_id: int) -> Case:
    """The case if the user may see it; another village's case is a 404, not a 403."""
    case = (
        Case.objects.visible_to(user)
        .select_related("resident", "item", "village", "centre", "agent")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    return case


def own_case(user: Any, case_id: int) -> Case:
    case = visible_case(user, case_id)
    if case.resident_id != user.resident_id:
        raise Http404
    return case


def village_of(area: Area | None) -> Area | None:
    return area.village() if area else None


def add_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
