"""Slowing down password guessing without letting anyone lock a resident out for good.

Failures are counted per phone and per address over a sliding window. Past the
limit, logins from there are refused until the window has moved on (a cool-off,
not a lock): an attacker hammering a resident's phone only delays her by minutes,
and a correct password from anywhere else still works once the phone's count
falls back. Counting is in the database so that every app process sees it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from .crypto import digest

WINDOW = dt.timedelta(minutes=15)
PER_ACCOUNT = 10
PER_ADDRESS = 50


class LoginFailure(models.Model):
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "people"
        indexes = [models.Index(fields=["key", "at"], name="loginfailure_key_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


def _account_key(phone_key: str) -> str:
    # Hashed again so that it fits the 64-character column, as the address's key does.
    return digest(f"acct:{phone_key}")


def _keys(phone_key: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(_account_key(phone_key), PER_ACCOUNT)]
    if address:
        keys.append((digest(f"addr:{address}"), PER_ADDRESS))
    return keys


def cooling_off(phone_key: str, address: str | None, *, now: dt.datetime | None = None) -> bool:
    """True while this phone or this address has failed too often within the window."""
    since = (now or timezone.now()) - WINDOW
    return any(
        LoginFailure.objects.filter(key=key, at__gte=since).count() >= limit for key, limit in _keys(phone_key, address)
    )


def record_failure(phone_key: str, address: str | None) -> None:
    LoginFailure.objects.bulk_create([LoginFailure(key=key) for key, _ in _keys(phone_key, address)])


def record_success(phone_key: str) -> None:
    """The account's count starts again; the address's does not (it may be guessing many phones)."""
    LoginFailure.objects.filter(key=_account_key(phone_key)).delete()


def prune(*, now: dt.datetime | None = None) -> int:
    deleted, _ = LoginFailure.objects.filter(at__lt=(now or timezone.now()) - WINDOW).delete()
    return deleted
