"""A supervisor watches the city's big screen: a resident applies online meanwhile, and the
case shows on the screen within five seconds without a reload; then the supervisor drills
down city → county → township → village, where the screen shows the village's centre.
A resident's question on a disclosed item shows on her village's screen the same way, marked
as a question, without her name or what she asked.

Run at the wall's 1920×1080 and at a laptop's 1366×768, each in both languages: the screen fits
without scrolling at both (nobody scrolls a TV on a wall).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation

from xiangli.cases.models import Channel

from .pages import items_to_apply_for
from .ui import RESIDENT, Ui, Variant, png

CITY_ADMIN = "13900000006"  # the demo city's administrator
CITY = "410300"
WALL = [
    Variant("zh-hans", 1920, 1080, 4),
    Variant("en", 1920, 1080, 5),
    Variant("zh-hans", 1366, 768, 6),
    Variant("en", 1366, 768, 7),
]


def screen_text(ui: Ui, msgid: str) -> str:
    """A big screen's own words (msgctxt "screen") in the variant's language."""
    with translation.override(ui.variant.lang):
        return translation.pgettext("screen", msgid)


def stream_ids(ui: Ui) -> list[str]:
    return [str(i) for i in ui.page.locator("#stream li").evaluate_all("els => els.map(e => e.dataset.id)")]


def fits(ui: Ui) -> bool:
    return bool(ui.page.evaluate(
        "() => document.documentElement.scrollHeight <= innerHeight + 1"
        " && document.documentElement.scrollWidth <= innerWidth + 1"
    ))


@pytest.mark.parametrize("variant", WALL, ids=[v.id for v in WALL])
def test_a_new_case_shows_on_the_city_screen_and_the_supervisor_drills_down_to_its_village(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    boss = ui(variant)
    boss.login(CITY_ADMIN)
    boss.goto("/screens/")
    assert boss.page.url.endswith(f"/screens/{CITY}/")
    boss.page.wait_for_function("() => document.documentElement.classList.contains('charts')")
    assert boss.page.locator("#trend-chart canvas").count() == 1
    assert boss.page.locator("#rank-chart canvas").count() == 1
    assert fits(boss)
    before = set(stream_ids(boss))
    boss.page.evaluate("() => { window.stillTheSamePage = true; }")

    # Meanwhile, in her own browser, a resident applies online.
    resident = ui(Variant(variant.lang, 360, 740, variant.index))
    resident.login(RESIDENT)
    centre, items = items_to_apply_for(resident)
    village = centre.strip("/").split("/")[-1]  # /c/<village code>/
    item_name, href = items[-1]
    resident.goto(href, check=False)
    resident.submit(resident.link("Apply online"), check=False)
    resident.field("Photos of your materials").set_input_files([png("户口本.png")])
    resident.submit(resident.button("Send application"), check=False)
    filed = time.monotonic()
    assert resident.fact("Case number")

    # The screen shows it on top of the stream, within five seconds, without a reload.
    newest = boss.page.locator("#stream li").first
    boss.page.wait_for_function(
        "([known, item]) => { const li = document.querySelector('#stream li');"
        " return li && !known.includes(li.dataset.id) && li.textContent.includes(item); }",
        arg=[sorted(before), item_name], timeout=8000,
    )
    waited = time.monotonic() - filed
    assert waited < 5, f"the case took {waited:.1f} s to show"
    assert boss.page.evaluate("() => window.stillTheSamePage") is True
    case_id = str(newest.get_attribute("data-id"))
    assert boss.t(Channel.ONLINE.label) in str(newest.inner_text())
    assert boss.page.locator("#status").inner_text() == ""  # no "reconnecting" badge
    resident.check()  # the page the resident landed on passes the checks too

    # Down the tree, each screen with the case in its stream.
    for code in (village[:6], village[:9]):
        boss.submit(boss.page.locator(f'#rank-table a[href="/screens/{code}/"]'))
        assert boss.page.url.endswith(f"/screens/{code}/")
        assert boss.page.locator(f'#stream li[data-id="{case_id}"]').count() == 1
    boss.submit(boss.page.locator(f'#rank-table a[href="/screens/{village}/"]'))
    assert boss.page.locator(f'#stream li[data-id="{case_id}"]').count() == 1
    assert boss.page.locator("#centre-h").inner_text() == screen_text(boss, "The service centre")
    assert boss.page.locator(".centre .checks li").count() >= 7 + 4
    boss.page.wait_for_function("() => document.documentElement.classList.contains('charts')")
    assert fits(boss)
    # And back up to the township.
    boss.submit(boss.page.locator(f'.up a[href="/screens/{village[:9]}/"]'))


def test_a_residents_question_shows_on_her_villages_screen(ui: Callable[..., Ui]) -> None:
    variant = WALL[0]
    resident = ui(Variant(variant.lang, 360, 740, variant.index))
    resident.login(RESIDENT)
    village = resident.page.url.removeprefix(resident.base).strip("/").split("/")[-1]  # /c/<village code>/

    boss = ui(variant)
    boss.login(CITY_ADMIN)
    boss.goto(f"/screens/{village}/")
    before = set(stream_ids(boss))

    resident.goto(f"/disclosure/{village}/")
    notice = resident.page.locator("#notices a.card").first
    title = str(notice.inner_text()).splitlines()[0].strip()
    resident.submit(notice)
    asked = "路灯什么时候修好？"
    resident.field("Your question").fill(asked)
    resident.submit(resident.button("Ask"))
    filed = time.monotonic()

    boss.page.wait_for_function(
        "(known) => { const li = document.querySelector('#stream li');"
        " return li && !known.includes(li.dataset.id); }",
        arg=sorted(before), timeout=8000,
    )
    assert time.monotonic() - filed < 5
    newest = boss.page.locator("#stream li").first
    assert str(newest.get_attribute("data-id")).startswith("q")
    assert "question" in str(newest.get_attribute("class")).split()
    shown = str(newest.inner_text())
    assert title[:20] in shown and screen_text(boss, "Question") in shown
    assert asked not in shown and "王" not in shown
    assert fits(boss)


def test_the_screen_runs_unattended_for_days(ui: Callable[..., Ui]) -> None:
    """280 new cases, a network outage and a revoked session, on a fast-forwarded clock:
    the page keeps the same number of nodes, shows a reconnecting badge and resumes from its
    cursor, reloads when the server says the screen is gone, and once a day around 4 a.m."""
    variant = WALL[0]
    tv = ui(variant)
    tv.login(CITY_ADMIN)
    tv.page.clock.install()
    polls: list[str] = []
    mode = {"now": "up"}
    first: dict[str, Any] = {}

    def answer(route: Any) -> None:
        polls.append(parse_qs(urlsplit(route.request.url).query).get("after", [""])[0])
        n = len(polls)
        if mode["now"] == "down":
            route.abort("connectionrefused")
        elif mode["now"] == "gone":
            route.fulfill(status=404, json={"error": {"code": "not_found", "message": "", "fields": {}}})
        else:
            stream = [{"id": n * 100 + i, "time": "10:00", "village": "测试村", "item": "测试事项", "channel": "网上"}
                      for i in range(9, -1, -1)]
            route.fulfill(json={**first, "stream": stream, "cursor": f"cursor-{n}"})

    tv.page.route("**/data.json*", answer)
    tv.goto(f"/screens/{CITY}/", check=False)
    first.update(json.loads(str(tv.page.locator("#screen-data").text_content())))
    first.pop("charts")

    def poll_once() -> None:
        expected = len(polls) + 1
        tv.page.clock.run_for(3000)
        for _ in range(200):
            if tv.page.locator("#stream li").first.get_attribute("data-id") == str(expected * 100 + 9):
                return
            tv.page.wait_for_timeout(10)
        raise AssertionError(f"poll {expected} did not reach the page")

    def nodes() -> int:
        return int(tv.page.evaluate("() => document.getElementsByTagName('*').length"))

    for _ in range(4):
        poll_once()
    settled = nodes()
    for _ in range(24):
        poll_once()
    assert nodes() == settled
    assert tv.page.locator("#stream li").count() == 30

    # The network goes: a badge, and ever longer pauses between tries.
    last_cursor = f"cursor-{len(polls)}"
    mode["now"] = "down"
    tried = len(polls)
    for _ in range(20):
        tv.page.clock.run_for(3000)
        tv.page.wait_for_timeout(20)
    assert tv.page.locator("#status").inner_text() == screen_text(tv, "Reconnecting…")
    assert 3 <= len(polls) - tried <= 8, "60 s of outage: tries back off instead of every 3 s"
    # It comes back: the screen resumes where it was, and the badge goes.
    mode["now"] = "up"
    resumed = len(polls)
    for _ in range(40):
        tv.page.clock.run_for(3000)
        tv.page.wait_for_timeout(20)
        if len(polls) > resumed and tv.page.locator("#status").inner_text() == "":
            break
    assert polls[resumed] == last_cursor
    assert tv.page.locator("#status").inner_text() == ""

    # The session ends (or the link is revoked): the page reloads instead of showing old figures.
    mode["now"] = "gone"
    with tv.page.expect_navigation():
        tv.page.clock.run_for(3000)
    tv.page.unroute("**/data.json*")

    # Around 4 a.m. it reloads itself, to run the code deployed since.
    wall = ui(variant)
    wall.login(CITY_ADMIN)
    night = wall.page.evaluate("() => { const d = new Date(); d.setHours(2, 50, 0, 0); return d.getTime(); }")
    wall.page.clock.install(time=night / 1000)
    wall.goto(f"/screens/{CITY}/", check=False)
    wall.page.evaluate("() => { window.stillTheSamePage = true; }")
    with wall.page.expect_navigation():
        wall.page.clock.fast_forward("01:25:00")
    assert wall.page.evaluate("() => window.stillTheSamePage") is None
    assert wall.page.url.endswith(f"/screens/{CITY}/")
