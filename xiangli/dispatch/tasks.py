"""Background work of dispatch reports: building them is never done in a request.

`manage.py tick` queues `queue_monthly_reports` every few minutes; it does nothing until a
new month has begun and last month's rollup has run, then queues one `send_area_report`
per area, so the city's ~160 reports are built by all the workers side by side and one
that fails (it is tried again an hour later) holds up no other.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from xiangli.metrics import periods


def _month(code: str) -> periods.Period:
    """The month of a stored report ("2026-11"), checked when it was asked for."""
    year, number = (int(part) for part in code.split("-"))
    return periods.month(dt.date(year, number, 1))


@task()
def queue_monthly_reports() -> str:
    """Queue last month's report of the city, every county and every township not sent yet."""
    from .services import queue_due_reports

    return queue_due_reports()


@task()
def send_area_report(area_id: int, month: str) -> int:
    """One area's report for the month, built and sent to its staff once. Returns how many were told."""
    from xiangli.areas.models import Area

    from .services import send_month

    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        return 0
    return send_month(area=area, period=_month(month))


@task()
def prepare_report(report_id: int) -> int:
    """A report someone asked for from the page: build it, then tell them. Returns how many were told."""
    from .models import DispatchReport
    from .services import generate_report, notify

    report = DispatchReport.objects.select_related("area", "requested_by").filter(pk=report_id).first()
    if report is None:
        return 0
    report = generate_report(area=report.area, period=_month(report.month), by=report.requested_by)
    return notify(report, [report.generated_by] if report.generated_by else [], asked=True)


# Queued by `manage.py tick`.
PERIODIC = [queue_monthly_reports]


def run_periodic() -> str:
    """`tick --now`: queue the due reports from this process (the workers send them)."""
    from .services import queue_due_reports

    return queue_due_reports()
