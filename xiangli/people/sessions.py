"""Where a person is logged in, so that they can see it and end it.

Sessions live in the database (Django's default engine), which is what lets a
list of them be shown; a cache-only session engine would need another source.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone


class UserSession(models.Model):
    user = models.ForeignKey("people.User", models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        app_label = "people"
        indexes = [models.Index(fields=["user", "-created_at"], name="usersession_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


def record(request: HttpRequest) -> None:
    """Note the session just started by login()."""
    key = request.session.session_key
    if key is None or not request.user.is_authenticated:
        return
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user_id": request.user.pk,
            "ip": request.META.get("REMOTE_ADDR"),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def active(user_id: int) -> list[UserSession]:
    """The person's sessions that have not expired or been ended, newest first."""
    from django.contrib.sessions.models import Session

    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return list(UserSession.objects.filter(user_id=user_id, session_key__in=live).order_by("-created_at"))


def end(user_id: int, session_id: int) -> bool:
    """End one of the person's own sessions: that device is logged out at its next request."""
    row = UserSession.objects.filter(user_id=user_id, pk=session_id).first()
    if row is None:
        return False
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=row.session_key).delete()
    row.delete()
    return True
