"""A resident applies online for a service with a photo of her materials, and rates it when done.

The agent of her village accepts the case and marks it done at the workbench in between,
in a browser of their own.
"""

from __future__ import annotations

from collections.abc import Callable

from xiangli.cases.models import State
from xiangli.cases.services import TRANSITIONS

from .checks import errors_not_tied
from .pages import items_to_apply_for
from .ui import AGENT, RESIDENT, Ui, Variant, png


def test_a_resident_applies_with_a_photo_and_rates_the_finished_case(ui: Callable[..., Ui], variant: Variant) -> None:
    resident = ui(variant)
    resident.login(RESIDENT)
    # A resident lands on her own centre's service list.
    assert resident.page.locator("h2", has_text=resident.t("Service list")).count() == 1

    _, items = items_to_apply_for(resident)
    item_name, href = items[variant.index]
    resident.submit(resident.page.locator(f'a.card[href="{href}"]'))
    assert resident.page.locator("h1").inner_text() == item_name
    assert resident.fact("Materials to bring")

    resident.submit(resident.link("Apply online"))
    # A file that is not a photo is refused with a message she can read, and nothing is sent.
    resident.field("Photos of your materials").set_input_files(
        [{"name": "说明.png", "mimeType": "image/png", "buffer": "不是照片".encode()}])
    resident.submit(resident.button("Send application"))
    refusal = resident.t("%(name)s is not a photo or a PDF. Please send a JPEG, PNG or PDF file.", name="说明.png")
    assert refusal in resident.page.locator("form .errorlist").inner_text()
    # ... beside the file field, which a screen reader announces with it.
    assert errors_not_tied(resident.page) == []
    assert resident.field("Photos of your materials").get_attribute("aria-invalid") == "true"

    resident.field("Anything the agent should know").fill("腿脚不便，请代办员上门取材料。")
    resident.field("Photos of your materials").set_input_files([png("户口本.png"), png("身份证.png", "#36c")])
    resident.submit(resident.button("Send application"))

    number = resident.fact("Case number")
    assert resident.t("Your application was sent. Case number: %(n)s", n=number) in resident.messages()
    assert resident.t(State.SUBMITTED.label) in resident.fact("State")
    assert resident.page.get_by_role("link", name=resident.t("File") + " 2").count() == 1
    case_page = resident.page.url

    # The agent finds it among the new cases of the village and carries it through.
    agent = ui(variant)
    agent.login(AGENT)
    agent.submit(agent.link("New"))
    agent.submit(agent.page.locator("tr", has_text=number).get_by_role("link"))
    assert agent.fact("Case number") == number
    assert agent.page.get_by_text("腿脚不便").count() == 1
    for action, state in (("accept", State.ACCEPTED), ("complete", State.DONE)):
        agent.submit(agent.button(TRANSITIONS[action].label))
        assert agent.t("Saved.") in agent.messages()
        assert agent.t(state.label) in agent.fact("State")

    # Back home, a message tells her it is done; it leads to the case, where she rates it.
    # A rating sent without stars is refused beside the stars.
    resident.submit(resident.link("Messages"))
    resident.submit(resident.page.locator(".inbox a", has_text=number).first)
    assert resident.page.url == case_page
    assert resident.t(State.DONE.label) in resident.fact("State")
    rating = resident.page.locator("form.rating")
    resident.novalidate(rating)
    resident.submit(resident.button("Send rating"))
    assert rating.locator(".errorlist").count() == 1
    assert errors_not_tied(resident.page) == []

    resident.page.get_by_role("radio", name="★★★★", exact=True).check()
    resident.field("Comment").fill("代办员很耐心")
    resident.submit(resident.button("Send rating"))
    assert resident.t("Thank you for rating the service.") in resident.messages()
    assert resident.fact("Rating").startswith("4/5")
    assert resident.page.locator("form.rating").count() == 0
