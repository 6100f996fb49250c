"""Tokens that the mobile apps send as `Authorization: Bearer <token>`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.people.models import User


class ApiToken(models.Model):
    """One signed-in device. Only the SHA-256 of the token is kept: it is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("account"))
    name = models.CharField(_("device"), max_length=100, blank=True)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.name or self.pk}"
