"""The in-app inbox and the SMS outbox."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xiangli.people.crypto import EncryptedTextField
from xiangli.people.masking import mask_phone


def _english() -> bool:
    return (get_language() or "").startswith("en")


class AttachedFile(NamedTuple):
    """A file attached to a message, as one reader sees it."""

    name: str
    url: str
    size: int  # bytes


class Notification(models.Model):
    """A message in someone's inbox: a resident's (by registry record) or a staff member's."""

    resident = models.ForeignKey(
        "people.Resident", models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    user = models.ForeignKey("people.User", models.CASCADE, null=True, blank=True, related_name="notifications")
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, blank=True, related_name="+")
    # A page of the site the message is about (a report to download, a task to take), when not a case.
    link = models.CharField(max_length=200, blank=True)
    # Rendered once in both languages, so the inbox reads in whichever the person uses.
    message_zh = models.TextField()
    message_en = models.TextField()
    # Files attached to the message, each named and sized in both languages; built only by
    # notifications.services.attachment. The URL's own view serves the file and checks access,
    # so an attachment never gives a reader more than the page behind it would.
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["resident", "-created_at"], name="notif_resident_recent"),
            models.Index(fields=["user", "-created_at"], name="notif_user_recent"),
        ]

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def message(self) -> str:
        return self.message_en if _english() else self.message_zh

    @property
    def files(self) -> list[AttachedFile]:
        """The attached files, named and sized in the reader's language."""
        suffix = "en" if _english() else "zh"
        entries: list[dict[str, Any]] = self.attachments or []
        return [AttachedFile(name=str(e.get(f"name_{suffix}", "")), url=str(e["url"]),
                             size=int(e.get(f"bytes_{suffix}", 0)))
                for e in entries if e.get("url")]


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SmsMessage(models.Model):
    """One text message, kept whatever the backend, so that every send can be traced."""

    phone = EncryptedTextField()
    body = models.TextField()
    status = models.CharField(max_length=10, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    backend = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["status", "created_at"], name="sms_status_created")]

    def __str__(self) -> str:
        return f"{self.masked_phone} {self.status}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
