"""An optional maximum password age for staff, for counties whose MLPS assessor requires it.

Off by default (PASSWORD_MAX_AGE_DAYS=0): OWASP ASVS and NIST advise against forced
rotation, and docs/security.md says why. When a county turns it on, a member of staff
whose password is older is sent to the account page until they choose a new one.
Residents are never forced: most log in with texted codes, and an elderly villager
locked out by a rotation rule is a worse risk than an old password.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scope


def password_expired(user: Any, *, now: dt.datetime | None = None) -> bool:
    days = int(getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0) or 0)
    if days <= 0 or not getattr(user, "is_authenticated", False) or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    if changed > (now or timezone.now()) - dt.timedelta(days=days):
        return False
    # Only now the role lookup: fresh passwords cost no query.
    return bool(user.is_superuser) or scope.is_staff_member(user)


class PasswordAgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and password_expired(user) and not self._open(request):
            messages.warning(request, _(
                "Your password is older than %(days)s days, the limit this county has set. "
                "Choose a new one to go on."
            ) % {"days": settings.PASSWORD_MAX_AGE_DAYS})
            return redirect("front:account")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path_info
        return path.startswith((settings.STATIC_URL or "/static/", "/i18n/", reverse("front:account"))) or (
            path == reverse("front:logout")
        )
