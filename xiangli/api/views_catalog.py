"""The service list, public: what each centre can do or carry for a resident."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from xiangli.areas.access import centre_by_code
from xiangli.areas.models import CentreFunction
from xiangli.catalog.models import ServiceItem

from .errors import errors
from .pagination import Page, PageParams, page_of
from .schemas import ItemOut

router = Router(tags=["service list"])


class ItemFilters(Schema):
    category: CentreFunction | None = None
    centre: str | None = Field(None, description="A village's area code: only what its centre offers.")


@router.get("/items", auth=None, response={200: Page[ItemOut], **errors(400, 404)})
def list_items(request: HttpRequest, filters: Query[ItemFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Active service items, by category; with `centre`, those that centre has not switched off."""
    items = ServiceItem.objects.filter(active=True)
    if filters.centre:
        items = ServiceItem.objects.offered_by(centre_by_code(filters.centre))
    if filters.category:
        items = items.filter(category=filters.category)
    return page_of(items.order_by("category", "sort", "code"), page)


@router.get("/items/{code}", auth=None, response={200: ItemOut, **errors(404)})
def get_item(request: HttpRequest, code: str) -> ServiceItem:
    return get_object_or_404(ServiceItem, code=code, active=True)
