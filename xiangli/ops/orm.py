"""Small ORM helpers for the request paths that run most often."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from django.db.models import Field, Model, QuerySet
from django.utils.encoding import force_str

M = TypeVar("M", bound=Model)


def unique_row(queryset: QuerySet[M]) -> M | None:
    """The row a filter on a unique key finds, or None.

    `first()` adds ORDER BY pk (or the model's ordering), and building that clause on a
    wide select_related costs about a millisecond of CPU per call, a tenth of a case
    request's Python time (measured with bench/write_cpu.py's profile); a unique filter
    matches one row at most, so there is nothing to order. `order_by()` also drops the
    model's default ordering (a service item's, an area's), which slicing alone keeps."""
    return next(iter(queryset.order_by()[:1]), None)


@cache
def _labels(field: Field[Any, Any]) -> dict[Any, Any]:
    # Values to (lazy) labels, made once per field; the labels stay lazy, so each call
    # still reads them in the language of the request.
    return dict(field.flatchoices)


class ChoiceLabels(Model):
    """`get_<field>_display()` from a dict made once per field.

    Django's own makes the dict anew on every call and hashes each lazy label on the way,
    which translates every choice: a case's state on a row of thirty cost about thirty
    translations, the whole list of thirty rows hundreds."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:  # noqa: N802 -- Django's name
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): as Django does
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        return force_str(label, strings_only=True)
