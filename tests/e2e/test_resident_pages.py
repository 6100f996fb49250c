"""The resident's main pages beyond the journeys: reached by keyboard alone, light on a slow network."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .checks import MAX_FIRST_LOAD_BYTES, first_load_bytes, keyboard_unreached
from .pages import resident_pages
from .ui import VARIANTS, Ui, Variant

PHONE_ZH, DESKTOP_EN = VARIANTS[0], VARIANTS[3]


@pytest.mark.parametrize("variant", [PHONE_ZH, DESKTOP_EN], ids=lambda v: v.id)
def test_every_link_button_and_field_of_the_resident_pages_is_reached_with_the_tab_key(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    person = ui(variant)
    pages = {"home": "/", "login": "/login/"}
    person.goto("/login/", check=False)
    person.goto("/", check=False)
    pages.update(resident_pages(person))
    unreached = {}
    for name, path in pages.items():
        if name in ("home", "login"):
            anonymous = ui(variant)
            anonymous.goto(path)
            missing = keyboard_unreached(anonymous.page)
        else:
            person.goto(path)
            missing = keyboard_unreached(person.page)
        if missing:
            unreached[name] = missing
    assert unreached == {}


def test_each_resident_page_weighs_under_150_kb_on_first_load(ui: Callable[..., Ui]) -> None:
    """Measured in a fresh browser (empty cache) per page: the document and all it loads, as sent."""
    person = ui(PHONE_ZH)
    pages = {"home": "/", "login": "/login/", **resident_pages(person)}
    state = person.context.storage_state()
    weights = {}
    for name, path in pages.items():
        fresh = person.context.browser.new_context(
            viewport={"width": 360, "height": 740}, storage_state=None if name in ("home", "login") else state)
        try:
            page = fresh.new_page()
            page.goto(person.base + path)
            weights[name] = first_load_bytes(page)
        finally:
            fresh.close()
    print("first-load bytes:", weights)
    assert {n: w for n, w in weights.items() if w > MAX_FIRST_LOAD_BYTES} == {}
    assert all(w > 0 for w in weights.values())
