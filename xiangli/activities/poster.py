"""The weekly activity preview as an A4 poster (PDF) for the centre's notice board."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from xiangli.areas.models import Centre
from xiangli.pdf import CJK_FONT, qr_image

from .models import Activity

MARGIN = 18 * mm


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Chinese has no spaces to break at: break by width, character by character."""
    lines, line = [], ""
    for ch in text:
        if stringWidth(line + ch, CJK_FONT, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines


def week_poster(centre: Centre, monday: dt.date, days: list[tuple[dt.date, list[Activity]]], url: str) -> bytes:
    """One A4 page: the week's activities by day, and a QR code to the page to sign up."""
    buffer = io.BytesIO()
    width, height = A4
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{centre.name} {_('Activities this week')}")
    y = height - MARGIN
    pdf.setFont(CJK_FONT, 24)
    pdf.drawCentredString(width / 2, y - 10, _("Activities this week"))
    y -= 22 * mm
    pdf.setFont(CJK_FONT, 13)
    sunday = monday + dt.timedelta(days=6)
    pdf.drawCentredString(width / 2, y, f"{centre.name} · {date_format(monday, 'SHORT_DATE_FORMAT')}–"
                                        f"{date_format(sunday, 'SHORT_DATE_FORMAT')}")
    y -= 10 * mm
    text_width = width - 2 * MARGIN - 28 * mm
    bottom = MARGIN + 42 * mm
    for day, activities in days:
        if not activities:
            continue
        if y < bottom + 20 * mm:
            break  # one page is what the board holds; the QR code leads to the rest
        pdf.setFont(CJK_FONT, 14)
        pdf.drawString(MARGIN, y, f"{date_format(day, 'SHORT_DATE_FORMAT')} {date_format(day, 'l')}")
        pdf.line(MARGIN, y - 2 * mm, width - MARGIN, y - 2 * mm)
        y -= 8 * mm
        for a in activities:
            start, end = timezone.localtime(a.start), timezone.localtime(a.end)
            pdf.setFont(CJK_FONT, 12)
            pdf.drawString(MARGIN, y, f"{start:%H:%M}–{end:%H:%M}")
            details = " · ".join(p for p in [a.get_kind_display(), a.where, a.organiser,
                                             _("%(n)d places") % {"n": a.capacity}] if p)
            for n, line in enumerate(_wrap(a.title, 12, text_width) + _wrap(details, 10, text_width)):
                pdf.setFont(CJK_FONT, 12 if n == 0 else 10)
                pdf.drawString(MARGIN + 28 * mm, y, line)
                y -= 6 * mm
            y -= 2 * mm
            if y < bottom:
                break
        y -= 3 * mm
    if not any(activities for _, activities in days):
        pdf.setFont(CJK_FONT, 14)
        pdf.drawCentredString(width / 2, y - 10 * mm, _("No activities this week."))
    pdf.drawImage(qr_image(url, scale=4), width - MARGIN - 32 * mm, MARGIN, 32 * mm, 32 * mm)
    pdf.setFont(CJK_FONT, 11)
    pdf.drawString(MARGIN, MARGIN + 20 * mm, _("Scan to see the details and sign up."))
    if centre.hotline:
        pdf.drawString(MARGIN, MARGIN + 12 * mm, _("Or call %(phone)s.") % {"phone": centre.hotline})
    if centre.address:
        pdf.drawString(MARGIN, MARGIN + 4 * mm, centre.address)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
