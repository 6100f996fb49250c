"""Each month's reports go to the staff of the city, every county and every township, once."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from xiangli.dispatch import services, tasks
from xiangli.dispatch.models import DispatchReport
from xiangli.dispatch.services import QUEUED_STALE, generate_report, queue_due_reports, send_month
from xiangli.metrics import periods
from xiangli.notifications.models import Notification
from xiangli.people.models import Role

from ..conftest import run_worker, staff
from ..test_case_rules import at_once, postgres_only
from .conftest import DEC_1, NOV

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
EVERYONE = {"Cheng": 1, "Kate": 1, "Tom": 1, "Dora": 1}


def told() -> Counter[str]:
    return Counter(Notification.objects.values_list("user__name", flat=True))


def queued_areas() -> list[int]:
    """The area of each sending task waiting in the database queue, one entry per task."""
    tasks_ = DBTaskResult.objects.filter(task_path=tasks.send_area_report.module_path, status="READY")
    return sorted(t.args_kwargs["args"][0] for t in tasks_)


def test_the_first_run_in_december_sends_november_to_each_areas_own_staff(world, november_rolled_up):
    staff("13900000010", "Tina", Role.TOWNSHIP_STAFF, world.township)
    ivan = staff("13900000011", "Ivan", Role.TOWNSHIP_STAFF, world.township)
    ivan.is_active = False
    ivan.save()
    out = queue_due_reports(today=DEC_1)
    assert out == "dispatch 2026-11: 4 reports queued"
    reports = DispatchReport.objects.select_related("area")
    assert sorted((r.area.code, r.month) for r in reports) == sorted(
        (a.code, "2026-11") for a in (world.city, world.county, world.township, world.township2))
    assert all(r.sent_at and r.generated_at and r.generated_by is None and r.pdf_zh and r.xlsx_en for r in reports)
    # Exactly the staff of each area: not the auditor, not the villages, not someone who left.
    assert told() == {"Cheng": 1, "Kate": 1, "Tom": 1, "Tina": 1, "Dora": 1}
    message = Notification.objects.get(user=world.tom)
    assert "城关镇" in message.message_zh and f"/dispatch/{world.township.code}/" in message.message_zh
    with translation.override("en"):
        assert "Chengguan" in message.message and "2026-11" in message.message
    # In the inbox the message is a link to the reports' page.
    inbox = Client()
    inbox.force_login(world.tom)
    assert f'href="/dispatch/{world.township.code}/"' in inbox.get("/inbox/").content.decode()


def test_a_second_run_the_same_month_sends_nothing(world, november_rolled_up, django_assert_max_num_queries):
    queue_due_reports(today=DEC_1)
    files = sorted(f.name for r in DispatchReport.objects.all() for f in r.files())
    with django_assert_max_num_queries(1):
        out = queue_due_reports(today=dt.date(2026, 12, 2))
    assert out == "dispatch 2026-11: nothing to queue"
    assert told() == EVERYONE
    assert sorted(f.name for r in DispatchReport.objects.all() for f in r.files()) == files


def test_the_reports_wait_for_the_rollup_of_the_whole_month(world, rolled):
    assert queue_due_reports(today=DEC_1) == "dispatch 2026-11: waiting for the month's rollup"
    assert not DispatchReport.objects.exists() and not Notification.objects.exists()


def test_a_report_someone_prepared_earlier_is_refreshed_and_sent_once(world, november_rolled_up):
    early = generate_report(area=world.township, period=periods.month(NOV), by=world.tom, today=DEC_1)
    queue_due_reports(today=DEC_1)
    early.refresh_from_db()
    assert early.sent_at is not None and early.generated_by is None
    assert told()["Tom"] == 1


def test_the_tick_queues_the_monthly_reports(db):
    assert tasks.queue_monthly_reports in tasks.PERIODIC
    assert tasks.run_periodic().startswith("dispatch ")


def test_the_monthly_run_queues_one_task_per_due_area_and_none_twice(world, november_rolled_up, settings,
                                                                     django_assert_max_num_queries):
    settings.TASKS = DB_TASKS
    areas = sorted(a.pk for a in (world.city, world.county, world.township, world.township2))
    assert queue_due_reports(today=DEC_1) == "dispatch 2026-11: 4 reports queued"
    assert queued_areas() == areas
    # Queued, not built: the tick's own task stays short.
    assert not Notification.objects.exists() and not DispatchReport.objects.filter(generated_at__isnull=False)
    # The next ticks find every area queued: one query, nothing queued again.
    with django_assert_max_num_queries(1):
        assert queue_due_reports(today=DEC_1) == "dispatch 2026-11: nothing to queue"
    assert queued_areas() == areas


def test_the_queued_tasks_send_each_report_once(world, november_rolled_up, settings, monkeypatch):
    settings.TASKS = DB_TASKS
    queue_due_reports(today=DEC_1)
    run_worker(monkeypatch)
    assert told() == EVERYONE
    assert DispatchReport.objects.filter(month="2026-11", sent_at__isnull=False).count() == 4
    assert queue_due_reports(today=DEC_1) == "dispatch 2026-11: nothing to queue"
    assert queued_areas() == []


def test_an_area_queued_over_an_hour_ago_and_not_sent_is_queued_again(world, november_rolled_up, settings,
                                                                      monkeypatch):
    settings.TASKS = DB_TASKS
    queue_due_reports(today=DEC_1)
    # The township's task was lost (its worker's machine went down with the queue row, say).
    DBTaskResult.objects.filter(args_kwargs__args__0=world.township.pk).delete()
    # The others are sent; the township's mark stays.
    run_worker(monkeypatch)
    assert told() == {"Cheng": 1, "Kate": 1, "Dora": 1}
    later = timezone.now() + QUEUED_STALE / 2
    assert queue_due_reports(today=DEC_1, now=later) == "dispatch 2026-11: nothing to queue"
    much_later = timezone.now() + QUEUED_STALE + dt.timedelta(minutes=1)
    assert queue_due_reports(today=DEC_1, now=much_later) == "dispatch 2026-11: 1 reports queued"
    assert queued_areas() == [world.township.pk]
    run_worker(monkeypatch)
    assert told() == EVERYONE


def test_an_area_already_sent_is_not_queued(world, november_rolled_up, settings):
    send_month(area=world.township, period=periods.month(NOV), today=DEC_1)
    settings.TASKS = DB_TASKS
    assert queue_due_reports(today=DEC_1) == "dispatch 2026-11: 3 reports queued"
    assert world.township.pk not in queued_areas()
    # Even long after, when a queued mark would be stale.
    DispatchReport.objects.update(queued_at=timezone.now() - 2 * QUEUED_STALE)
    DBTaskResult.objects.all().delete()
    assert queue_due_reports(today=DEC_1) == "dispatch 2026-11: 3 reports queued"
    assert world.township.pk not in queued_areas()


def test_an_area_that_fails_holds_up_no_other_and_is_tried_again(world, november_rolled_up, settings,
                                                                 monkeypatch):
    settings.TASKS = DB_TASKS
    build = services.generate_report

    def broken_for_the_county(*, area, **kwargs):
        if area == world.county:
            raise RuntimeError("the county's figures are broken")
        return build(area=area, **kwargs)

    monkeypatch.setattr(services, "generate_report", broken_for_the_county)
    queue_due_reports(today=DEC_1)
    run_worker(monkeypatch)
    assert told() == {"Cheng": 1, "Tom": 1, "Dora": 1}
    county = DispatchReport.objects.get(area=world.county, month="2026-11")
    assert county.sent_at is None and county.generated_at is None and county.queued_at is not None
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.args_kwargs["args"] == [world.county.pk, "2026-11"]
    # Mended; an hour later the tick queues the county again, and only the county.
    monkeypatch.setattr(services, "generate_report", build)
    much_later = timezone.now() + QUEUED_STALE + dt.timedelta(minutes=1)
    assert queue_due_reports(today=DEC_1, now=much_later) == "dispatch 2026-11: 1 reports queued"
    run_worker(monkeypatch)
    assert told() == EVERYONE


def test_a_task_for_an_area_sent_meanwhile_sends_nothing(world, november_rolled_up):
    send_month(area=world.township, period=periods.month(NOV), today=DEC_1)
    assert tasks.send_area_report.call(world.township.pk, "2026-11") == 0
    assert told() == {"Tom": 1}


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_ticks_at_once_send_each_report_once(world, november_rolled_up):
    outcomes = at_once(lambda: queue_due_reports(today=DEC_1), lambda: queue_due_reports(today=DEC_1))
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert told() == EVERYONE
    assert DispatchReport.objects.filter(sent_at__isnull=False).count() == 4


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sending_one_area_at_once_send_it_once(world, november_rolled_up):
    # A stale mark queues an area again while its first task is still running.
    outcomes = at_once(*[lambda: tasks.send_area_report.call(world.township.pk, "2026-11")] * 2)
    assert sorted(outcomes) == [0, 1], outcomes
    assert told() == {"Tom": 1}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An attached file in the inbox: its link (a download), its name and its size.
ATTACHED = re.compile(r'<li><a href="([^"]+)" download><span>([^<]+)</span> <small>([^<]+)</small></a></li>')


def inbox_files(user, language: str) -> list[tuple[str, str, str]]:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return ATTACHED.findall(client.get("/inbox/").content.decode())


def size(report: DispatchReport, fmt: str, language: str) -> str:
    with translation.override(language):
        return str(filesizeformat(report.size(fmt, language)))


def test_each_recipient_finds_the_workbook_and_the_pdf_attached_in_their_language(world, november_rolled_up):
    tina = staff("13900000010", "Tina", Role.TOWNSHIP_STAFF, world.township)
    queue_due_reports(today=DEC_1)
    report = DispatchReport.objects.get(area=world.township, month="2026-11")
    xlsx, pdf = (f"/dispatch/{world.township.code}/2026-11.{fmt}" for fmt in ("xlsx", "pdf"))
    assert inbox_files(world.tom, "zh-hans") == [
        (xlsx, "城关镇 2026年11月 调度报告.xlsx", size(report, "xlsx", "zh-hans")),
        (pdf, "城关镇 2026年11月 调度报告.pdf", size(report, "pdf", "zh-hans")),
    ]
    assert inbox_files(tina, "en") == [
        (xlsx, "Chengguan 2026-11 dispatch report.xlsx", size(report, "xlsx", "en")),
        (pdf, "Chengguan 2026-11 dispatch report.pdf", size(report, "pdf", "en")),
    ]
    # The county's staff get the county's report, not the township's.
    assert [name for _url, name, _size in inbox_files(world.kate, "en")] == [
        "Yichuan 2026-11 dispatch report.xlsx", "Yichuan 2026-11 dispatch report.pdf"]
    message = Notification.objects.get(user=world.tom)
    assert "见附件" in message.message_zh and "are attached" in message.message_en
    assert message.link == f"/dispatch/{world.township.code}/"


def test_the_attached_links_download_the_files_in_the_readers_language(world, november_rolled_up):
    queue_due_reports(today=DEC_1)
    report = DispatchReport.objects.get(area=world.township, month="2026-11")
    for language, suffix in (("zh-hans", "zh"), ("en", "en")):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(world.tom)
        (xlsx_url, _, _), (pdf_url, _, _) = inbox_files(world.tom, language)
        workbook, pdf = client.get(xlsx_url), client.get(pdf_url)
        assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(workbook.streaming_content) == getattr(report, f"xlsx_{suffix}").read()
        assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"


def test_another_areas_staff_get_404_from_the_attached_links(world, november_rolled_up):
    queue_due_reports(today=DEC_1)
    dora = Client()
    dora.force_login(world.dora)  # staff of township T2, told of T2's report only
    for url, _name, _size in inbox_files(world.tom, "zh-hans"):
        assert dora.get(url).status_code == 404
    # Her own attachments open.
    for url, _name, _size in inbox_files(world.dora, "zh-hans"):
        assert dora.get(url).status_code == 200
