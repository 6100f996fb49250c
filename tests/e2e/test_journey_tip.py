"""An anonymous report of fake farm inputs, followed with its tracking code until the desk answers.

A farmer, not logged in, reports a bad batch of fertiliser with a photo and keeps the
tracking code and secret. Days later, on another phone (no session, nothing remembered),
she follows it with those two alone. The county's tip desk (the demo's county
administrator) accepts it and sends its answer; her next look shows the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xiangli.tips.models import Category, Outcome, State
from xiangli.tips.services import TRANSITIONS

from .checks import errors_not_tied
from .ui import COUNTY_ADMIN, Ui, Variant, png

# Where it was bought: a township of the demo county (栾川县), whose desk the county administrator is.
TOWNSHIP = {"zh-hans": "庙子镇", "en": "Miaozi Town"}
PRODUCTS = ["复合肥 45% 丰收牌", "尿素 46% 金穗牌", "磷酸二铵 绿野牌", "有机肥 田园牌"]
ANSWER = "经抽样送检，该批次肥料养分含量不足标示量，已责令商家下架并立案调查。"


def test_an_anonymous_tip_is_followed_with_its_code_and_the_desk_answers_it(
    ui: Callable[..., Ui], variant: Variant
) -> None:
    product = PRODUCTS[variant.index]

    reporter = ui(variant)
    reporter.goto("/tips/")
    reporter.page.get_by_role("radio", name=reporter.t(Category.FERTILISER.label), exact=True).check()
    reporter.field("Product (brand and name)").fill(product)
    reporter.field("What is wrong with it").fill("化开后底下全是沙子，撒下去一个月庄稼没见效果。")
    reporter.field("Who sold it (shop or person)").fill("流动货车")
    reporter.field("Where it was bought (market, street, village)").fill("村口")
    reporter.field("Township").select_option(label=TOWNSHIP[variant.lang])
    reporter.field("When it was bought").fill(f"{dt.date.today() - dt.timedelta(days=20):%Y-%m-%d}")
    assert reporter.page.get_by_role(
        "radio", name=reporter.t("Report anonymously: you get a tracking code and a secret")).is_checked()
    # A file that is not a photo is refused beside the photo field; what she wrote stays.
    photos = reporter.field("Photos (up to 5): the goods, the label, the receipt")
    photos.set_input_files([{"name": "收据.png", "mimeType": "image/png", "buffer": "不是照片".encode()}])
    reporter.submit(reporter.button("Send the report"))
    assert errors_not_tied(reporter.page) == []
    assert photos.get_attribute("aria-invalid") == "true"
    assert reporter.field("Product (brand and name)").input_value() == product
    photos.set_input_files([png("化肥袋.png", "#963")])
    reporter.submit(reporter.button("Send the report"))

    assert reporter.page.locator("h1").inner_text() == reporter.t("Report sent")
    code = reporter.fact("Tracking code")
    secret = reporter.fact("Secret")
    assert code and secret

    # Later, on another phone: the code and the secret are all she needs; a wrong secret is refused.
    follower = ui(variant)
    follower.goto("/tips/")
    follower.submit(follower.link("Follow a report you already sent"))
    follower.field("Tracking code").fill(code)
    follower.field("Secret").fill(secret[::-1] if secret[::-1] != secret else secret + "X")
    follower.submit(follower.button("Show the report"))
    assert follower.t("The tracking code or the secret is not right. Please check them.") in (
        follower.page.locator("form.form").inner_text())
    follower.field("Secret").fill(secret)
    follower.submit(follower.button("Show the report"))
    assert code in follower.page.locator("h1").inner_text()
    assert follower.fact("State") == follower.t(State.RECEIVED.label)
    assert product in follower.fact("What")

    # The county's tip desk accepts the report and sends its answer.
    desk = ui(variant)
    desk.login(COUNTY_ADMIN)
    desk.more("Tip reports")
    desk.submit(desk.page.locator("nav.chips").get_by_role("link", name=desk.t("New"), exact=True))
    desk.submit(desk.page.locator("tr", has_text=product).get_by_role("link"))
    assert desk.fact("Reporter") == desk.t("Anonymous")
    assert desk.page.get_by_role("link", name=desk.t("Photo") + " 1").count() == 1
    desk.submit(desk.button(TRANSITIONS["accept"].label))
    assert desk.t("Done.") in desk.messages()
    assert desk.fact("State") == desk.t(State.ACCEPTED.label)
    assert desk.fact("Answer by")
    desk.page.locator("#note-answer").fill(ANSWER)
    desk.page.locator("#outcome-answer").select_option(Outcome.CONFIRMED.value)
    desk.submit(desk.button(TRANSITIONS["answer"].label))
    assert desk.fact("State") == desk.t(State.ANSWERED.label)

    # Her next look shows the answer, word for word.
    follower.page.reload()
    follower.check()
    assert follower.fact("State") == follower.t(State.ANSWERED.label)
    assert follower.fact("Outcome") == follower.t(Outcome.CONFIRMED.label)
    assert follower.page.locator("ol.timeline").get_by_text(ANSWER).count() == 1
