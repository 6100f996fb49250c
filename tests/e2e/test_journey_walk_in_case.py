"""An agent enters a walk-in case at the counter and moves it through every step.

The resident is not on file yet: the agent looks her up by ID number, registers her,
files the case with a photo of her materials, and then accepts it, asks for a missing
material, receives it, carries the case to the township, marks it done, records her
closes it, and records the rating she gives at the counter. Her trips are counted on the way.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from xiangli.cases.models import Channel, State
from xiangli.cases.services import TRANSITIONS
from xiangli.people.idnumbers import make_id_number

from .checks import errors_not_tied
from .ui import AGENT, Ui, Variant, png

# The demo village's county (栾川县): a walk-in born there.
REGION = "410324"


def test_an_agent_registers_a_walk_in_files_her_case_and_carries_it_to_the_end(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    agent = ui(variant)
    agent.login(AGENT)
    assert agent.page.locator("h1").inner_text() == agent.t("Queue")

    id_number = make_id_number(REGION, dt.date(1948, 3, 1 + variant.index), random.randrange(500), "F")  # noqa: S311
    agent.submit(agent.link("New case"))
    agent.field("Name, pinyin initials, phone or ID number").fill(id_number)
    agent.submit(agent.button("Find"))
    assert agent.page.get_by_text(agent.t("No resident found.")).count() == 1

    agent.submit(agent.link("Register a new resident"))
    name = ["赵桂兰", "钱秀珍", "孙玉梅", "李凤英"][variant.index]
    agent.field("Name").fill(name)
    agent.field("ID number").fill(id_number)
    agent.submit(agent.button("Register"))
    assert agent.t("%(name)s was registered.", name=name) in agent.messages()

    # Filing without choosing the service is refused beside the service list.
    form = agent.page.locator("form.form")
    agent.novalidate(form)
    agent.submit(agent.button("Enter case"))
    assert errors_not_tied(agent.page) == []
    assert agent.field("Service").get_attribute("aria-invalid") == "true"

    service = agent.field("Service")
    options = service.locator("option:not([value=''])")
    item_name = str(options.nth(variant.index).inner_text()).split(" · ")[0]
    service.select_option(index=variant.index + 1)
    assert agent.page.get_by_role("radio", name=agent.t(Channel.WALK_IN.label)).is_checked()
    agent.field("Note").fill("本人到窗口办理")
    agent.field("Photos of the materials").set_input_files([png("申请表.png")])
    agent.submit(agent.button("Enter case"))

    number = agent.fact("Case number")
    assert agent.t("Case %(n)s entered.", n=number) in agent.messages()
    assert agent.fact("Service") == item_name
    assert agent.t(State.SUBMITTED.label) in agent.fact("State")
    assert agent.fact("Trips made") == "1"

    notes = {"request_materials": "缺少户口本复印件", "carry": "送镇便民服务中心"}
    steps = [
        ("accept", State.ACCEPTED),
        ("request_materials", State.MATERIALS_PENDING),
        ("receive_materials", State.ACCEPTED),
        ("carry", State.CARRIED),
        ("complete", State.DONE),
    ]
    for action, state in steps:
        if note := notes.get(action):
            agent.page.locator(f"#note-{action}").fill(note)
        agent.submit(agent.button(TRANSITIONS[action].label))
        assert agent.t("Saved.") in agent.messages(), action
        assert agent.t(state.label) in agent.fact("State"), action
        if action == "request_materials":
            # She brings the missing paper in person: one more trip.
            agent.page.locator("#note-visit").fill("补交户口本")
            agent.submit(agent.button("Count a trip"))
            assert agent.fact("Trips made") == "2"
    assert agent.fact("Carried to")

    agent.submit(agent.button(TRANSITIONS["close"].label))
    assert agent.t(State.CLOSED.label) in agent.fact("State")
    agent.page.get_by_role("radio", name="★★★★★", exact=True).check()
    agent.submit(agent.button("Save rating"))
    assert agent.fact("Rating").startswith("5/5")
    assert agent.page.get_by_text(agent.t("No step is open to you now.")).count() == 1
    timeline = agent.page.locator("ol.timeline > li")
    assert timeline.count() >= 8
    assert agent.page.locator("ol.timeline").get_by_text("缺少户口本复印件").count() == 1

    # The case is among the village's finished ones.
    agent.submit(agent.link("Queue"))
    agent.submit(agent.link("Finished"))
    assert agent.page.locator("tr", has_text=number).count() == 1
