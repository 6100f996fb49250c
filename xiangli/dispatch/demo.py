"""Last month's dispatch reports for the demo areas that have dispatching staff, sent as the
monthly task would send them: each such staff member finds one in the inbox, with the
workbook and the PDF attached, on first start. Built after the rollups (metrics' demo)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from xiangli.areas.models import Area
from xiangli.metrics import periods
from xiangli.people.models import RoleAssignment

from .models import DISPATCH_KINDS, DispatchReport
from .services import DISPATCH_ROLES, send_month


def build(*, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    period = periods.month(today.replace(day=1) - dt.timedelta(days=1))
    staffed = RoleAssignment.objects.filter(role__in=DISPATCH_ROLES).values("area_id")
    areas = Area.objects.filter(kind__in=DISPATCH_KINDS, pk__in=staffed).order_by("path")
    told = sum(send_month(area=area, period=period, today=today) for area in areas)
    return {"dispatch reports sent": len(areas), "staff told of a dispatch report": told}


def purge() -> None:
    for report in DispatchReport.objects.all():
        for file in report.files():
            if file.name:
                file.delete(save=False)
    DispatchReport.objects.all().delete()
