"""A resident signs up for an activity of her centre and is checked in at the door.

The agent puts a clinic on the programme an hour from now (the demo's programme has
nothing that starts soon enough to open its doors during the test); 王秀英 finds it in
her centre's weekly preview, signs up and gets her code; at the door the agent finds
her by name and checks her in, and her list of activities shows she came.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from zoneinfo import ZoneInfo

from xiangli.activities.models import ActivityKind, SignupStatus

from .ui import AGENT, RESIDENT, Ui, Variant

TITLES = ["县医院眼科义诊", "老年人慢病讲座", "中医理疗进村", "口腔健康检查"]


def test_a_resident_signs_up_for_an_activity_and_is_checked_in_at_the_door(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    title = TITLES[variant.index]
    # The server's clock and zone (TIME_ZONE, as xiangli/settings.py reads it): doors open two hours before.
    zone = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))
    start = (dt.datetime.now(zone) + dt.timedelta(hours=1)).replace(second=0, microsecond=0)

    agent = ui(variant)
    agent.login(AGENT)
    agent.more("Activities")
    agent.submit(agent.link("New activity"))
    agent.field("Centre").select_option(index=1)
    agent.field("Title").fill(title)
    agent.field("Kind").select_option(ActivityKind.CLINIC.value)
    agent.field("Starts").fill(f"{start:%Y-%m-%dT%H:%M}")
    agent.field("Ends").fill(f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    agent.field("Or another place").fill("村卫生室")
    agent.field("Organiser").fill("县人民医院")
    agent.field("Places").fill("20")
    agent.field("For whom").fill("60岁以上老人")
    agent.submit(agent.button("Put on the programme"))
    assert agent.t("The activity is on the programme.") in agent.messages()
    assert agent.page.locator("h1").inner_text() == title
    door = agent.page.url

    # 王秀英 finds it in her centre's weekly preview (late on a Sunday, it is next week's).
    resident = ui(variant)
    resident.login(RESIDENT)
    resident.submit(resident.page.locator("a.card", has_text=resident.t("Activities this week")))
    card = resident.page.locator("a.card", has_text=title)
    if not card.count():
        resident.submit(resident.link("Next week"))
    resident.submit(card)
    assert resident.page.locator("h1").inner_text() == title
    assert resident.fact("Kind") == resident.t(ActivityKind.CLINIC.label)
    assert "20" in resident.fact("Places")
    resident.submit(resident.button("Sign up"))
    assert resident.t("You have a place. Show the code on “My activities” at the door.") in resident.messages()
    ticket = resident.page.locator("li.card", has_text=title)
    assert resident.t(SignupStatus.CONFIRMED.label) in ticket.inner_text()
    assert ticket.locator("figure svg").count() == 1  # the code to show at the door
    assert resident.t("Show this code at the door.") in ticket.inner_text()

    # At the door: the agent finds her by name and lets her in.
    agent.goto(door.removeprefix(agent.base))
    assert agent.t("%(n)s of %(cap)s places taken", n=1, cap=20) in agent.page.locator(".alerts").inner_text()
    agent.field("Name, pinyin initials or phone").fill("王秀英")
    agent.submit(agent.button("Search"))
    row = agent.page.locator("tr", has_text="138****0001")
    agent.submit(row.get_by_role("button", name=agent.t("Check in")))
    assert agent.t("%(name)s checked in.", name="王秀英") in agent.messages()
    came = agent.page.get_by_role("heading", name=agent.t("Came"), exact=True).locator("xpath=following-sibling::ul[1]")
    assert "王秀英" in came.inner_text()

    # Her list shows she came; the code is gone, it cannot let anyone in twice.
    resident.page.reload()
    resident.check()
    ticket = resident.page.locator("li.card", has_text=title)
    assert resident.t("Attended") in ticket.inner_text()
    assert ticket.locator("figure svg").count() == 0
