"""The report as an .xlsx workbook: numbers kept as numbers (with formats), so staff can
sort, filter and chart them further; native Excel charts that redraw from the cells."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .content import COUNT, DAYS, FLOWS, HOURS, SCORE, SHARE, STANDING, Measure, ReportData, change

NUMBER_FORMATS = {COUNT: "#,##0", SHARE: "0.0%", DAYS: "0.0", SCORE: "0.00", HOURS: "#,##0.0"}
CHANGE_FORMATS = {COUNT: "+#,##0;-#,##0;0", SHARE: "+0.0%;-0.0%;0.0%", DAYS: "+0.0;-0.0;0.0",
                  SCORE: "+0.00;-0.00;0.00", HOURS: "+#,##0.0;-#,##0.0;0.0"}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")
# Characters Excel refuses in a sheet's name.
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "\\/?*[]:"})


def _sheet_title(text: str) -> str:
    return text.translate(SHEET_FORBIDDEN)[:31]


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=col, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _put(sheet: Worksheet, row: int, col: int, value: Any, number_format: str) -> None:
    cell = sheet.cell(row=row, column=col, value=value)
    if value is not None:
        cell.number_format = number_format


def _summary(sheet: Worksheet, data: ReportData) -> None:
    sheet.title = _sheet_title(_("Summary"))
    sheet["A1"] = data.title()
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = data.subtitle()
    _header(sheet, 4, [_("Measure"), _("This month"), _("Last month"), _("Change on last month")])
    row = 5
    for measure in FLOWS:
        now, before = getattr(data.this, measure.key), getattr(data.last, measure.key)
        sheet.cell(row=row, column=1, value=str(measure.label))
        _put(sheet, row, 2, now, NUMBER_FORMATS[measure.kind])
        _put(sheet, row, 3, before, NUMBER_FORMATS[measure.kind])
        _put(sheet, row, 4, change(now, before), CHANGE_FORMATS[measure.kind])
        row += 1
    row += 1
    _header(sheet, row, [_("Standing now"), _("Now")])
    for measure in STANDING:
        row += 1
        sheet.cell(row=row, column=1, value=str(measure.label))
        _put(sheet, row, 2, data.standing[measure.key], NUMBER_FORMATS[measure.kind])
    sheet.column_dimensions["A"].width = 34
    for col in "BCD":
        sheet.column_dimensions[col].width = 14
    sheet.freeze_panes = "A5"


def child_columns() -> list[Measure]:
    return FLOWS + STANDING


def _children(sheet: Worksheet, data: ReportData) -> None:
    sheet.title = _sheet_title(data.child_kind())
    columns = child_columns()
    _header(sheet, 1, [_("Area code"), _("Area name"), *(str(m.label) for m in columns)])
    for row, child in enumerate(data.children, start=2):
        sheet.cell(row=row, column=1, value=child.area.code)
        sheet.cell(row=row, column=2, value=child.area.display_name)
        for col, measure in enumerate(columns, start=3):
            _put(sheet, row, col, child.value(measure.key), NUMBER_FORMATS[measure.kind])
    last_col = get_column_letter(len(columns) + 2)
    last_row = max(len(data.children) + 1, 1)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{last_col}{last_row}"
    sheet.row_dimensions[1].height = 45
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 22
    for col in range(3, len(columns) + 3):
        sheet.column_dimensions[get_column_letter(col)].width = 11
    if not data.children:
        return
    on_time = 3 + columns.index(next(m for m in columns if m.key == "on_time_rate"))
    chart = BarChart()
    chart.type = "col"
    chart.title = _("On-time rate, by area")
    chart.y_axis.title = _("On-time rate")
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=on_time, min_row=1, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=last_row))
    chart.width, chart.height = max(16, len(data.children) * 1.2), 9
    sheet.add_chart(chart, f"B{last_row + 3}")


def _days(sheet: Worksheet, data: ReportData) -> None:
    sheet.title = _sheet_title(_("By day"))
    _header(sheet, 1, [_("Date"), _("Cases received"), _("Cases done"), _("Done on time")])
    for row, (day, figures) in enumerate(data.days, start=2):
        _put(sheet, row, 1, day, "yyyy-mm-dd")
        _put(sheet, row, 2, figures.received, NUMBER_FORMATS[COUNT])
        _put(sheet, row, 3, figures.done, NUMBER_FORMATS[COUNT])
        _put(sheet, row, 4, figures.done_on_time, NUMBER_FORMATS[COUNT])
    last_row = len(data.days) + 1
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 12
    for col in "BCD":
        sheet.column_dimensions[col].width = 14
    chart = LineChart()
    chart.title = _("Cases received and done, by day")
    chart.y_axis.title = _("Cases")
    chart.x_axis.number_format = "mm-dd"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last_row))
    chart.width, chart.height = 24, 10
    sheet.add_chart(chart, "F2")


def build(data: ReportData) -> bytes:
    """The workbook in the active language."""
    book = Workbook()
    _summary(book.active, data)
    _children(book.create_sheet(), data)
    _days(book.create_sheet(), data)
    book.properties.title = data.title()
    book.properties.creator = _("Xiangli")
    book.properties.created = timezone.now().replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
