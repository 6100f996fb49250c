"""Log in with a phone and a password, or a phone and a one-time code sent by SMS."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import throttle
from .models import User, phone_digest


class PhonePasswordBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> User | None:
        if not username or not password:
            return None
        try:
            key = phone_digest(username)
        except ValidationError:
            return None
        address = request.META.get("REMOTE_ADDR") if request is not None else None
        if throttle.cooling_off(key, address):
            if request is not None:
                request.login_cooling_off = True  # type: ignore[attr-defined]
            return None
        user = User.objects.filter(login_digest=key).first()
        if user is None:
            User().set_password(password)  # same cost either way: no account enumeration by timing
        elif user.check_password(password) and self.user_can_authenticate(user):
            throttle.record_success(key)
            return user
        throttle.record_failure(key, address)
        return None


class SmsCodeBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, phone: str | None = None, code: str | None = None, **kw: Any
    ) -> User | None:
        if not phone or not code:
            return None
        from .services import check_login_code

        user = check_login_code(phone=phone, code=code)
        if user is not None and self.user_can_authenticate(user):
            return user
        return None
