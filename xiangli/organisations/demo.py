"""Demo data of the "三自" organisations: the demo village's councils, clubs and volunteer team."""

from __future__ import annotations

import datetime as dt
import random

from xiangli.people.models import Resident, Role

from . import services
from .models import Membership, OrgActivity, OrgKind

ORGANISATIONS = [
    (OrgKind.SELF_GOVERNANCE, "村民议事会", "村内大事协商", ["议定村道硬化方案", "讨论农村人居环境整治"]),
    (OrgKind.SELF_GOVERNANCE, "红白理事会", "婚事新办、丧事简办", ["劝导简办婚宴"]),
    (OrgKind.SELF_GOVERNANCE, "道德评议会", "评议好人好事，评选道德模范", ["评选“好媳妇”“好婆婆”"]),
    (OrgKind.SELF_GOVERNANCE, "禁毒禁赌会", "宣传禁毒禁赌", ["入户宣传禁毒知识"]),
    (OrgKind.RECREATION, "广场舞队", "每晚广场舞", ["重阳节演出", "参加乡镇广场舞比赛"]),
    (OrgKind.RECREATION, "豫剧团", "排演传统戏曲", ["送戏下乡演出《朝阳沟》"]),
    (OrgKind.VOLUNTEER_TEAM, "志愿服务队", "五帮服务、环境整治", ["清理村内垃圾", "为独居老人打扫卫生"]),
]


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    from xiangli.volunteers.demo import demo_village_and_staff

    found = demo_village_and_staff()
    if found is None:
        return {}
    village, staff = found
    secretary = staff[Role.SECRETARY]
    people = list(Resident.objects.filter(village=village).order_by("pk"))
    if len(people) < 10:
        return {}
    today = now.date()
    adults = [r for r in people if r.age_on(today) >= 18]
    members = 0
    for kind, name, purpose, activities in ORGANISATIONS:
        chosen = rng.sample(adults, min(len(adults), rng.randint(6, 14)))
        org = services.found_organisation(by=secretary, village=village, kind=kind, name=name, purpose=purpose,
                                          leader=chosen[0])
        Membership.objects.bulk_create([Membership(organisation=org, resident=r,
                                                   joined_on=today - dt.timedelta(days=rng.randint(10, 700)))
                                        for r in chosen[1:]])
        members += len(chosen)
        OrgActivity.objects.bulk_create([
            OrgActivity(organisation=org, held_on=today - dt.timedelta(days=rng.randint(1, 90)), title=title,
                        participants=rng.randint(5, 60), logged_by=secretary)
            for title in activities
        ])
    return {"organisations": len(ORGANISATIONS), "members": members}
