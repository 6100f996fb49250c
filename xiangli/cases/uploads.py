"""Checking uploaded materials by what they are, not by what they are called."""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

ALLOWED = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_FILES = 10


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
            % {"name": name, "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(512)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED:
        raise ValidationError(
            _("%(name)s is not a photo or a PDF. Please send a JPEG, PNG or PDF file.") % {"name": name}
        )
    upload.seek(0)
    if mime.startswith("image/"):
        try:
            with Image.open(upload) as img:
                img.verify()
            if mime == "image/jpeg":
                # verify() does not read a JPEG's image data, so a photo cut off
                # mid-upload passes it; decoding does not. draft() decodes at 1/8
                # scale, which reads every byte but keeps memory small.
                upload.seek(0)
                with Image.open(upload) as img:
                    img.draft(None, (max(1, img.width // 8), max(1, img.height // 8)))
                    img.load()
        except Exception:
            raise ValidationError(_("%(name)s is damaged and cannot be opened.") % {"name": name}) from None
    else:
        upload.seek(max(0, upload.size - 2048))
        if b"%%EOF" not in upload.read():
            raise ValidationError(_("%(name)s is damaged and cannot be opened.") % {"name": name})
    upload.seek(0)
    return CheckedUpload(upload=upload, content_type=mime)


def check_uploads(uploads: list[UploadedFile]) -> list[CheckedUpload]:
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("Please send at most %(n)d files.") % {"n": MAX_FILES})
    errors: list[str] = []
    checked: list[CheckedUpload] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked
