"""Printed documents (heart cards, posters, certificates, reports) share these basics.

reportlab's built-in CID fonts render Chinese without shipping a font file: the PDF
names the font (STSong-Light, Adobe's standard Chinese Song) and every PDF reader
supplies it, so a heart card stays a few kilobytes instead of carrying megabytes of
embedded glyphs.
"""

from __future__ import annotations

import io

import segno
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"

if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def qr_image(url: str, *, scale: int = 8) -> ImageReader:
    """A QR code of `url` as an image reportlab can draw (canvas.drawImage)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return ImageReader(buffer)
