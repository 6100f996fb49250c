"""The Open311 demo: the city's 12345 hotline as a client with a published demo key.

Some residents of the demo village have called the hotline: their cases were
opened at once (one is already done), and two callers whose phones are not on
file wait on the village staff's "Open311 submissions" page. The key is fixed
so that any Open311 client can be pointed at a running demo (docs/open311.md).
"""

from __future__ import annotations

import datetime as dt
import random

from xiangli.areas.models import Area
from xiangli.cases import services as cases
from xiangli.cases.models import Case, CaseEvent, EventKind
from xiangli.catalog.models import ServiceItem
from xiangli.demo.builder import RESIDENT_PHONE
from xiangli.people.crypto import digest
from xiangli.people.models import Resident, Role, RoleAssignment, User

from . import services
from .models import ApiClient

DEMO_KEY = "o311_demo_12345_hotline"  # demo only: a real deployment issues keys in the admin
SERVICE_PHONE = "13900000311"


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    me = Resident.objects.filter(phone_digest=digest("+86" + RESIDENT_PHONE)).select_related("village__parent").first()
    if me is None or me.village.parent is None:
        return {}
    village: Area = me.village
    township: Area = village.parent  # type: ignore[assignment]
    agent = User.objects.filter(roles__role=Role.AGENT, roles__area=village).order_by("pk").first()
    if agent is None or User.objects.filter(login_digest=digest("+86" + SERVICE_PHONE)).exists():
        return {}

    # The hotline's service account: township staff, so it may enter cases in the township.
    account = User.objects.create_user(SERVICE_PHONE, None, name="12345热线（Open311）")
    RoleAssignment.objects.create(user=account, role=Role.TOWNSHIP_STAFF, area=township)
    client = ApiClient(name="12345 市民热线", contact="12345热线值班室", acting_user=account,
                       per_minute=60, per_hour=2000)
    client.key_digest, client.key_prefix = services.key_digest(DEMO_KEY), DEMO_KEY[:9]
    client.save()

    items = [i for i in ServiceItem.objects.offered_by(village.centre).order_by("code")
             if i.proxy_allowed and i.materials_zh][:12]
    callers = list(Resident.objects.filter(village=village).exclude(phone_digest="").exclude(pk=me.pk)
                   .order_by("pk")[:40])
    if not items or not callers:
        return {}
    opened = waiting = 0
    for n, resident in enumerate(rng.sample(callers, min(4, len(callers)))):
        item = rng.choice(items)
        sub = services.submit(client, services.Filing(
            item=item, place=resident.grid or village, phone=resident.phone,
            description="老人来电：想请代办员上门帮忙办理。",
            answers={"call_back": [rng.choice(services.CALL_TIMES)], "home_visit": [services.YES]},
        ))
        if sub.case is None:
            continue
        opened += 1
        # The demo's timelines read like real ones: the case and its first step at one instant.
        CaseEvent.objects.filter(case=sub.case, kind=EventKind.CREATED).update(at=sub.case.submitted_at)
        if n == 0:
            cases.accept_case(sub.case, by=agent)
            done = cases.complete_case(sub.case, by=agent, note="已办结，结果已电话告知。")
            step = CaseEvent.objects.filter(case=done, kind=EventKind.DONE).values_list("at", flat=True).first()
            Case.objects.filter(pk=done.pk).update(done_at=step)
        elif n == 1:
            cases.accept_case(sub.case, by=agent)
    for phone, (last, first) in (("13700000311", ("刘", "桂兰")), ("13700000312", ("赵", "满仓"))):
        services.submit(client, services.Filing(
            item=rng.choice(items), place=village, phone=phone, last_name=last, first_name=first,
            description="代家中老人来电，老人没有手机。", answers={"call_back": ["morning"]},
        ))
        waiting += 1
    return {"open311 clients": 1, "open311 cases": opened, "open311 submissions waiting": waiting}
