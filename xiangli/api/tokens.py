"""Bearer tokens for the mobile apps: issued once, kept only as a hash, revoked by deleting."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db.models import F
from django.utils import timezone

from xiangli.people import scope
from xiangli.people.models import User

from .models import ApiToken

PREFIX = "xl_"  # lets secret scanners and people recognise a leaked token
# last_used_at is for people reviewing their devices; minute precision is plenty,
# and it spares a write on every request.
TOUCH_EVERY = dt.timedelta(minutes=5)


def key_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user: User, name: str = "") -> str:
    """A new token for one device of the user. The caller shows it once; only its hash is kept."""
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name.strip()[:100], key_digest=key_digest(token))
    return token


def find_token(token: str) -> ApiToken | None:
    """The live token with its (active) user and the user's roles, or None; notes when it was last used.

    One query: a row per role of the user (one with none when it has no role), so that
    scoping the request reads no more.
    """
    rows = list(
        ApiToken.objects.select_related("user")
        .filter(key_digest=key_digest(token), user__is_active=True)
        .annotate(role=F("user__roles__role"), role_path=F("user__roles__area__path"), role_area=F("user__roles__area"))
    )
    if not rows:
        return None
    found = rows[0]
    scope.remember(found.user, [(r.role, r.role_path, r.role_area) for r in rows if r.role is not None])
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


def revoke_token(token: ApiToken) -> None:
    """Sign the device out: the token stops working at once."""
    ApiToken.objects.filter(pk=token.pk).delete()
