"""The main pages, found through the UI as a person would reach them (no ids guessed)."""

from __future__ import annotations

from .ui import AGENT, RESIDENT, Ui


def resident_pages(ui: Ui) -> dict[str, str]:
    """Log the resident in; the addresses of her main pages by name."""
    ui.login(RESIDENT)
    centre = ui.page.url.removeprefix(ui.base)
    item = ui.page.locator("a.card", has_text=ui.t("Apply online")).first.get_attribute("href")
    ui.goto(item, check=False)
    apply = ui.link("Apply online").get_attribute("href")
    ui.goto("/me/cases/", check=False)
    case = ui.page.locator("a.card").first.get_attribute("href")
    return {"centre": centre, "item": item, "apply": apply, "my_cases": "/me/cases/", "my_case": case}


def desk_pages(ui: Ui) -> dict[str, str]:
    ui.login(AGENT)
    queue = ui.page.url.removeprefix(ui.base)
    case = ui.page.locator("table.queue tbody a").first.get_attribute("href")
    return {"desk": queue, "desk_case": case}


OPEN_STATES = ("state-submitted", "state-accepted", "state-materials_pending", "state-carried")


def items_to_apply_for(ui: Ui) -> tuple[str, list[tuple[str, str]]]:
    """The logged-in resident's centre, and its online items (name, address) she has no open case for.

    The demo gives her open cases, and a second application for the same matter is refused.
    """
    centre = ui.page.url.removeprefix(ui.base)
    busy: set[str] = set()
    ui.goto("/me/cases/", check=False)
    while True:
        for card in ui.page.locator("a.card").all():
            state = card.locator(".state").get_attribute("class") or ""
            if any(s in state.split() for s in OPEN_STATES):
                busy.add(str(card.inner_text()).splitlines()[0].strip())
        more = ui.link("More")
        if not more.count():
            break
        ui.goto("/me/cases/" + str(more.get_attribute("href")), check=False)  # href is "?offset=N"
    ui.goto(centre, check=False)
    items = []
    for card in ui.page.locator("a.card", has_text=ui.t("Apply online")).all():
        name = str(card.inner_text()).splitlines()[0].strip()
        if name not in busy:
            items.append((name, str(card.get_attribute("href"))))
    return centre, items
