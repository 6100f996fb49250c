"""Demo disclosures for the demo village: four months of finances with receipts, two
projects, notices, one corrected entry, and a question answered in public."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from xiangli.demo.builder import RESIDENT_PHONE
from xiangli.people.crypto import digest
from xiangli.people.models import Role, User

from . import services
from .models import Notice, NoticeVersion, Question

INCOME = [
    ("上级转移支付（村级运转经费）", "乡财政所", 30000),
    ("集体土地租金", "伊河果蔬合作社", 12000),
    ("光伏电站发电收益", "国网栾川县供电公司", 4800),
]
SPENDING = [
    ("村道路灯电费", "国网栾川县供电公司", 860),
    ("村委会办公用品", "县城文具店", 420),
    ("卫生保洁员工资", "保洁员（2人）", 3600),
    ("老年食堂食材", "镇农贸市场", 2750),
    ("防汛物资（沙袋、雨衣）", "县应急物资站", 1980),
]
NOTICES = [
    ("2026年度城乡居民医保缴费通知",
     "请于12月31日前到村党群服务中心或通过手机缴纳，每人380元。低保、特困人员由政府代缴。"),
    ("村“两委”联席会议决定公示",
     "经村民代表会议讨论，决定硬化东组生产路800米，资金来源为上级一事一议奖补资金。公示期7天。"),
    ("低保户名单年度复核公示", "本村低保对象年度复核结果已张贴于村务公开栏，如有异议请于10日内向村监委会反映。"),
]


def _receipt(rng: random.Random, title: str, amount: int) -> SimpleUploadedFile:
    """A small picture standing in for a photographed receipt."""
    img = Image.new("RGB", (240, 140), (250, 248, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle((4, 4, 235, 135), outline=(180, 60, 60), width=2)
    draw.text((14, 16), "RECEIPT", fill=(180, 60, 60))
    draw.text((14, 56), f"No. {rng.randint(100000, 999999)}", fill=(40, 40, 40))
    draw.text((14, 90), f"CNY {amount:,}.00", fill=(40, 40, 40))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(f"receipt-{rng.randint(1, 9999)}.png", buf.getvalue(), content_type="image/png")


def _first(month: dt.date, back: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 - back, 12)
    return dt.date(year, index + 1, 1)


def _publish(notice: Notice, agent: User, when: dt.datetime) -> Notice:
    """Publish as the agent did back then: the draft's time is set while it is still a draft."""
    NoticeVersion.objects.filter(notice=notice).update(created_at=when)
    services.publish_notice(notice, by=agent)
    Notice.objects.filter(pk=notice.pk).update(published_at=when, created_at=when)
    notice.refresh_from_db()
    return notice


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    resident_user = User.objects.filter(login_digest=digest("+86" + RESIDENT_PHONE)).select_related("resident").first()
    if resident_user is None or resident_user.resident is None:
        return {}
    village = resident_user.resident.village
    agent = User.objects.filter(roles__role=Role.AGENT, roles__area=village).order_by("pk").first()
    if agent is None:
        return {}
    made: list[tuple[Notice, dt.datetime]] = []
    this_month = now.date().replace(day=1)
    for back in range(4, 0, -1):
        month = _first(this_month, back)
        published = dt.datetime.combine(_first(this_month, back - 1) + dt.timedelta(days=4), dt.time(9, 30),
                                         tzinfo=now.tzinfo)
        for title, party, base in rng.sample(INCOME, 2) + rng.sample(SPENDING, 3):
            amount = int(base * rng.uniform(0.8, 1.2))
            direction = "income" if any(title == i[0] for i in INCOME) else "spending"
            notice = services.create_notice(
                by=agent, village=village, kind="finance",
                data={"title": title, "month": month, "direction": direction, "amount": Decimal(amount),
                      "counterparty": party, "body": ""},
                receipts=[_receipt(rng, title, amount)] if direction == "spending" else [],
            )
            made.append((_publish(notice, agent, published), published))
    projects = [
        {"title": "东组生产路硬化工程", "budget": Decimal("320000"), "contractor": "栾川县路通建设有限公司",
         "started_on": _first(this_month, 2) + dt.timedelta(days=9), "progress": 65,
         "body": "长800米、宽3.5米水泥路面，一事一议奖补资金。"},
        {"title": "村党群服务中心适老化改造", "budget": Decimal("86000"), "contractor": "洛阳安居装饰工程有限公司",
         "started_on": _first(this_month, 5), "progress": 100,
         "accepted_on": _first(this_month, 2) + dt.timedelta(days=20),
         "body": "坡道、扶手、助浴设施和日间照料室，已通过乡镇组织的验收。"},
    ]
    for data in projects:
        notice = services.create_notice(by=agent, village=village, kind="project", data=data)
        when = now - dt.timedelta(days=rng.randint(20, 40))
        made.append((_publish(notice, agent, when), when))
    for title, body in NOTICES:
        notice = services.create_notice(by=agent, village=village, kind="notice", data={"title": title, "body": body})
        when = now - dt.timedelta(days=rng.randint(1, 15))
        made.append((_publish(notice, agent, when), when))
    # A correction, so the page shows how one reads.
    road = next(n for n, _ in made if n.kind == "project")
    assert road.current is not None  # noqa: S101 -- created above with its first version
    values = road.current.values()
    services.correct_notice(road, by=agent, data={**values, "progress": 80, "budget": Decimal("335000")},
                            reason="增加排水边沟，经村民代表会议同意追加预算1.5万元")
    lamp = next(n for n, _ in made if n.kind == "finance" and n.current and n.current.direction == "spending")
    question = services.ask_question(lamp, by=resident_user, text="这笔钱是哪几个月的？有没有发票？")
    services.answer_question(question, by=agent, text="是上个月的，发票照片已附在下面，原件存村会计处，可随时查看。")
    asked = Question.objects.filter(notice__village=village).count()
    return {"disclosed items": len(made), "disclosure questions": asked}
