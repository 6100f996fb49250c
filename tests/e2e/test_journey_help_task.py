"""An elderly resident's request for help (五帮) is taken by a volunteer, done and confirmed.

The request comes in either of the two ways the five helps take it: on a phone,
王秀英 (67) asks on her centre's page and later confirms she was helped herself; at a
desk, she has called the number on her heart card, the agent of her village enters
the call and confirms the help when she rings back. In between, the village's volunteer
takes the task on her phone and marks it done with the hours it took, and her record
then shows those hours and the points the centre pays for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from xiangli.volunteers.models import HelpKind, TaskChannel, TaskState

from .ui import AGENT, RESIDENT, VOLUNTEER, Ui, Variant

# What she asks for in each variant: the kind, and a note only this variant's task carries.
ASKS = [
    (HelpKind.SHOPPING, "帮忙买两斤鸡蛋和一袋面"),
    (HelpKind.ERRAND, "帮忙到镇上取降压药"),
    (HelpKind.CONSULT, "问问医保报销要带什么"),
    (HelpKind.CLEANING, "院子里的落叶扫一扫"),
]
HOURS = ["0.5", "1.0", "1.5", "0.5"]


def _asks_on_her_phone(resident: Ui, kind: HelpKind, note: str) -> None:
    resident.login(RESIDENT)
    resident.submit(resident.page.locator("a.card", has_text=resident.t("Ask for help")))
    resident.page.get_by_role("radio", name=resident.t(kind.label), exact=True).check()
    resident.field("Anything the volunteer should know (optional)").fill(note)
    resident.submit(resident.button("Send"))
    assert resident.t("Your request was sent. A volunteer of your village will come.") in resident.messages()
    request = resident.page.locator("li.card", has_text=note)
    assert resident.t(TaskState.OPEN.label) in request.inner_text()


def _agent_enters_her_call(agent: Ui, kind: HelpKind, note: str) -> None:
    agent.login(AGENT)
    agent.more("Help tasks")
    agent.submit(agent.link("Enter a call"))
    agent.field("Name, pinyin initials, phone, ID number or heart card number").fill("王秀英")
    agent.submit(agent.button("Find"))
    agent.submit(agent.page.locator("a.card", has_text="138****0001"))
    assert agent.page.locator("h1").inner_text() == agent.t("Help for %(name)s", name="王秀英")
    agent.page.get_by_role("radio", name=agent.t(kind.label), exact=True).check()
    # A call to the heart card is what the desk expects first.
    assert agent.field("Asked").locator("option:checked").inner_text() == agent.t(TaskChannel.HEART_CARD.label)
    agent.field("Anything the volunteer should know (optional)").fill(note)
    agent.submit(agent.button("Enter the task"))
    assert agent.t("Help task entered for %(name)s.", name="王秀英") in agent.messages()
    assert agent.t(TaskState.OPEN.label) in agent.fact("State")
    assert agent.t(TaskChannel.HEART_CARD.label) in agent.fact("Asked")


def _record(volunteer: Ui) -> tuple[Decimal, int]:
    """The hours and the points earned on the volunteer's record."""
    stats = volunteer.page.locator("dl.stats")

    def stat(msgid: str) -> str:
        dt = stats.locator("dt", has_text=volunteer.t(msgid)).first
        return str(dt.locator("xpath=following-sibling::dd[1]").inner_text()).strip()

    return Decimal(stat("Hours")), int(stat("Points earned"))


def test_a_request_for_help_is_taken_done_and_confirmed_and_the_volunteer_earns_points(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    kind, note = ASKS[variant.index]
    hours = HOURS[variant.index]
    # On a phone she asks and confirms herself; at a desk the agent does both for her.
    asker = ui(variant)
    if variant.phone:
        _asks_on_her_phone(asker, kind, note)
    else:
        _agent_enters_her_call(asker, kind, note)
    asked_at = asker.page.url.removeprefix(asker.base)

    # The volunteer sees it among the tasks waiting in her village and takes it.
    volunteer = ui(variant)
    volunteer.login(VOLUNTEER)
    volunteer.submit(volunteer.link("Mine"))
    volunteer.submit(volunteer.page.locator("a.card", has_text=volunteer.t("Help tasks (volunteers)")))
    volunteer.submit(volunteer.link("My record"))
    hours_before, points_before = _record(volunteer)
    volunteer.page.go_back()

    waiting = volunteer.page.locator("li.card", has_text=note)
    assert volunteer.t(kind.label) in waiting.inner_text() and "王秀英" in waiting.inner_text()
    volunteer.submit(waiting.get_by_role("button", name=volunteer.t("I will do it")))
    assert volunteer.t("The task is yours. Please call or visit soon.") in volunteer.messages()

    mine = volunteer.page.locator("li.card", has_text=note)
    assert volunteer.t(TaskState.CLAIMED.label) in mine.inner_text()
    mine.get_by_label(volunteer.t("Hours it took")).fill(hours)
    volunteer.submit(mine.get_by_role("button", name=volunteer.t("I have done it")))
    assert volunteer.t("Marked done. Your hours count once it is confirmed.") in volunteer.messages()
    assert volunteer.t(TaskState.DONE.label) in volunteer.page.locator("li.card", has_text=note).inner_text()

    # She was helped, and says so.
    asker.goto(asked_at)
    if variant.phone:
        request = asker.page.locator("li.card", has_text=note)
        assert asker.t(TaskState.DONE.label) in request.inner_text()
        assert "吴春燕" in request.inner_text()  # who helped her
        asker.submit(request.get_by_role("button", name=asker.t("Yes, I was helped")))
        assert asker.t("Thank you for confirming.") in asker.messages()
        request = asker.page.locator("li.card", has_text=note)
        assert asker.t(TaskState.CONFIRMED.label) in request.inner_text()
        assert request.get_by_role("button").count() == 0
    else:
        assert asker.fact("Volunteer") == "吴春燕"
        assert asker.fact("Hours") == hours
        asker.submit(asker.button("Confirm the help was given"))
        assert asker.t("Confirmed; the volunteer's hours and points are recorded.") in asker.messages()
        assert asker.t(TaskState.CONFIRMED.label) in asker.fact("State")

    # The volunteer's record: the hours, and the points the centre's rule pays, once.
    volunteer.submit(volunteer.link("My record"))
    hours_after, points_after = _record(volunteer)
    assert hours_after - hours_before == Decimal(hours)
    latest = str(volunteer.page.locator("ul.cards li.card").first.inner_text())
    assert volunteer.t(kind.label) in latest and f"{hours} h" in latest
    paid = int(re.findall(r"\d+", latest.rsplit("·", 1)[-1])[0])
    assert points_after - points_before == paid
    if not variant.phone:
        assert asker.fact("Points paid").startswith(f"{paid} ·")
