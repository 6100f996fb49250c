"""The resident's core flows with JavaScript switched off: browse the list, apply, follow the case.

Many cheap phones run old browsers, and some people turn scripts off; every resident
action is a plain link or form post. Playwright's context runs with javaScriptEnabled off.
"""

from __future__ import annotations

from collections.abc import Callable

from xiangli.cases.models import EventKind, State

from .pages import items_to_apply_for
from .ui import RESIDENT, Ui, Variant, png

VILLAGE = "庙子"  # the demo resident's village, 庙子村


def test_a_resident_without_javascript_finds_her_centre_applies_and_follows_her_case(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    # What she can apply for (she has open cases from the demo), looked up beforehand.
    helper = ui(variant, javascript=False)
    helper.login(RESIDENT)
    _, items = items_to_apply_for(helper)
    item_name, href = items[-1 - variant.index]  # the journeys with JavaScript take them from the front

    resident = ui(variant, javascript=False)
    resident.goto("/")
    resident.field("Village or community name").fill(VILLAGE)
    resident.submit(resident.button("Search"))
    resident.submit(resident.page.locator("a.card", has_text=VILLAGE + "村").first)
    assert resident.page.locator("h2", has_text=resident.t("Service list")).count() == 1

    # Narrow the list to one category and back.
    chips = resident.page.locator("nav.chips a")
    category = str(chips.nth(1).inner_text())
    resident.submit(chips.nth(1))
    assert resident.page.locator("section h3").all_inner_texts() == [category]
    resident.submit(resident.link("All"))
    assert resident.page.locator("section h3").count() > 1

    resident.submit(resident.page.locator(f'a.card[href="{href}"]'))
    resident.submit(resident.link("Apply online"))
    # Not logged in yet: the login page, which brings her back to the form.
    assert resident.page.url.startswith(resident.base + "/login/")
    resident.page.fill("#pw_phone", RESIDENT)
    resident.page.fill("#pw_password", "xiangli2026")
    resident.submit(resident.page.locator("form:has(#pw_password) button[type=submit]"))
    assert resident.t("Apply: %(name)s", name=item_name) in resident.page.locator("h1").inner_text()

    resident.field("Photos of your materials").set_input_files([png("材料.png")])
    resident.submit(resident.button("Send application"))
    number = resident.fact("Case number")
    assert resident.t("Your application was sent. Case number: %(n)s", n=number) in resident.messages()

    # Later she follows it from her list of cases and adds another photo.
    resident.submit(resident.link("My cases"))
    resident.submit(resident.page.locator("a.card", has_text=number))
    assert resident.fact("Case number") == number
    assert resident.t(State.SUBMITTED.label) in resident.fact("State")
    assert resident.page.locator("ol.timeline").get_by_text(resident.t(EventKind.CREATED.label)).count() == 1
    resident.field("Add photos of materials").set_input_files([png("补充.png", "#393")])
    resident.submit(resident.button("Upload"))
    assert resident.t("Your materials were added.") in resident.messages()
    assert resident.page.get_by_role("link", name=resident.t("File") + " 2").count() == 1
