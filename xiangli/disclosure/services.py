"""Actions on disclosed items: draft, publish, correct, ask and answer.

Each checks who acts and what is given, writes in one transaction with its line
in the audit trail, and returns the item. A refused action raises
ValidationError or PermissionDenied and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.cases.uploads import CheckedUpload, check_uploads
from xiangli.people import scope
from xiangli.people.models import CASE_HANDLER_ROLES, Role, User

from .models import KIND_FIELDS, Direction, Kind, Notice, NoticeVersion, Question, Receipt

# Village cadres publish and correct their own village's disclosures.
PUBLISHER_ROLES = {Role.AGENT, Role.SECRETARY}
# Those who answer for the village, and the offices above it, answer questions.
ANSWER_ROLES = set(CASE_HANDLER_ROLES)
MAX_TEXT = 4000
MAX_QUESTION = 500
MAX_RECEIPTS = 10


def questions_per_day() -> int:
    return int(getattr(settings, "DISCLOSURE_QUESTIONS_PER_DAY", 5))


def mask_name(name: str) -> str:
    """王秀英 → 王**: enough for neighbours to see a person asked, not who."""
    name = name.strip()
    if not name:
        return "*"
    return name[0] + "*" * max(1, len(name) - 1)


def may_publish(user: Any, village: Area) -> bool:
    return scope.serves(user, village.path, PUBLISHER_ROLES)


def may_answer(user: Any, notice: Notice) -> bool:
    return scope.serves(user, notice.area_path, ANSWER_ROLES)


def _clean(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of this kind, checked; a villager-readable error names the field."""
    values: dict[str, Any] = {name: data.get(name) for name in KIND_FIELDS[kind]}
    errors: dict[str, str] = {}
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Please give a title.")
    values["title"] = title[:200]
    values["body"] = str(values.get("body") or "").strip()[:MAX_TEXT]
    if kind == Kind.FINANCE:
        month = values.get("month")
        if not isinstance(month, dt.date):
            errors["month"] = _("Please give the month.")
        else:
            values["month"] = month.replace(day=1)
        if values.get("direction") not in Direction.values:
            errors["direction"] = _("Please say whether this is income or spending.")
        amount = values.get("amount")
        if not isinstance(amount, Decimal) or amount <= 0:
            errors["amount"] = _("Please give an amount above zero.")
        values["counterparty"] = str(values.get("counterparty") or "").strip()[:200]
    elif kind == Kind.PROJECT:
        budget = values.get("budget")
        if not isinstance(budget, Decimal) or budget < 0:
            errors["budget"] = _("Please give the budget.")
        values["contractor"] = str(values.get("contractor") or "").strip()[:200]
        progress = values.get("progress")
        if progress is None:
            values["progress"] = 0
        elif not isinstance(progress, int) or not 0 <= progress <= 100:
            errors["progress"] = _("Progress is a share from 0 to 100.")
        started, accepted = values.get("started_on"), values.get("accepted_on")
        if isinstance(started, dt.date) and isinstance(accepted, dt.date) and accepted < started:
            errors["accepted_on"] = _("A project cannot be accepted before it started.")
    if errors:
        raise ValidationError(errors)
    return values


def _check_receipts(kind: str, uploads: list[UploadedFile] | None) -> list[CheckedUpload]:
    uploads = list(uploads or [])
    if uploads and kind != Kind.FINANCE:
        raise ValidationError(_("Receipts belong to finance entries."))
    if len(uploads) > MAX_RECEIPTS:
        raise ValidationError(_("Please send at most %(n)d files.") % {"n": MAX_RECEIPTS})
    return check_uploads(uploads)


def _save_receipts(notice: Notice, number: int, checked: list[CheckedUpload], by: User) -> int:
    for item in checked:
        receipt = Receipt(
            notice=notice, version_number=number, content_type=item.content_type, size=item.upload.size or 0,
            original_name=(item.upload.name or "file")[:150], uploaded_by=by,
        )
        receipt.file.save("receipt", item.upload, save=False)
        receipt.save()
    return len(checked)


def _current(notice: Notice) -> NoticeVersion:
    return NoticeVersion.objects.select_related("notice").filter(notice=notice).order_by("-number")[0]


def create_notice(
    *, by: User, village: Area, kind: str, data: Mapping[str, Any], receipts: list[UploadedFile] | None = None
) -> Notice:
    """A draft item of a village: seen by its staff only until it is published."""
    if village.kind != AreaKind.VILLAGE or not may_publish(by, village):
        raise PermissionDenied(_("You do not publish for this village."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of item.")})
    values = _clean(kind, data)
    checked = _check_receipts(kind, receipts)
    with transaction.atomic():
        notice = Notice.objects.create(village=village, area_path=village.path, kind=kind, created_by=by)
        version = NoticeVersion.objects.create(notice=notice, number=1, created_by=by, **values)
        notice.current = version
        notice.save(update_fields=["current"])
        added = _save_receipts(notice, 1, checked, by)
        audit.record("disclosure.drafted", obj=notice, actor=by, area_path=notice.area_path,
                     changes={**{k: [None, v] for k, v in values.items()}, "receipts": [None, added]})
    return notice


def update_draft(
    notice: Notice, *, by: User, data: Mapping[str, Any], receipts: list[UploadedFile] | None = None
) -> Notice:
    """Change a draft before it is published: nobody has seen it yet, so no version is kept."""
    if not may_publish(by, notice.village):
        raise PermissionDenied(_("You do not publish for this village."))
    values = _clean(notice.kind, data)
    checked = _check_receipts(notice.kind, receipts)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.published_at is not None:
            raise ValidationError(_("This item is already published; publish a correction instead."))
        version = _current(locked)
        before = version.values()
        for name, value in values.items():
            setattr(version, name, value)
        version.save()
        added = _save_receipts(locked, version.number, checked, by)
        changes: dict[str, Any] = audit.diff(before, version.values())
        if added:
            changes["receipts"] = [None, added]
        audit.record("disclosure.draft_changed", obj=locked, actor=by, area_path=locked.area_path, changes=changes)
    return locked


def publish_notice(notice: Notice, *, by: User) -> Notice:
    """Make a draft public. From now on it changes only by corrections."""
    if not may_publish(by, notice.village):
        raise PermissionDenied(_("You do not publish for this village."))
    with transaction.atomic():
        now = timezone.now()
        # Conditional update: two clicks (or two cadres) publish once.
        if not Notice.objects.filter(pk=notice.pk, published_at__isnull=True).update(published_at=now):
            raise ValidationError(_("This item is already published."))
        notice.refresh_from_db()
        audit.record("disclosure.published", obj=notice, actor=by, area_path=notice.area_path,
                     changes={"published_at": [None, now], "version": [None, 1]})
    return notice


def correct_notice(
    notice: Notice, *, by: User, data: Mapping[str, Any], reason: str,
    receipts: list[UploadedFile] | None = None,
) -> Notice:
    """Publish a correction: a new version with its reason; the old one stays visible in the history."""
    if not may_publish(by, notice.village):
        raise PermissionDenied(_("You do not publish for this village."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please say why the item is corrected.")})
    values = _clean(notice.kind, data)
    checked = _check_receipts(notice.kind, receipts)
    with transaction.atomic():
        # The lock makes two corrections at once take numbers one after the other.
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.published_at is None:
            raise ValidationError(_("This item is not published yet; change the draft instead."))
        previous = _current(locked)
        changes: dict[str, Any] = audit.diff(previous.values(), values)
        if not changes and not checked:
            raise ValidationError(_("Nothing was changed."))
        version = NoticeVersion.objects.create(
            notice=locked, number=previous.number + 1, created_by=by, reason=reason[:300], **values
        )
        locked.current = version
        locked.save(update_fields=["current"])
        added = _save_receipts(locked, version.number, checked, by)
        if added:
            changes["receipts"] = [None, added]
        audit.record("disclosure.corrected", obj=locked, actor=by, area_path=locked.area_path,
                     changes={**changes, "version": [previous.number, version.number], "reason": reason[:300]})
    return locked


def ask_question(notice: Notice, *, by: User, text: str) -> Question:
    """A resident asks publicly about a published item; at most a few a day, against floods."""
    if not getattr(by, "resident_id", None):
        raise PermissionDenied(_("Only residents can ask questions here."))
    if notice.published_at is None:
        raise ValidationError(_("This item is not published."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write your question.")})
    if len(text) > MAX_QUESTION:
        raise ValidationError({"text": _("Please keep your question under %(n)d characters.") % {"n": MAX_QUESTION}})
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    asked = Question.objects.filter(asked_by=by, asked_at__gte=since).count()
    if asked >= questions_per_day():
        raise ValidationError(
            _("You have asked %(n)d questions today, the most in one day. Please try again tomorrow, "
              "or call your centre.") % {"n": asked}
        )
    with transaction.atomic():
        question = Question.objects.create(notice=notice, asked_by=by, asker_label=mask_name(by.name), text=text)
        audit.record("disclosure.question_asked", obj=question, actor=by, area_path=notice.area_path,
                     changes={"notice": [None, notice.pk]})
    return question


def answer_question(question: Question, *, by: User, text: str) -> Question:
    """Staff of the village, or above it, answer publicly; a later answer replaces the earlier one, on the trail."""
    notice = question.notice
    if not may_answer(by, notice):
        raise PermissionDenied(_("You do not answer for this village."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write the answer.")})
    with transaction.atomic():
        before = question.answer
        question.answer = text[:MAX_TEXT]
        question.answered_by = by
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record("disclosure.question_answered", obj=question, actor=by, area_path=notice.area_path,
                     changes={"answer": [before or None, question.answer]})
    return question
