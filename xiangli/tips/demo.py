"""Demo tip reports in the demo county, one in each state of their life: a new one, an
overdue one, one accepted, one under investigation, one answered, one closed, one not
accepted; one sent anonymously, one by the demo resident under her name. The county
administrator doubles as the tip desk of the demo county, so visitors can handle them."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from xiangli.demo.builder import FIXED_STAFF, RESIDENT_PHONE
from xiangli.people.crypto import digest
from xiangli.people.models import User

from . import services
from .models import Category, Tip, TipDesk

REPORTS = [
    # category, product, what is wrong, seller, place, days ago, steps
    (Category.SEED, "玉米种子 郑单958", "一半没出苗，包装袋上的生产许可证号查不到。", "王记种子门市", "镇农资一条街",
     2, []),
    (Category.FERTILISER, "复合肥 45%", "化开后底下全是沙子，庄稼没见效果。", "流动货车", "村口", 12, []),
    (Category.PESTICIDE, "吡虫啉可湿性粉剂", "打了三遍蚜虫还在，怀疑有效成分不足。", "惠农农资店", "镇集市", 9,
     ["accept"]),
    (Category.MACHINERY, "小型旋耕机", "新买的用了两天齿轮就断了，商家不给换。", "丰收农机", "县城农机市场", 20,
     ["accept", "investigate"]),
    (Category.PESTICIDE, "草甘膦水剂", "兑水后颜色不对，打了草不死。", "李记农药", "镇集市", 35,
     ["accept", "investigate", "answer"]),
    (Category.SEED, "小麦种子", "发芽率很低。", "某种子站", "乡政府门口", 60,
     ["accept", "investigate", "answer", "close"]),
    (Category.OTHER, "兽药", "买的兽药过期了。", "宠物店", "外省", 15, ["reject"]),
]


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    me = User.objects.filter(login_digest=digest("+86" + RESIDENT_PHONE)).select_related("resident__village").first()
    county_admin_phone = next(phone for key, phone, *_ in FIXED_STAFF if key == "county_admin")
    handler = User.objects.filter(login_digest=digest("+86" + county_admin_phone)).first()
    if me is None or me.resident is None or handler is None:
        return {}
    township = me.resident.village.parent
    if township is None or township.parent is None:
        return {}
    TipDesk.objects.get_or_create(user=handler, area=township.parent)
    notes = {
        "reject": "该兽药不属于农资举报受理范围，且购买地在外省，请向购买地市场监管部门反映。",
        "answer": "经抽样送检，该批次草甘膦有效成分含量不足标示量的60%，已责令商家下架并立案处罚，退还购买款。",
    }
    count = 0
    for n, (category, product, text, seller, place, days, steps) in enumerate(REPORTS):
        received = now - dt.timedelta(days=days)
        named = n == 4  # the demo resident's own report, followed under "My reports"
        tip, _secret = services.submit_tip(
            by=me if named else None, category=category, product=product, description=text, seller=seller,
            place=place, bought_on=timezone.localdate(received) - dt.timedelta(days=rng.randint(3, 30)),
            township=township, anonymous=not named,
            name=me.name if named else "", phone=me.phone if named else "", now=received,
        )
        for k, action in enumerate(steps):
            services.transition(tip, action, by=handler, note=notes.get(action, ""),
                                outcome="confirmed" if action == "answer" else "",
                                today=timezone.localdate(received + dt.timedelta(days=2 + 3 * k)))
        count += 1
    # The demo shows steps on the days they would have happened, not all at build time.
    for tip in Tip.objects.filter(area=township).prefetch_related("steps"):
        for k, step in enumerate(sorted(tip.steps.all(), key=lambda s: s.pk)):
            step.at = tip.received_at + dt.timedelta(days=2 * k, hours=k)
            step.save(update_fields=["at"])
    return {"tip reports": count}
