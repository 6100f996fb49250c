"""Lists come in pages by limit and offset, without counting the table.

The cases table holds millions of rows, so no COUNT(*): one extra row is
fetched to tell whether there is a next page.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many rows, at most 100.")
    offset: int = Field(0, ge=0, description="How many rows to skip: the `next_offset` of the page before.")


class Page(Schema, Generic[T]):
    items: list[T]
    next_offset: int | None = Field(description="The offset of the next page; null on the last page.")


def page_of(queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """One page of an ordered queryset, in one query."""
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    more = len(rows) > params.limit
    return {"items": rows[: params.limit], "next_offset": params.offset + params.limit if more else None}
