"""Demo "You nominate, we test" in the demo township: nominations with their supporters (the
demo resident has supported none yet, so a visitor can), and two sampling events with
published batches, one of which failed. The county administrator doubles as the market
regulator of the demo county, so visitors can see the ranking."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from xiangli.demo.builder import FIXED_STAFF, RESIDENT_PHONE
from xiangli.people.crypto import digest
from xiangli.people.models import User

from . import services
from .models import Nomination, Regulator

FOODS = [
    ("散装白酒", "集市东头老张酒坊", "颜色发浑，喝了头疼，怀疑是勾兑的。"),
    ("熟牛肉", "镇中心市场刘记熟食", "夏天敞开放着卖，苍蝇多。"),
    ("辣条", "镇小学门口小卖部", "孩子们天天买，包装上没有生产日期。"),
    ("豆腐", "菜市场王家豆腐坊", "特别白、特别嫩，怕加了东西。"),
    ("鲜猪肉", "周六集市肉摊", "价格比别处便宜不少。"),
    ("自制糕点", "镇东路口早点铺", ""),
]


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    me = User.objects.filter(login_digest=digest("+86" + RESIDENT_PHONE)).select_related("resident__village").first()
    county_admin_phone = next(phone for key, phone, *_ in FIXED_STAFF if key == "county_admin")
    regulator = User.objects.filter(login_digest=digest("+86" + county_admin_phone)).first()
    if me is None or me.resident is None or regulator is None:
        return {}
    township = services.township_of(me.resident)
    if township is None or township.parent is None:
        return {}
    county = township.parent
    Regulator.objects.get_or_create(user=regulator, area=county)
    neighbours = list(
        User.objects.filter(resident__area_path__startswith=township.path).exclude(pk=me.pk).order_by("pk")[:80]
    )
    if len(neighbours) < 3:
        return {}
    nominations: list[Nomination] = []
    for n, (item, stall, reason) in enumerate(FOODS):
        by = neighbours[n % len(neighbours)]
        nomination = services.nominate(by=by, item=item, stall=stall, reason=reason,
                                       now=now - dt.timedelta(days=20 - n))
        # The liquor is the talk of the market: most supported, sampled, and it fails.
        wanted = rng.randint(30, 45) if n == 0 else rng.randint(2, 25)
        for supporter in rng.sample(neighbours, min(len(neighbours), wanted)):
            if supporter.pk != by.pk:
                services.support(nomination, by=supporter)
        nominations.append(nomination)
    nominations.sort(key=lambda x: -Nomination.objects.get(pk=x.pk).supports)

    today = timezone.localdate(now)
    # Last month: the two most supported were sampled; the liquor failed.
    recent = services.schedule(by=regulator, area=township, title=f"{township.name}集市群众点检",
                               planned_on=today - dt.timedelta(days=12), nominations=nominations[:2])
    batches = 0
    for nomination in nominations[:2]:
        failed = nomination.item == "散装白酒"
        services.record_batch(recent, by=regulator, item=nomination.item, seller=nomination.stall,
                              sampled_on=today - dt.timedelta(days=12), lab="县食品药品检验检测中心",
                              result="fail" if failed else "pass",
                              failing_indicator="甲醇 0.9 g/L（限量 0.6 g/L）" if failed else "",
                              nomination=nomination)
        batches += 1
    for item, seller in (("大米", "粮油店"), ("食用油", "粮油店")):
        services.record_batch(recent, by=regulator, item=item, seller=seller, sampled_on=today - dt.timedelta(days=12),
                              lab="县食品药品检验检测中心", result="pass")
        batches += 1
    # Earlier: a routine round in the county town, all passed.
    earlier = services.schedule(by=regulator, area=county, title=f"{county.name}农贸市场例行抽检",
                                planned_on=today - dt.timedelta(days=70), nominations=[])
    for item, seller in (("鸡蛋", "农贸市场3号摊"), ("韭菜", "农贸市场8号摊"), ("面条", "李记面坊")):
        services.record_batch(earlier, by=regulator, item=item, seller=seller,
                              sampled_on=today - dt.timedelta(days=70), lab="市食品检验所", result="pass")
        batches += 1
    return {"sampling nominations": len(nominations), "sampling events": 2, "sampled batches": batches}
