"""Personal data at rest: encryption with rotatable keys, and keyed hashes for lookup.

ID numbers and phones are sensitive personal information under PIPL. They are
stored encrypted (Fernet: AES-128-CBC with HMAC), and found by exact value
through an HMAC of the normalised value, so the database never holds either in
the clear and a leaked table cannot be reversed by hashing every phone number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _fernet_key(secret: str) -> bytes:
    # Operators give keys as arbitrary strings; Fernet wants 32 url-safe base64 bytes.
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def _box() -> MultiFernet:
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return _box().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was removed before rotation finished
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt under the newest key."""
    return _box().rotate(token.encode()).decode()


def digest(value: str) -> str:
    """Keyed hash of an already normalised value, for exact-match lookups."""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column whose values are encrypted before they reach the database.

    It cannot be filtered on (each encryption is different); pair it with a
    digest column for lookups.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
