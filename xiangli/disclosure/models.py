"""Public disclosure (公开): a village's finances, projects and notices, open to everyone.

A published item is never changed in place. Each Notice (公开事项) has numbered
versions; the first is a draft until it is published, and after that a correction
is a new version with its reason, so the page can show what changed and when.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.areas.models import Area
from xiangli.people.models import User


class Kind(models.TextChoices):
    FINANCE = "finance", _("Finance")
    PROJECT = "project", _("Project")
    NOTICE = "notice", _("Notice")


class Direction(models.TextChoices):
    INCOME = "income", _("Income")
    SPENDING = "spending", _("Spending")


# The fields each kind of item discloses, in the order they are shown and compared.
KIND_FIELDS: dict[str, list[str]] = {
    Kind.FINANCE: ["title", "month", "direction", "amount", "counterparty", "body"],
    Kind.PROJECT: ["title", "budget", "contractor", "started_on", "progress", "accepted_on", "body"],
    Kind.NOTICE: ["title", "body"],
}


class NoticeQuerySet(models.QuerySet["Notice"]):
    def published(self) -> NoticeQuerySet:
        return self.filter(published_at__isnull=False)

    def in_areas(self, paths: list[str]) -> NoticeQuerySet:
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)


class Notice(models.Model):
    """One disclosed item of a village: a finance entry, a project or a notice.

    Its content lives in its versions; `current` points at the newest, so a list
    of items is one query with a join.
    """

    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    area_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    current = models.ForeignKey(
        # SET_NULL, not PROTECT: removing an item removes its versions with it.
        "NoticeVersion", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("current version")
    )
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosed item")
        verbose_name_plural = _("disclosed items")
        indexes = [
            models.Index(fields=["village", "kind", "published_at"], name="notice_village_kind"),
            models.Index(fields=["area_path"], name="notice_area_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.current.title if self.current_id and self.current else f"{self.kind} {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class NoticeVersion(models.Model):
    """The content of a disclosed item as it stood from `created_at` on.

    Written once: the draft (number 1 before publication) may be edited, a
    published version never is; a correction adds the next number with a reason.
    """

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    month = models.DateField(_("month"), null=True, blank=True)
    direction = models.CharField(_("income or spending"), max_length=10, choices=Direction.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    counterparty = models.CharField(_("paid to / received from"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    accepted_on = models.DateField(_("passed acceptance on"), null=True, blank=True)
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="one_notice_version_number")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last line of defence: a published version is history and stays as it was.
        if self.pk is not None and Notice.objects.filter(pk=self.notice_id, published_at__isnull=False).exists():
            raise ValueError("A published version cannot be changed; publish a correction instead.")
        super().save(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in KIND_FIELDS[self.notice.kind]}


def field_label(name: str) -> Any:
    """The (lazy, translated) label of a version's field."""
    field = NoticeVersion._meta.get_field(name)
    return field.verbose_name if isinstance(field, models.Field) else name


def receipt_path(receipt: Receipt, filename: str) -> str:
    # The original name is kept in a column, never in the path: it may carry a person's name.
    return f"receipts/{timezone.now():%Y/%m}/{receipt.notice_id}-{uuid.uuid4().hex}"


class Receipt(models.Model):
    """A photo or scan of a receipt (票据) for a finance entry, added with a version."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="receipts")
    version_number = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=receipt_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=150)
    uploaded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.pk} {self.content_type}"


class Question(models.Model):
    """A resident's public question on a published item, and staff's public answer."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    # Shown publicly instead of the name: 王秀英 → 王**.
    asker_label = models.CharField(max_length=50)
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["notice", "asked_at"], name="question_notice_asked"),
            models.Index(fields=["asked_by", "asked_at"], name="question_asker_asked"),
            # The big screens' stream: the questions of the last seconds (or day), city-wide.
            models.Index(fields=["asked_at"], name="question_asked"),
        ]

    def __str__(self) -> str:
        return self.text[:40]
