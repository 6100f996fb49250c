"""A resident votes on a village matter; a second vote is refused; the results appear at closing.

The village's agent puts a matter to the vote at the council's desk. 王秀英 finds it on
her centre's page and votes; she had opened it in a second tab too, and the vote sent
from there is refused. The counts stay sealed while the poll is open; once it has
closed, everyone sees the results, with her single vote counted.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from xiangli.polls.models import PollKind

from .ui import AGENT, RESIDENT, Ui, Variant

TOPICS = [
    "是否在村委会门前安装健身器材？",
    "是否把每月村民议事日定在第一个星期六？",
    "是否修缮村东头的老戏台？",
    "是否在村道两侧增设路灯？",
]
# The council writes the options in the language its villagers read (a label in the other
# language would be flagged as untranslated UI by the checks).
OPTIONS = {"zh-hans": ["同意", "不同意", "弃权"], "en": ["Agree", "Disagree", "Abstain"]}


def test_a_resident_votes_once_and_sees_the_results_after_closing(
    ui: Callable[..., Ui], variant: Variant, server: Any
) -> None:
    topic = TOPICS[variant.index]
    options = OPTIONS[variant.lang]
    zone = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))  # the server's zone, as settings.py reads it
    now = dt.datetime.now(zone).replace(second=0, microsecond=0)

    # The council puts the matter to the village, open from now for a week.
    agent = ui(variant)
    agent.login(AGENT)
    agent.more("Votes")
    agent.submit(agent.button("New village matter"))
    assert agent.field("Kind").input_value() == PollKind.DELIBERATION.value
    agent.field("Topic").fill(topic)
    agent.field("Description").fill("预计花费3万元，由村集体经济收入支出。")
    agent.field("Options, one a line").fill("\n".join(options))
    agent.field("Opens").fill(f"{now:%Y-%m-%dT%H:%M}")
    agent.field("Closes").fill(f"{now + dt.timedelta(days=7):%Y-%m-%dT%H:%M}")
    agent.submit(agent.button("Set up the poll"))
    assert agent.t("The poll was set up.") in agent.messages()
    desk_poll = agent.page.url.removeprefix(agent.base)

    # 王秀英 finds it among her village's open votes, in two tabs.
    resident = ui(variant)
    resident.login(RESIDENT)
    resident.submit(resident.page.locator("a.card", has_text=resident.t("Village votes")))
    resident.submit(resident.page.locator("a.card", has_text=topic))
    assert resident.page.locator("h1").inner_text() == topic
    poll_page = resident.page.url.removeprefix(resident.base)
    second = resident.tab()
    second.goto(poll_page, check=False)

    resident.page.get_by_role("radio", name=options[0], exact=True).check()
    resident.submit(resident.button("Vote"))
    assert resident.t("Your vote was counted. Thank you.") in resident.messages()
    assert resident.page.get_by_text(
        resident.t("You have voted on this poll. Results are published when it closes.")).count() == 1
    assert resident.page.get_by_role("button", name=resident.t("Vote")).count() == 0

    # The form still open in the other tab cannot cast a second vote.
    second.page.get_by_role("radio", name=options[1], exact=True).check()
    second.submit(second.button("Vote"))
    assert second.t("You have already voted on this poll. Each person votes once.") in second.messages()

    # While it is open the council sees how many voted, not what they chose.
    agent.goto(desk_poll)
    assert agent.tn("%(n)s person has voted so far.", "%(n)s people have voted so far.", 1) in (
        agent.page.locator("main").inner_text())
    assert agent.page.locator("table.results").count() == 0

    # A week later (moved forward on the server's clock): the poll has closed.
    server.manage("shell", "--no-imports", "-c", (
        "from django.utils import timezone; from xiangli.polls.models import Poll; "
        f"Poll.objects.filter(title={topic!r}).update(closes_at=timezone.now())"
    ))
    resident.page.reload()
    resident.check()
    assert resident.page.get_by_role("heading", name=resident.t("Results"), exact=True).count() == 1
    votes = {
        str(row.locator("td").nth(0).inner_text()): int(row.locator("td").nth(1).inner_text())
        for row in resident.page.locator("table.results tbody tr").all()
    }
    assert votes == {options[0]: 1, options[1]: 0, options[2]: 0}
    turnout = resident.page.locator("dl.stats dt", has_text=resident.t("Turnout"))
    assert turnout.locator("xpath=following-sibling::dd[1]").inner_text().startswith("1 / ")

    # The village's page lists it among the results.
    resident.submit(resident.page.locator("main > p > a").first)  # "← the village: votes"
    results = resident.page.get_by_role("heading", name=resident.t("Results"), exact=True)
    assert topic in str(results.locator("xpath=following-sibling::ul[1]").inner_text())
