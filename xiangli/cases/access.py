"""Fetching one case for a user, or 404: for pages and the API alike."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .models import Case


def visible_case(user: Any, case_id: int) -> Case:
    """The case if the user may see it; another village's case is a 404, not a 403,
    so that its existence is not revealed either."""
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
    """A case the user filed for themself as a resident, or 404."""
    case = visible_case(user, case_id)
    if case.resident_id != user.resident_id:
        raise Http404
    return case
