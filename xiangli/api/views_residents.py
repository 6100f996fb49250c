"""Finding a resident at intake, for staff: masked phone and ID number only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from .access import intake_residents
from .auth import caller
from .errors import errors
from .schemas import ResidentOut

router = Router(tags=["residents"])

MATCHES = 20


class ResidentMatches(Schema):
    items: list[ResidentOut]


@router.get("/residents", response={200: ResidentMatches, **errors(400, 401)})
def search_residents(request: HttpRequest, q: str) -> dict[str, Any]:
    """Residents of the areas the caller serves at intake, by name, pinyin initials, phone
    or ID number: the first 20; type more to narrow."""
    found = intake_residents(caller(request)).search(q).select_related("village", "grid").order_by("name", "pk")
    return {"items": list(found[:MATCHES])}
