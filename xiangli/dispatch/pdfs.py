"""The report as a PDF to print or pass on: the summary, the table of areas one level
down, and the same two charts as the workbook, drawn with reportlab's own graphics."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xiangli.pdf import CJK_FONT

from .content import FLOWS, STANDING, ReportData, change, display
from .workbook import child_columns

PAGE = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN
RED = colors.HexColor("#b5231b")
BLUE = colors.HexColor("#1f5fbf")
HEAD_FILL = colors.HexColor("#f2e6e6")
GRID = colors.HexColor("#bbbbbb")



def _style(name: str, size: float, **extra: Any) -> ParagraphStyle:
    # Chinese breaks between any two characters; English only between words.
    wrap = "CJK" if (get_language() or "").startswith("zh") else None
    return ParagraphStyle(name, fontName=CJK_FONT, fontSize=size, leading=size * 1.25, wordWrap=wrap, **extra)


def _table_style(*, header_rows: int = 1, font_size: float = 9) -> TableStyle:
    return TableStyle([
        ("FONT", (0, 0), (-1, -1), CJK_FONT, font_size),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ])


def _summary(data: ReportData) -> list[Any]:
    head = _style("head", 9)
    labels = [_("Measure"), _("This month"), _("Last month"), _("Change on last month")]
    rows: list[list[Any]] = [[Paragraph(label, head) for label in labels]]
    for m in FLOWS:
        now, before = getattr(data.this, m.key), getattr(data.last, m.key)
        rows.append([str(m.label), display(now, m.kind), display(before, m.kind),
                     display(change(now, before), m.kind, signed=True)])
    flows = Table(rows, colWidths=[62 * mm, 28 * mm, 28 * mm, 28 * mm], hAlign="LEFT")
    flows.setStyle(_table_style())
    standing_rows: list[list[Any]] = [[Paragraph(_("Standing now"), head), Paragraph(_("Now"), head)]]
    standing_rows += [[str(m.label), display(data.standing[m.key], m.kind)] for m in STANDING]
    standing = Table(standing_rows, colWidths=[62 * mm, 28 * mm], hAlign="LEFT")
    standing.setStyle(_table_style())
    side_by_side = Table([[flows, standing]], colWidths=[152 * mm, WIDTH - 152 * mm], hAlign="LEFT")
    side_by_side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [side_by_side]


def _day_chart(data: ReportData) -> Drawing:
    drawing = Drawing(WIDTH, 62 * mm)
    drawing.add(String(0, 58 * mm, _("Cases received and done, by day"), fontName=CJK_FONT, fontSize=10))
    chart = HorizontalLineChart()
    chart.x, chart.y = 12 * mm, 8 * mm
    chart.width, chart.height = WIDTH - 60 * mm, 44 * mm
    chart.data = [[f.received for _day, f in data.days], [f.done for _day, f in data.days]]
    chart.categoryAxis.categoryNames = [str(day.day) for day, _f in data.days]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = CJK_FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor = BLUE
    chart.lines[1].strokeColor = RED
    chart.lines[0].strokeWidth = chart.lines[1].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 44 * mm, 44 * mm
    legend.fontName = CJK_FONT
    legend.fontSize = 8
    legend.colorNamePairs = [(BLUE, _("Cases received")), (RED, _("Cases done"))]
    drawing.add(legend)
    return drawing


def _child_table(data: ReportData) -> Table:
    columns = child_columns()
    head = _style("cellhead", 6.5)
    header = [Paragraph(data.child_kind(), head)] + [Paragraph(str(m.label), head) for m in columns]
    rows: list[list[Any]] = [header]
    for child in data.children:
        rows.append([child.area.display_name] + [display(child.value(m.key), m.kind) for m in columns])
    name_width = 40 * mm
    each = (WIDTH - name_width) / len(columns)
    table = Table(rows, colWidths=[name_width] + [each] * len(columns), repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(font_size=7))
    return table


def _on_time_chart(data: ReportData) -> Drawing:
    drawing = Drawing(WIDTH, 70 * mm)
    drawing.add(String(0, 66 * mm, _("On-time rate, by area"), fontName=CJK_FONT, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 20 * mm
    # A bar per area, never wider than a finger: two villages do not fill the page.
    chart.width, chart.height = min(WIDTH - 20 * mm, max(60 * mm, len(data.children) * 16 * mm)), 40 * mm
    rates = [child.figures.on_time_rate for child in data.children]
    chart.data = [[round(r * 100, 1) if r is not None else None for r in rates]]
    chart.categoryAxis.categoryNames = [child.area.display_name for child in data.children]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.categoryAxis.labels.fontSize = 6
    if len(data.children) > 12:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = CJK_FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = RED
    chart.barLabelFormat = "%.0f%%"
    chart.barLabels.fontName = CJK_FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def build(data: ReportData) -> bytes:
    """The PDF in the active language: A4 landscape, the table fits one page width."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=data.title(), author=_("Xiangli"))
    small = _style("small", 8, textColor=colors.HexColor("#555555"))
    story: list[Any] = [Paragraph(data.title(), _style("title", 16, spaceAfter=4)), Paragraph(data.subtitle(), small),
                        Spacer(1, 4 * mm)]
    story += _summary(data)
    story += [Spacer(1, 4 * mm), _day_chart(data), PageBreak()]
    story += [Paragraph(data.child_kind(), _style("heading", 12, spaceBefore=8, spaceAfter=4))]
    if data.children:
        story += [_child_table(data), Spacer(1, 4 * mm), _on_time_chart(data)]
    else:
        story += [Paragraph(_("No areas below this one."), small)]
    doc.build(story)
    return out.getvalue()
