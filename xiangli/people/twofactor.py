"""Two-factor login (TOTP, RFC 6238) for staff with township rights or above.

They see every case of many villages, so a stolen password alone must not be
enough. Any authenticator app works (the codes are the standard six digits every
30 seconds); the secret is stored encrypted like other personal data.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import scope, throttle
from .models import Role, TotpDevice, User

TWO_FACTOR_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN, Role.CITY_ADMIN}
STEP = 30
ISSUER = "Xiangli"


def required_for(user: Any) -> bool:
    if not settings.TWO_FACTOR_FOR_SUPERVISORS:
        return False
    return bool(getattr(user, "is_superuser", False)) or scope.has_role(user, TWO_FACTOR_ROLES)


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def enrolment(user: User) -> TotpDevice:
    """The device being set up: a new secret until a code from it has been confirmed."""
    device, _ = TotpDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def provisioning_uri(device: TotpDevice) -> str:
    from .masking import mask_phone

    return pyotp.TOTP(device.secret).provisioning_uri(name=mask_phone(device.user.phone), issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI: served inline, so nothing is fetched from elsewhere."""
    svg = segno.make(uri, error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def verify(device: TotpDevice, code: str, *, now: float | None = None) -> bool:
    """Accept a code of the current step or its neighbours (clock drift), each step once.

    Wrong codes count towards the same cool-off as wrong passwords.
    """
    key = f"otp:{device.user_id}"
    if throttle.cooling_off(key, None):
        return False
    code = "".join(code.split())
    totp = pyotp.TOTP(device.secret)
    current = int((now if now is not None else time.time()) // STEP)
    for step in (current - 1, current, current + 1):
        if step > device.last_step and totp.at(step * STEP) == code:
            with transaction.atomic():
                # Conditional update: two requests with one code cannot both pass.
                claimed = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(
                    last_step=step, confirmed_at=device.confirmed_at or timezone.now()
                )
            if claimed:
                throttle.record_success(key)
                return True
    throttle.record_failure(key, None)
    return False
