"""Demo: the four seed policies for the whole city, some residents already enrolled,
and two policies run so grid workers have visits to make and supervisors see gaps."""

from __future__ import annotations

import datetime as dt
import random

from xiangli.people.models import Role, RoleAssignment

from . import services
from .models import EnrolmentSource, Outreach, OutreachStatus, PolicyEnrolment
from .seeds import create_seed_policies

ENROLLED_SHARE = {"pension-60": 0.7, "elderly-allowance": 0.5, "pension-contribution": 0.4, "childcare-subsidy": 0.3}


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    admin = (RoleAssignment.objects.filter(role=Role.CITY_ADMIN, area__kind="city")
             .select_related("user", "area").first())
    if admin is None:
        return {}
    policies = create_seed_policies(by=admin.user, area=admin.area)
    today = now.date()
    enrolments = []
    for policy in policies:
        share = ENROLLED_SHARE.get(policy.code, 0.5)
        for pk in services.eligible(policy, today=today).values_list("pk", flat=True).order_by("pk"):
            if rng.random() < share:
                enrolments.append(PolicyEnrolment(policy=policy, resident_id=pk, enrolled_on=today - dt.timedelta(
                    days=rng.randint(30, 900)), source=EnrolmentSource.COUNTER))
    PolicyEnrolment.objects.bulk_create(enrolments, batch_size=1000)
    made = 0
    for policy in policies[:3:2]:  # the pension from 60 and the old-age allowance
        made += services.run_policy(policy, by=admin.user, now=now).created
    # A few visits already made, so the coverage pages show every column.
    grid_worker = RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user", "area").first()
    recorded = 0
    if grid_worker is not None:
        visits = list(Outreach.objects.filter(resident__grid=grid_worker.area, status=OutreachStatus.OPEN)
                      .select_related("policy", "resident").order_by("pk")[:4])
        outcomes = [(OutreachStatus.ENROLLED, ""), (OutreachStatus.DECLINED, "已领取职工养老金"),
                    (OutreachStatus.UNREACHABLE, "外出务工，电话未接")]
        for visit, (outcome, reason) in zip(visits, outcomes, strict=False):
            services.record_outcome(visit, by=grid_worker.user, outcome=outcome, reason=reason)
            recorded += 1
    return {"policies": len(policies), "policy enrolments": len(enrolments), "outreach visits": made,
            "outreach outcomes": recorded}
