"""Fetching one case for a user, or 404: for pages and the API alike."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponseBase

from xiangli.ops.orm import unique_row
from xiangli.ops.sendfile import file_response

from .models import Attachment, Case


def visible_case(user: Any, case_id: int) -> Case:
    """The case if the user may see it; another village's case is a 404, not a 403,
    so that its existence is not revealed either."""
    case = unique_row(
        Case.objects.visible_to(user)
        .select_related("resident", "item", "village", "centre", "agent")
        .filter(pk=case_id)
    )
    if case is None:
        raise Http404
    return case


def own_case(user: Any, case_id: int) -> Case:
    """A case the user filed for themself as a resident, or 404."""
    case = visible_case(user, case_id)
    if case.resident_id != user.resident_id:
        raise Http404
    return case


def attachment_response(user: Any, attachment_id: int) -> HttpResponseBase:
    """A material's file, for someone who may see its case; otherwise 404.

    Materials are personal data (ID card photos): never cached by proxies.
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    visible_case(user, attachment.case_id)
    return file_response(attachment.file, content_type=attachment.content_type,
                         filename=f"attachment-{attachment.pk}")
