"""Background work of dispatch reports: building them is never done in a request.

`manage.py tick` queues `send_monthly_reports` every few minutes; it does nothing until a
new month has begun and last month's rollup has run, then sends each area's report once.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from xiangli.metrics import periods


@task()
def send_monthly_reports() -> str:
    """Last month's report to the staff of the city, every county and every township (once each)."""
    from .services import send_due_reports

    return send_due_reports()


@task()
def prepare_report(report_id: int) -> int:
    """A report someone asked for from the page: build it, then tell them. Returns how many were told."""
    from .models import DispatchReport
    from .services import generate_report, notify

    report = DispatchReport.objects.select_related("area", "requested_by").filter(pk=report_id).first()
    if report is None:
        return 0
    year, month = (int(part) for part in report.month.split("-"))
    report = generate_report(area=report.area, period=periods.month(dt.date(year, month, 1)),
                             by=report.requested_by)
    return notify(report, [report.generated_by] if report.generated_by else [], asked=True)


# Queued by `manage.py tick`.
PERIODIC = [send_monthly_reports]


def run_periodic() -> str:
    from .services import send_due_reports

    return send_due_reports()
