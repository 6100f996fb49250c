"""The report itself: a workbook whose numbers staff can work with, native charts, and a PDF
in the reader's language, all read from the rollups."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from xiangli.dispatch import content
from xiangli.dispatch.models import DispatchReport
from xiangli.dispatch.services import generate_report
from xiangli.metrics import periods

from .conftest import DEC_1, NOV, pdf_text

NOVEMBER = periods.month(NOV)


def workbook(report: DispatchReport, language: str = "en"):
    field = report.xlsx_en if language == "en" else report.xlsx_zh
    with field.open("rb") as f:
        return load_workbook(io.BytesIO(f.read()))


def pdf(report: DispatchReport, language: str) -> bytes:
    field = report.pdf_en if language == "en" else report.pdf_zh
    with field.open("rb") as f:
        return f.read()


@pytest.fixture
def report(world, rolled) -> DispatchReport:
    return generate_report(area=world.township, period=NOVEMBER, by=world.tom, today=DEC_1)


def test_the_summary_sets_the_month_against_the_month_before(report):
    sheet = workbook(report)["Summary"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(1, sheet.max_row + 1)}
    received = rows["Cases received"]
    assert [sheet.cell(row=received, column=c).value for c in (2, 3, 4)] == [7, 3, 4]
    on_time = rows["On-time rate"]
    assert sheet.cell(row=on_time, column=2).value == pytest.approx(2 / 3)
    assert sheet.cell(row=on_time, column=3).value == 1
    assert sheet.cell(row=on_time, column=4).value == pytest.approx(-1 / 3)
    assert sheet.cell(row=on_time, column=2).number_format == "0.0%"
    assert sheet.cell(row=rows["Satisfaction (1–5)"], column=2).value == 3.5
    assert sheet.cell(row=rows["Satisfaction (1–5)"], column=3).value is None  # nobody rated in October
    assert sheet.cell(row=rows["Volunteer hours"], column=2).value == 2.5
    assert sheet.cell(row=rows["Training person-times"], column=2).value == 17
    assert sheet.cell(row=rows["Overdue cases"], column=2).value == 1
    assert sheet.cell(row=rows["Policy outreach coverage"], column=2).value == pytest.approx(0.4)
    assert "Chengguan" in sheet["A1"].value and "2026-11" in sheet["A1"].value
    assert sheet.freeze_panes == "A5"


def test_the_villages_sheet_has_a_row_each_a_filter_a_fixed_header_and_a_bar_chart(world, report):
    sheet = workbook(report)["Villages"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Area code", "Area name", "Cases received", "Cases done", "On-time rate"]
    assert {"Open cases", "Overdue cases", "All seven functions (七有)", "Four-haves standard (四有)",
            "Policy outreach coverage", "Activities held", "Volunteer hours", "Help tasks done"} <= set(header)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[:4] for r in rows] == [[world.village_a.code, "Dongguan", 5, 2],
                                     [world.village_b.code, "Village B", 2, 1]]
    seven = header.index("All seven functions (七有)")
    assert [r[seven] for r in rows] == [0, 1]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(header)).column_letter}3"
    assert sheet.cell(row=2, column=5).number_format == "0.0%"
    [chart] = sheet._charts
    assert isinstance(chart, BarChart)


def test_the_day_sheet_has_every_day_of_the_month_and_a_line_chart(report):
    sheet = workbook(report)["By day"]
    days = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(days) == 30
    assert days[1][:3] == (dt.datetime(2026, 11, 2), 4, 2)
    [chart] = sheet._charts
    assert isinstance(chart, LineChart)


def test_the_pdf_speaks_chinese_by_default_and_english_in_full(report):
    chinese, english = pdf(report, "zh"), pdf(report, "en")
    assert chinese.startswith(b"%PDF") and english.startswith(b"%PDF")
    zh, en = pdf_text(chinese), pdf_text(english)
    assert "城关镇" in zh and "东关村" in zh and "月度调度报告" in zh and "按时办结率" in zh
    assert "Monthly dispatch report" not in zh and "Cases received" not in zh
    assert "Chengguan" in en and "Dongguan" in en and "Monthly dispatch report" in en and "On-time rate" in en
    assert "城关镇" not in en
    assert report.sizes["pdf_zh"] == len(chinese) and len(chinese) < 200_000


def test_the_chinese_workbook_is_in_chinese(report):
    book = workbook(report, "zh")
    assert book.sheetnames == ["概览", "村（社区）", "逐日"]
    assert "城关镇" in book["概览"]["A1"].value


def test_regenerating_replaces_the_files(world, report, django_capture_on_commit_callbacks):
    old = [f.name for f in report.files()]
    with django_capture_on_commit_callbacks(execute=True):
        again = generate_report(area=world.township, period=NOVEMBER, by=world.kate, today=DEC_1)
    assert DispatchReport.objects.count() == 1 and again.pk == report.pk
    assert again.generated_by == world.kate
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(f.name) for f in again.files())


def test_a_village_gets_no_report(world, rolled):
    with pytest.raises(ValidationError):
        generate_report(area=world.village_a, period=NOVEMBER, today=DEC_1)
    assert not DispatchReport.objects.exists()


def test_the_report_reads_a_handful_of_rollup_rows(world, rolled, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        data = content.gather(world.city, NOVEMBER, today=DEC_1)
    assert data.this.received == 7 and [c.figures.received for c in data.children] == [7]


def test_a_running_month_is_set_against_the_same_days_of_the_month_before(world, rolled):
    data = content.gather(world.township, NOVEMBER, today=dt.date(2026, 11, 10))
    assert data.running and data.period.last == dt.date(2026, 11, 10) and len(data.days) == 10
    assert (data.previous.first, data.previous.last) == (dt.date(2026, 10, 1), dt.date(2026, 10, 10))
    assert data.this.received == 7 and data.last.received == 0  # October's cases came on the 15th


def test_a_change_too_small_to_show_reads_zero_and_gains_carry_a_plus():
    assert content.display(-0.0001, content.SHARE, signed=True) == "0.0%"
    assert content.display(0.123, content.SHARE, signed=True) == "+12.3%"
    assert content.display(-3, content.COUNT, signed=True) == "-3"
    assert content.display(None, content.SCORE) == "—"
