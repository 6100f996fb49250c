"""Resident roster import and export."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.people.crypto import EncryptedTextField
from xiangli.people.models import User


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    APPLIED = "applied", _("Imported")


class RosterImport(models.Model):
    """An uploaded roster: checked first (the dry run), imported when staff confirm.

    The rows hold ID numbers and phones, so they are kept encrypted, only until they are
    imported; the report keeps rejected values masked.
    """

    created_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    filename = models.CharField(_("file"), max_length=150)
    content = EncryptedTextField(blank=True)  # the rows read, as JSON; emptied once imported
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new residents"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.JSONField(_("rejected rows"), default=list)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="rosterimport_by_recent")]

    def __str__(self) -> str:
        return f"{self.filename} {self.created_at:%Y-%m-%d %H:%M}"
