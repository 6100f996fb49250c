"""Dispatch reports: who may read and prepare them, building them from the rollups, and
sending each month's to the staff of every city, county and township once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xiangli.areas.models import Area
from xiangli.metrics import access, periods
from xiangli.metrics.models import RollupKind, RollupRun
from xiangli.metrics.periods import Period
from xiangli.notifications.models import Notification
from xiangli.notifications.services import attachment
from xiangli.people import scope
from xiangli.people.models import Role, User

from . import content, pdfs, workbook
from .models import DISPATCH_KINDS, FORMATS, LANGUAGES, DispatchReport

# Staff of an area who receive its report and may prepare one; auditors only read.
DISPATCH_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN}
READER_ROLES = DISPATCH_ROLES | {Role.AUDITOR}
# How far back a report may be asked for.
MAX_MONTHS_BACK = 36
# A request the worker has not finished after this long may be made again (the worker died).
REQUEST_STALE = dt.timedelta(minutes=15)
# An area the monthly run queued and that is still not sent this long after is queued again
# (its task was lost or failed); one area's report takes seconds to build.
QUEUED_STALE = dt.timedelta(hours=1)
BUILDERS: dict[str, Callable[[content.ReportData], bytes]] = {"xlsx": workbook.build, "pdf": pdfs.build}


def area_for(user: Any, code: str) -> Area:
    """The city, county or township by its code, if the user supervises it; else 404.
    A village's staff never get here: a village is dispatched by its township."""
    area = access.area_for(user, code)
    if area.kind not in DISPATCH_KINDS or not scope.serves(user, area.path, READER_ROLES):
        raise Http404
    return area


def may_prepare(user: Any, area: Area) -> bool:
    return scope.serves(user, area.path, DISPATCH_ROLES)


def parse_month(code: str, *, today: dt.date | None = None) -> Period:
    """A month ("2026-11") that has begun and is at most three years back; else a ValidationError."""
    today = today or timezone.localdate()
    code = (code or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}", code):
        raise ValidationError(_("Give a month as 2026-11."), code="month")
    period = periods.parse(code, today=today)
    months = today.year * 12 + today.month - 1 - MAX_MONTHS_BACK
    earliest = dt.date(months // 12, months % 12 + 1, 1)
    if period.first < earliest:
        raise ValidationError(
            _("Reports go back three years at most: the earliest month is %(month)s.")
            % {"month": f"{earliest:%Y-%m}"}, code="month")
    return period


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def generate_report(*, area: Area, period: Period, by: User | None = None,
                    today: dt.date | None = None) -> DispatchReport:
    """Build the area's report for the month from the rollups (a workbook and a PDF, in
    Chinese and English) and store it; a report already there gets the new files."""
    if area.kind not in DISPATCH_KINDS:
        raise ValidationError(_("Dispatch reports are made for the city, counties and townships."))
    today = today or timezone.localdate()
    rendered: dict[str, bytes] = {}
    for language, suffix in LANGUAGES.items():
        with translation.override(language):
            data = content.gather(area, period, today=today)
            for fmt in FORMATS:
                rendered[f"{fmt}_{suffix}"] = BUILDERS[fmt](data)
    written: list[str] = []
    try:
        with transaction.atomic():
            report, _created = DispatchReport.objects.select_for_update().get_or_create(area=area, month=period.code)
            old = [f.name for f in report.files() if f.name]
            for field, data_bytes in rendered.items():
                fmt, suffix = field.split("_")
                name = f"{suffix}.{fmt}"
                getattr(report, field).save(name, ContentFile(data_bytes), save=False)
                written.append(getattr(report, field).name)
            report.sizes = {field: len(b) for field, b in rendered.items()}
            report.generated_at = timezone.now()
            report.generated_by = by
            report.save()
            transaction.on_commit(lambda: _delete(old))
    except BaseException:
        # Nothing refers to the new files once the row is rolled back.
        _delete(written)
        raise
    return report


def request_report(*, area: Area, month: str, by: User, today: dt.date | None = None) -> DispatchReport:
    """Ask the workers for a report of the month (a new one, or fresh figures for one
    already there). The page says it is being prepared; the requester is told when it is ready."""
    from .tasks import prepare_report

    if not may_prepare(by, area):
        raise PermissionDenied(_("Auditors read dispatch reports; only the area's staff prepare them."))
    period = parse_month(month, today=today)
    now = timezone.now()
    with transaction.atomic():
        report, _created = DispatchReport.objects.select_for_update().get_or_create(area=area, month=period.code)
        if report.being_prepared and report.requested_at and now - report.requested_at < REQUEST_STALE:
            raise ValidationError(_("The report for %(month)s is already being prepared.")
                                  % {"month": content.month_label(period.code)})
        report.requested_at, report.requested_by = now, by
        report.save(update_fields=["requested_at", "requested_by"])
        # The database queue commits with this transaction: no task for a refused request.
        prepare_report.enqueue(report.pk)
    return report


def recipients(area: Area) -> list[User]:
    """The staff of exactly this area who dispatch: township staff, county or city administrators."""
    return list(User.objects.filter(is_active=True, roles__area=area, roles__role__in=DISPATCH_ROLES)
                .distinct().order_by("pk"))


def _both_languages(render: Callable[[], str]) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = render()
    with translation.override("en"):
        en = render()
    return zh, en


def attached_files(report: DispatchReport) -> list[dict[str, Any]]:
    """The workbook and the PDF as attachments of a message. One URL serves both languages:
    the download view gives each reader the file in their own and checks the area's scope."""
    area = report.area

    def title() -> str:
        return _("%(area)s %(month)s dispatch report") % {
            "area": area.display_name, "month": content.month_label(report.month)}

    title_zh, title_en = _both_languages(title)
    return [attachment(url=reverse("dispatch:download", args=[area.code, report.month, fmt]),
                       name_zh=f"{title_zh}.{fmt}", name_en=f"{title_en}.{fmt}",
                       bytes_zh=report.size(fmt, "zh-hans"), bytes_en=report.size(fmt, "en"))
            for fmt in FORMATS]


def notify(report: DispatchReport, users: list[User], *, asked: bool = False) -> int:
    """An inbox message to each user with the report's workbook and PDF attached, pointing at
    the area's reports page."""
    if not users:
        return 0
    url = reverse("dispatch:reports", args=[report.area.code])

    def render() -> str:
        args = {"area": report.area.display_name, "month": content.month_label(report.month), "url": url}
        if asked:
            return _("The dispatch report you asked for (%(area)s, %(month)s) is ready: the workbook and "
                     "the PDF are attached. All reports: %(url)s") % args
        return _("The monthly dispatch report of %(area)s for %(month)s is ready: the workbook and "
                 "the PDF are attached. All reports: %(url)s") % args

    zh, en = _both_languages(render)
    files = attached_files(report)
    Notification.objects.bulk_create(
        [Notification(user=u, message_zh=zh, message_en=en, link=url, attachments=files) for u in users]
    )
    return len(users)


def send_month(*, area: Area, period: Period, today: dt.date | None = None) -> int:
    """Generate the area's report for the month and tell its staff, once: the row is locked
    while it is built, so a second worker waits, then finds it sent. Returns how many were told."""
    with transaction.atomic():
        report, _created = DispatchReport.objects.select_for_update().get_or_create(area=area, month=period.code)
        if report.sent_at is not None:
            return 0
        report = generate_report(area=area, period=period, today=today)
        told = notify(report, recipients(area))
        DispatchReport.objects.filter(pk=report.pk).update(sent_at=timezone.now())
    return told


def month_rolled_up(period: Period, *, since: dt.datetime) -> bool:
    """True once rollups run since `since` cover the month's first and last days, so that a
    report sent on the 1st does not miss the month's last day or late changes."""
    runs = RollupRun.objects.filter(kind=RollupKind.DAYS, started_at__gte=since)
    return all(runs.filter(first_day__lte=day, last_day__gte=day).exists() for day in (period.first, period.last))


def queue_due_reports(*, today: dt.date | None = None, now: dt.datetime | None = None) -> str:
    """Queue one task per area for last month's report of the city, every county and every
    township not sent yet, so the reports are built by whichever workers are free and one
    area that fails holds up no other. Cheap when there is nothing to queue (one query), so
    the tick may call it every few minutes: an area queued less than QUEUED_STALE ago is
    left alone, and one whose task was lost or failed is queued again after that."""
    from .tasks import send_area_report

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    period = periods.month(today.replace(day=1) - dt.timedelta(days=1))
    recently_queued = Q(queued_at__gte=now - QUEUED_STALE)
    busy = (DispatchReport.objects.filter(month=period.code)
            .filter(Q(sent_at__isnull=False) | recently_queued).values("area_id"))
    due = list(Area.objects.filter(kind__in=DISPATCH_KINDS).exclude(pk__in=busy).order_by("path"))
    if not due:
        return f"dispatch {period.code}: nothing to queue"
    month_start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    if not month_rolled_up(period, since=month_start):
        return f"dispatch {period.code}: waiting for the month's rollup"
    # The row is the area's mark for the month; one may be there already (prepared from the page).
    DispatchReport.objects.bulk_create([DispatchReport(area=area, month=period.code) for area in due],
                                       ignore_conflicts=True)
    queued = 0
    for area in due:
        with transaction.atomic():
            # Claimed with a conditional update, so two ticks at once queue an area once; the
            # database queue commits with the mark, so there is never a mark without its task.
            claimed = (DispatchReport.objects.filter(area=area, month=period.code, sent_at__isnull=True)
                       .exclude(recently_queued).update(queued_at=now))
            if claimed == 1:
                send_area_report.enqueue(area.pk, period.code)
                queued += 1
    return f"dispatch {period.code}: {queued} reports queued"
