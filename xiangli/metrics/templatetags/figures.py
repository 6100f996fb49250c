"""How figures read on a page: rates as percentages, missing values as a dash."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "—"


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{number_format(value * 100, 1)}%"


@register.filter
def one_decimal(value: float | None) -> str:
    if value is None:
        return DASH
    return str(number_format(value, 1))


@register.filter
def share(part: int | None, whole: int | None) -> str:
    """part / whole as a percentage; a dash when there is no whole."""
    if not whole:
        return DASH
    return percent((part or 0) / whole)


@register.filter
def change(value: float | None, kind: str = "") -> str:
    """A signed change: +3, −2.5 points (for rates), or a dash."""
    if value is None:
        return DASH
    shown = value * 100 if kind == "rate" else value
    text = number_format(abs(shown), 1 if kind else 0)
    return f"{'+' if shown >= 0 else '−'}{text}"
