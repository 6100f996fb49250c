"""Screen links: a big screen on a wall (a lobby TV) shows its area without anyone logged in.

A link is a random token kept only as a hash; whoever has the address sees that one
area's screen, read-only, until the link is revoked or expires.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from xiangli.areas.models import Area
from xiangli.people.models import User


class ScreenLinkQuerySet(models.QuerySet["ScreenLink"]):
    def live(self) -> ScreenLinkQuerySet:
        """Links that still open their screen: not revoked, not past their expiry."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ScreenLink(models.Model):
    """A revocable address that shows one area's big screen without logging in."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="+", verbose_name=pgettext_lazy("screen", "area"))
    name = models.CharField(
        pgettext_lazy("screen", "name"), max_length=60,
        help_text=pgettext_lazy("screen", "Where the screen hangs, e.g. Lobby TV."),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The screen speaks this language whatever the TV's browser asks for.
    language = models.CharField(
        pgettext_lazy("screen", "language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    created_by = models.ForeignKey(
        User, models.PROTECT, related_name="+", verbose_name=pgettext_lazy("screen", "created by")
    )
    created_at = models.DateTimeField(pgettext_lazy("screen", "created"), default=timezone.now)
    expires_at = models.DateTimeField(pgettext_lazy("screen", "valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(pgettext_lazy("screen", "revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=pgettext_lazy("screen", "revoked by"),
    )
    # For the people reviewing the links: is that TV still on? Touched at most every few minutes.
    last_seen_at = models.DateTimeField(pgettext_lazy("screen", "last seen"), null=True, blank=True)

    objects = ScreenLinkQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("screen", "screen link")
        verbose_name_plural = pgettext_lazy("screen", "screen links")
        indexes = [models.Index(fields=["area", "-created_at"], name="screenlink_area_recent")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
