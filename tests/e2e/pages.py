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
