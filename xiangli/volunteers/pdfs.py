"""Printed documents of the five helps: heart cards (连心卡) and volunteer certificates."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.pdf import CJK_FONT, qr_image
from xiangli.people.models import Resident, Role, RoleAssignment, Tag

from .models import HelpKind, Volunteer

CARD_W, CARD_H = 85 * mm, 54 * mm  # a bank card: fits a wallet, or hangs by the telephone


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def readable_phone(e164: str) -> str:
    """+8613900000003 → 139 0000 0003, as people read numbers aloud."""
    digits = e164.removeprefix("+86")
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


def living_alone(village: Area) -> list[Resident]:
    """Residents of the village tagged as elderly living alone, by grid and name."""
    return list(
        Resident.objects.filter(village=village, tags__icontains=Tag.LIVING_ALONE.value)
        .select_related("grid").order_by("grid__code", "name", "pk")
    )


def card_number(resident: Resident) -> str:
    """What staff type when a card holder calls: it finds the resident at once."""
    return f"LX-{resident.pk}"


def heart_cards(village: Area, *, help_url: str) -> bytes:
    """Cards for every elderly resident living alone: name, hotline, grid worker's phone, QR to ask for help."""
    residents = living_alone(village)
    centre = Centre.objects.filter(area=village).first()
    hotline = centre.hotline if centre and centre.hotline else ""
    grid_phones: dict[int, str] = {}
    grid_ids = {r.grid_id for r in residents if r.grid_id}
    for ra in RoleAssignment.objects.filter(role=Role.GRID_WORKER, area_id__in=grid_ids).select_related("user"):
        grid_phones.setdefault(ra.area_id, f"{ra.user.name} {readable_phone(ra.user.phone)}")
    qr = qr_image(help_url, scale=4)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(_("Heart cards: %(village)s") % {"village": village.name})
    page_w, page_h = A4
    margin_x, margin_y = (page_w - 2 * CARD_W) / 3, 12 * mm
    # The CID font has no middle dot (·): the helps are set apart by spaces.
    helps = "  ".join(str(label) for label in HelpKind.labels)
    for n, resident in enumerate(residents):
        slot = n % 10
        if n and slot == 0:
            canvas.showPage()
        x = margin_x + (slot % 2) * (CARD_W + margin_x)
        y = page_h - margin_y - (slot // 2 + 1) * (CARD_H + 4 * mm)
        canvas.setLineWidth(0.5)
        canvas.setStrokeColorRGB(0.75, 0.1, 0.1)
        canvas.roundRect(x, y, CARD_W, CARD_H, 3 * mm)
        canvas.setFillColorRGB(0.75, 0.1, 0.1)
        canvas.setFont(CJK_FONT, 13)
        canvas.drawString(x + 4 * mm, y + CARD_H - 8 * mm, _("Heart card"))
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(CJK_FONT, 12)
        canvas.drawString(x + 4 * mm, y + CARD_H - 15 * mm, resident.name)
        canvas.setFont(CJK_FONT, 8)
        canvas.drawString(x + 4 * mm, y + CARD_H - 20 * mm, f"{village.name}  {card_number(resident)}")
        canvas.setFont(CJK_FONT, 9)
        canvas.drawString(x + 4 * mm, y + CARD_H - 27 * mm, _("Centre hotline: %(phone)s") % {"phone": hotline or "—"})
        canvas.drawString(x + 4 * mm, y + CARD_H - 33 * mm,
                          _("Grid worker: %(who)s") % {"who": grid_phones.get(resident.grid_id or 0, "—")})
        canvas.setFont(CJK_FONT, 7)
        canvas.drawString(x + 4 * mm, y + 9 * mm, helps)
        canvas.drawString(x + 4 * mm, y + 5 * mm, _("Call, or scan the code to ask for help"))
        canvas.drawImage(qr, x + CARD_W - 26 * mm, y + CARD_H - 26 * mm, 22 * mm, 22 * mm)
    if not residents:
        canvas.setFont(CJK_FONT, 12)
        canvas.drawString(20 * mm, page_h - 30 * mm, _("No resident of %(village)s is marked as living alone.")
                          % {"village": village.name})
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def certificate(volunteer: Volunteer) -> bytes:
    """A one-page certificate of a volunteer's service: hours, tasks and points."""
    from .services import record_of

    record = record_of(volunteer)
    village = volunteer.village
    township = village.parent.name if village.kind == AreaKind.VILLAGE and village.parent is not None else ""
    centre = Centre.objects.filter(area=village).first()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(_("Volunteer service certificate"))
    w, h = A4
    canvas.setStrokeColorRGB(0.75, 0.1, 0.1)
    canvas.setLineWidth(2)
    canvas.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)
    canvas.setFont(CJK_FONT, 26)
    canvas.drawCentredString(w / 2, h - 50 * mm, _("Volunteer service certificate"))
    canvas.setFont(CJK_FONT, 14)
    lines = [
        _("%(name)s, volunteer of %(village)s, %(township)s,") % {
            "name": volunteer.resident.name, "village": village.name, "township": township},
        _("volunteering since %(date)s, has given") % {"date": f"{timezone.localtime(volunteer.joined_at):%Y-%m-%d}"},
        _("%(hours)s hours of service in %(tasks)d tasks,") % {"hours": record["hours"], "tasks": record["tasks"]},
        _("and earned %(points)d volunteer points.") % {"points": record["earned"]},
        _("Thank you for your service to the village."),
    ]
    y = h - 80 * mm
    for line in lines:
        canvas.drawString(30 * mm, y, line)
        y -= 12 * mm
    canvas.setFont(CJK_FONT, 12)
    canvas.drawRightString(w - 30 * mm, 60 * mm, centre.name if centre else village.name)
    canvas.drawRightString(w - 30 * mm, 50 * mm, f"{timezone.localdate():%Y-%m-%d}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
