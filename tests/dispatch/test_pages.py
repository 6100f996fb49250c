"""The reports page: who sees an area's reports, downloads in the reader's language, and
asking for another month, with bad months refused and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from xiangli.dispatch.models import DispatchReport
from xiangli.dispatch.services import generate_report, parse_month
from xiangli.metrics import periods
from xiangli.notifications.models import Notification

from .conftest import DEC_1, NOV, pdf_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def page(area) -> str:
    return reverse("dispatch:reports", args=[area.code])


def download(area, month: str, fmt: str) -> str:
    return reverse("dispatch:download", args=[area.code, month, fmt])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def november(world, rolled) -> DispatchReport:
    return generate_report(area=world.township, period=periods.month(NOV), by=world.tom, today=DEC_1)


def last_month() -> str:
    return periods.month(timezone.localdate().replace(day=1) - dt.timedelta(days=1)).code


@pytest.mark.parametrize(("name", "status"), [
    ("tom", 200), ("kate", 200), ("cheng", 200), ("audrey", 200),
    ("dora", 404), ("andy", 404), ("sam", 404), ("oscar", 404), ("alice", 404),
])
def test_a_townships_reports_are_for_its_staff_and_those_above(world, november, name, status):
    client = client_for(getattr(world, name))
    assert client.get(page(world.township)).status_code == status
    assert client.get(download(world.township, "2026-11", "pdf")).status_code == status
    assert client.get(download(world.township, "2026-11", "xlsx")).status_code == status


def test_a_village_has_no_dispatch_page(world):
    assert client_for(world.sam).get(page(world.village_a)).status_code == 404
    assert client_for(world.tom).get(page(world.village_a)).status_code == 404


def test_nobody_logged_in_is_sent_to_log_in(world, november):
    assert Client().get(download(world.township, "2026-11", "pdf")).status_code == 302


def test_the_page_lists_the_months_with_their_downloads(world, november):
    text = client_for(world.tom).get(page(world.township)).content.decode()
    assert "月度调度报告：城关镇" in text and "2026年11月" in text
    assert download(world.township, "2026-11", "xlsx") in text and download(world.township, "2026-11", "pdf") in text
    assert "生成报告" in text  # Tom may prepare another month


def test_the_download_is_in_the_readers_language(world, november):
    chinese = client_for(world.tom).get(download(world.township, "2026-11", "pdf"))
    assert chinese["Content-Type"] == "application/pdf"
    assert "城关镇" in pdf_text(body(chinese))
    english = client_for(world.kate, "en").get(download(world.township, "2026-11", "pdf"))
    assert "Chengguan" in pdf_text(body(english)) and "-en.pdf" in english["Content-Disposition"]
    workbook = client_for(world.cheng).get(download(world.township, "2026-11", "xlsx"))
    assert workbook["Content-Type"] == XLSX and body(workbook)[:2] == b"PK"
    assert workbook["Cache-Control"] == "private, no-store"


def test_a_month_without_a_report_is_a_404(world, november):
    assert client_for(world.tom).get(download(world.township, "2026-10", "pdf")).status_code == 404
    assert client_for(world.dora).get(download(world.township2, "2026-11", "pdf")).status_code == 404


def test_staff_ask_for_a_month_and_are_told_when_it_is_ready(world, rolled):
    month = last_month()
    response = client_for(world.tom, "en").post(page(world.township), {"month": month}, follow=True)
    assert "is being prepared" in response.content.decode()
    report = DispatchReport.objects.get(area=world.township, month=month)
    # The test settings run tasks at once; a real worker builds it later.
    assert report.ready and report.generated_by == world.tom and report.requested_by == world.tom
    assert report.sent_at is None  # on demand is not the month's sending
    [note] = Notification.objects.filter(user=world.tom)
    assert "is ready" in note.message_en and page(world.township) in note.message_en
    # The files come attached to the message too.
    with translation.override("en"):
        assert [(f.url, f.name) for f in note.files] == [
            (download(world.township, month, fmt), f"Chengguan {month} dispatch report.{fmt}")
            for fmt in ("xlsx", "pdf")]
        assert [f.size for f in note.files] == [report.size("xlsx", "en"), report.size("pdf", "en")]


def test_a_county_admin_asks_for_a_townships_report(world, rolled):
    client_for(world.kate).post(page(world.township), {"month": last_month()})
    assert DispatchReport.objects.get(area=world.township).generated_by == world.kate


def future_month() -> str:
    return periods.month(timezone.localdate().replace(day=28) + dt.timedelta(days=7)).code


@pytest.mark.parametrize(("month", "message"), [
    ("2026-13", "There is no such date"),
    ("November", "Give a month as 2026-11."),
    ("2026-Q3", "Give a month as 2026-11."),
    ("", "This field is required."),
    ("future", "has not begun yet"),
    ("2019-01", "Reports go back three years at most"),
])
def test_a_bad_month_is_refused_and_nothing_is_written(world, rolled, month, message):
    month = future_month() if month == "future" else month
    response = client_for(world.tom, "en").post(page(world.township), {"month": month})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DispatchReport.objects.exists() and not Notification.objects.exists()


def test_a_report_being_prepared_is_not_asked_for_twice(world, rolled):
    month = last_month()
    DispatchReport.objects.create(area=world.township, month=month, requested_at=timezone.now(),
                                  requested_by=world.kate)
    response = client_for(world.tom, "en").post(page(world.township), {"month": month})
    assert response.status_code == 400 and "already being prepared" in response.content.decode()
    assert DispatchReport.objects.get().requested_by == world.kate and not DispatchReport.objects.get().ready


def test_auditors_read_but_do_not_prepare(world, november):
    client = client_for(world.audrey)
    assert "生成报告" not in client.get(page(world.township)).content.decode()
    assert client.post(page(world.township), {"month": last_month()}).status_code == 403
    assert DispatchReport.objects.count() == 1 and not Notification.objects.exists()


def test_staff_of_another_township_cannot_ask_for_its_report(world, rolled):
    assert client_for(world.dora).post(page(world.township), {"month": last_month()}).status_code == 404
    assert not DispatchReport.objects.exists()


def test_the_list_costs_the_same_for_many_months(world, rolled, django_assert_max_num_queries):
    for n in range(1, 13):
        DispatchReport.objects.create(area=world.county, month=f"2025-{n:02d}", generated_at=timezone.now(),
                                      generated_by=world.kate, sizes={"pdf_zh": 1000, "xlsx_zh": 2000})
    client = client_for(world.kate)
    with django_assert_max_num_queries(7):
        text = client.get(page(world.county)).content.decode()
    assert text.count("2025年") == 12 and page(world.township) in text and page(world.township2) in text


def test_the_dispatch_menu_entry_opens_ones_own_area(world):
    assert client_for(world.tom).get(reverse("dispatch:home")).url == page(world.township)
    assert client_for(world.cheng).get(reverse("dispatch:home")).url == page(world.city)
    assert client_for(world.andy).get(reverse("dispatch:home")).status_code == 404


def test_three_years_back_is_the_limit_and_the_running_month_may_be_asked_for():
    today = dt.date(2026, 11, 29)
    assert parse_month("2023-11", today=today).first == dt.date(2023, 11, 1)
    assert parse_month("2026-11", today=today).last == dt.date(2026, 11, 30)
    for refused in ("2023-10", "2026-12"):
        with pytest.raises(ValidationError):
            parse_month(refused, today=today)
