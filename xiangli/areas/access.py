"""Fetching a centre by its village's code, or 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import AreaKind, Centre


def centre_by_code(code: str) -> Centre:
    return get_object_or_404(Centre.objects.select_related("area"), area__code=code, area__kind=AreaKind.VILLAGE)
