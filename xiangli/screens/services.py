"""Screen links: created by staff who may see an area, revoked by any of them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext

from xiangli.areas.models import Area
from xiangli.audit import services as audit
from xiangli.metrics.access import METRICS_ROLES
from xiangli.people import scope
from xiangli.people.models import Role, User

from .models import ScreenLink

# Auditors read; they do not hand out addresses that show an area to whoever holds them.
MANAGER_ROLES = METRICS_ROLES - {Role.AUDITOR}
# last_seen_at is for people reviewing their screens: a few minutes' precision spares a write per poll.
TOUCH_EVERY = dt.timedelta(minutes=5)
LONGEST = dt.timedelta(days=366 * 3)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage(user: Any, area: Area) -> bool:
    """Whether the user may create and revoke the screen links of the area."""
    return scope.serves(user, area.path, MANAGER_ROLES)


def create_link(
    *, by: User, area: Area, name: str, language: str = "zh-hans", valid_until: dt.date | None = None
) -> tuple[ScreenLink, str]:
    """A new link to the area's screen, and its token (shown once; only its hash is kept)."""
    if not may_manage(by, area):
        raise Http404
    name = name.strip()
    if not name:
        raise ValidationError({"name": pgettext("screen", "Please name the screen, e.g. Lobby TV.")})
    if len(name) > 60:
        raise ValidationError({"name": pgettext("screen", "Please keep the name to 60 characters.")})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": pgettext("screen", "Please choose a language of the site.")})
    expires_at = None
    if valid_until is not None:
        today = timezone.localdate()
        if valid_until < today:
            raise ValidationError(
                {"valid_until": pgettext("screen", "The date has passed; choose today or a later day.")}
            )
        if valid_until > today + LONGEST:
            raise ValidationError({"valid_until": pgettext("screen", "A link may be valid for three years at most.")})
        next_midnight = dt.datetime.combine(valid_until + dt.timedelta(days=1), dt.time.min)
        expires_at = timezone.make_aware(next_midnight)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = ScreenLink.objects.create(
            area=area, name=name, language=language, token_digest=digest(token), created_by=by,
            expires_at=expires_at,
        )
        audit.record("screen_link.created", obj=link, actor=by, area_path=area.path,
                     changes={"area": [None, area.code], "name": [None, name],
                              "expires_at": [None, expires_at.isoformat() if expires_at else None]})
    return link, token


def revoke_link(link: ScreenLink, *, by: User) -> ScreenLink:
    """Stop the link at once: its screen and data answer 404 from the next poll on."""
    if not may_manage(by, link.area):
        raise Http404
    if link.revoked_at is not None:
        return link
    with transaction.atomic():
        now = timezone.now()
        ScreenLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=by)
        link.revoked_at, link.revoked_by = now, by
        audit.record("screen_link.revoked", obj=link, actor=by, area_path=link.area.path,
                     changes={"revoked_at": [None, now.isoformat()]})
    return link


def find_link(token: str) -> ScreenLink | None:
    """The live link with this token, with its area; notes when its screen was last seen."""
    if not token or len(token) > 64:
        return None
    link = ScreenLink.objects.live().select_related("area").filter(token_digest=digest(token)).first()
    if link is None:
        return None
    now = timezone.now()
    if link.last_seen_at is None or now - link.last_seen_at > TOUCH_EVERY:
        ScreenLink.objects.filter(pk=link.pk).update(last_seen_at=now)
        link.last_seen_at = now
    return link
