"""The four policies the source names or implies, for the demo and the benchmark.

- 城乡居民基本养老保险待遇领取: the urban-rural residents' basic pension, paid from 60;
- 代缴最低档次养老保险费: the state pays the minimum pension contribution for low-income,
  extremely poor and severely disabled residents of contributing age (16–59);
- 高龄津贴: an old-age allowance from 80;
- 育儿补贴: the childcare subsidy for children under 3.
"""

from __future__ import annotations

from typing import Any

from xiangli.areas.models import Area
from xiangli.catalog.models import ServiceItem
from xiangli.people.models import User

from . import services
from .models import Policy, PolicyStatus

SEVERELY_DISABLED = {"all": [{"tag": "disabled"}, {"field": "disability_grade", "op": "<=", "value": 2}]}

SEEDS: list[dict[str, Any]] = [
    {
        "code": "pension-60", "item": "YL-002",
        "name_zh": "城乡居民基本养老保险待遇领取", "name_en": "Urban-rural residents' basic pension from 60",
        "benefit": "年满60周岁、累计缴费满15年的参保居民，按月领取基础养老金和个人账户养老金。",
        "rule": {"all": [{"field": "age", "op": ">=", "value": 60}]},
    },
    {
        "code": "pension-contribution", "item": "YL-003",
        "name_zh": "代缴最低档次养老保险费", "name_en": "Minimum pension contribution paid by the state",
        "benefit": "低保对象、特困人员、重度残疾人等困难群体，由政府代缴最低档次城乡居民养老保险费。",
        "rule": {"all": [
            {"field": "age", "op": ">=", "value": 16}, {"field": "age", "op": "<", "value": 60},
            {"any": [{"tag": "low_income"}, {"tag": "extremely_poor"}, SEVERELY_DISABLED]},
        ]},
    },
    {
        "code": "elderly-allowance", "item": "MZ-004",
        "name_zh": "高龄津贴", "name_en": "Old-age allowance from 80",
        "benefit": "年满80周岁的老年人按月领取高龄津贴。",
        "rule": {"all": [{"field": "age", "op": ">=", "value": 80}]},
    },
    {
        "code": "childcare-subsidy", "item": "WJ-002",
        "name_zh": "育儿补贴", "name_en": "Childcare subsidy for children under 3",
        "benefit": "3周岁以下婴幼儿，每孩每年发放育儿补贴3600元，由监护人申领。",
        "rule": {"all": [{"field": "age", "op": "<", "value": 3}]},
    },
]


def create_seed_policies(*, by: User, area: Area, live: bool = True) -> list[Policy]:
    """The seed policies for `area`, through the same action as the form; existing codes are kept."""
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=[s["item"] for s in SEEDS])}
    made = []
    for seed in SEEDS:
        existing = Policy.objects.filter(code=seed["code"]).first()
        if existing is not None:
            made.append(existing)
            continue
        item = items.get(seed["item"])
        policy = services.create_policy(
            by=by, code=seed["code"], name_zh=seed["name_zh"], name_en=seed["name_en"], benefit=seed["benefit"],
            documents=list(item.materials_zh) if item else [], rule=seed["rule"], area=area, service_item=item,
        )
        if live:
            policy = services.set_status(policy, by=by, status=PolicyStatus.LIVE)
        made.append(policy)
    return made
