"""Each month's reports go to the staff of the city, every county and every township, once."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation

from xiangli.dispatch import tasks
from xiangli.dispatch.models import DispatchReport
from xiangli.dispatch.services import generate_report, send_due_reports
from xiangli.metrics import periods
from xiangli.notifications.models import Notification
from xiangli.people.models import Role

from ..conftest import staff
from ..test_case_rules import at_once, postgres_only
from .conftest import DEC_1, NOV


def told() -> Counter[str]:
    return Counter(Notification.objects.values_list("user__name", flat=True))


def test_the_first_run_in_december_sends_november_to_each_areas_own_staff(world, november_rolled_up):
    staff("13900000010", "Tina", Role.TOWNSHIP_STAFF, world.township)
    ivan = staff("13900000011", "Ivan", Role.TOWNSHIP_STAFF, world.township)
    ivan.is_active = False
    ivan.save()
    out = send_due_reports(today=DEC_1)
    assert "4 reports sent" in out
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
    send_due_reports(today=DEC_1)
    files = sorted(f.name for r in DispatchReport.objects.all() for f in r.files())
    with django_assert_max_num_queries(1):
        out = send_due_reports(today=dt.date(2026, 12, 2))
    assert out == "dispatch 2026-11: nothing to send"
    assert told() == {"Cheng": 1, "Kate": 1, "Tom": 1, "Dora": 1}
    assert sorted(f.name for r in DispatchReport.objects.all() for f in r.files()) == files


def test_the_reports_wait_for_the_rollup_of_the_whole_month(world, rolled):
    assert send_due_reports(today=DEC_1) == "dispatch 2026-11: waiting for the month's rollup"
    assert not DispatchReport.objects.exists() and not Notification.objects.exists()


def test_a_report_someone_prepared_earlier_is_refreshed_and_sent_once(world, november_rolled_up):
    early = generate_report(area=world.township, period=periods.month(NOV), by=world.tom, today=DEC_1)
    send_due_reports(today=DEC_1)
    early.refresh_from_db()
    assert early.sent_at is not None and early.generated_by is None
    assert told()["Tom"] == 1


def test_the_tick_queues_the_monthly_reports(db):
    assert tasks.send_monthly_reports in tasks.PERIODIC
    assert tasks.run_periodic().startswith("dispatch ")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_report_once(world, november_rolled_up):
    outcomes = at_once(lambda: send_due_reports(today=DEC_1), lambda: send_due_reports(today=DEC_1))
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert told() == {"Cheng": 1, "Kate": 1, "Tom": 1, "Dora": 1}
    assert DispatchReport.objects.filter(sent_at__isnull=False).count() == 4


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
    send_due_reports(today=DEC_1)
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
    send_due_reports(today=DEC_1)
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
    send_due_reports(today=DEC_1)
    dora = Client()
    dora.force_login(world.dora)  # staff of township T2, told of T2's report only
    for url, _name, _size in inbox_files(world.tom, "zh-hans"):
        assert dora.get(url).status_code == 404
    # Her own attachments open.
    for url, _name, _size in inbox_files(world.dora, "zh-hans"):
        assert dora.get(url).status_code == 200
