"""Checking uploaded materials by what they are, not by what they are called."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

ALLOWED = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_FILES = 10
# Longest side of a stored photo: still sharp enough to read an ID card's small print.
MAX_SIDE = 3000
# The code of every refusal here, so that a page can show it beside its file field
# (xiangli.front.access.attempt) rather than above the whole form.
UPLOAD_ERROR = "upload"


@dataclass
class CheckedUpload:
    upload: UploadedFile
    content_type: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept photos (JPEG, PNG, WebP) and PDFs only, under the size limit."""
    name = upload.name or "file"
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large: files may be at most %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)}, code=UPLOAD_ERROR,
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code=UPLOAD_ERROR)
    upload.seek(0)
    head = upload.read(512)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED:
        raise ValidationError(
            _("%(name)s is not a photo or a PDF. Please send a JPEG, PNG or PDF file.") % {"name": name},
            code=UPLOAD_ERROR,
        )
    upload.seek(0)
    if mime.startswith("image/"):
        try:
            cleaned = reencode(upload, mime)
        except Exception:
            raise ValidationError(_("%(name)s is damaged and cannot be opened.") % {"name": name},
                                  code=UPLOAD_ERROR) from None
        return CheckedUpload(upload=SimpleUploadedFile(name, cleaned, content_type=mime), content_type=mime)
    else:
        upload.seek(max(0, upload.size - 2048))
        if b"%%EOF" not in upload.read():
            raise ValidationError(_("%(name)s is damaged and cannot be opened.") % {"name": name},
                                  code=UPLOAD_ERROR)
    upload.seek(0)
    return CheckedUpload(upload=upload, content_type=mime)


def reencode(upload: UploadedFile, mime: str) -> bytes:
    """The photo decoded in full and written afresh, without its metadata.

    Decoding every pixel refuses a photo cut off mid-upload (a header check would
    pass it); writing it anew drops EXIF, which on a phone photo holds where it was
    taken: a resident's home. The picture is turned upright first, as the EXIF
    orientation said, and very large photos are scaled down to save storage.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(upload) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if mime == "image/jpeg":
        upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif mime == "image/png":
        upright.save(out, "PNG", optimize=True)
    else:
        upright.save(out, "WEBP", quality=85)
    return out.getvalue()


def check_uploads(uploads: list[UploadedFile]) -> list[CheckedUpload]:
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("Please send at most %(n)d files.") % {"n": MAX_FILES}, code=UPLOAD_ERROR)
    errors: list[ValidationError] = []
    checked: list[CheckedUpload] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked
