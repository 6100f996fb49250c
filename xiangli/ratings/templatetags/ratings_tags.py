"""How ratings read on a page: stars that screen readers say in words, and movement."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()

DASH = "—"


@register.filter
def stars(count: int | None) -> SafeString | str:
    """★★★☆☆, read out as "3 stars"."""
    if count is None:
        return DASH
    return _stars(get_language(), int(count))


@lru_cache(maxsize=64)
def _stars(language: str | None, n: int) -> SafeString:
    # A ranking shows a hundred of these: each (language, count) is built once per process.
    words = ngettext("%(n)s star", "%(n)s stars", n) % {"n": n} if n else _("No stars")
    return format_html('<span class="stars" role="img" aria-label="{}">{}<span class="off">{}</span></span>',
                       words, "★" * n, "☆" * (5 - n))


@register.filter
def movement(row: Any) -> SafeString:
    """↑3 / ↓1 / = / new; the arrows are hidden from screen readers, which read the words."""
    return _movement(get_language(), row.movement)


@lru_cache(maxsize=512)
def _movement(language: str | None, moved: int | None) -> SafeString:
    if moved is None:
        return format_html('<span class="move new">{}</span>', _("new"))
    if moved == 0:
        shown, css, words = "=", "same", _("no change")
    elif moved > 0:
        shown, css = f"↑{moved}", "up"
        words = ngettext("up %(n)s place", "up %(n)s places", moved) % {"n": moved}
    else:
        shown, css = f"↓{-moved}", "down"
        words = ngettext("down %(n)s place", "down %(n)s places", -moved) % {"n": -moved}
    return format_html('<span class="move {}"><span aria-hidden="true">{}</span><span class="sr">{}</span></span>',
                       css, shown, words)


@register.filter
def part_value(part: dict[str, Any] | None) -> str:
    """A part's value as a person reads it: 87.3%, 4.62 / 5, 9 / 12, 5 / 7 (the same in both
    languages; formatted here without the locale machinery, a ranking shows four hundred)."""
    if not part or part.get("value") is None:
        return DASH
    key, value = part.get("key"), part["value"]
    if key in ("on_time", "one_trip", "policy"):
        return f"{value:.1f}%"
    if key == "satisfaction":
        return f"{value:.2f} / 5"
    if "target" in part:
        shown = f"{value:.1f}" if key == "volunteer" else str(value)
        return f"{shown} / {part['target']}"
    if key in ("seven", "four"):
        return f"{value} / {part.get('base')}"
    return str(value)


@register.filter
def points(part: dict[str, Any] | None) -> str:
    if not part or part.get("points") is None:
        return DASH
    return f"{part['points']:.1f}"
