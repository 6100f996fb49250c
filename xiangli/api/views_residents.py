"""Finding a resident at intake, for staff: masked phone and ID number only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from .access import intake_residents
from .auth import caller
from .errors import errors
from .schemas import ResidentOut

router = Router(tags=["residents"])

MATCHES = 20


class ResidentMatches(Schema):
    items: list[ResidentOut]


class ResidentQuery(Schema):
    q: str = Field(min_length=1, max_length=40)


@router.post("/residents/search", response={200: ResidentMatches, **errors(400, 401)})
def search_residents(request: HttpRequest, payload: ResidentQuery) -> dict[str, Any]:
    """Residents of the areas the caller serves at intake, by name, pinyin initials, phone
    or ID number: the first 20; type more to narrow.

    A POST, so that ID numbers and phones stay out of addresses and access logs."""
    found = intake_residents(caller(request)).search(payload.q).select_related("village", "grid").order_by("name", "pk")
    return {"items": list(found[:MATCHES])}
