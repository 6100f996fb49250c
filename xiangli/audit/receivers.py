"""Logins and logouts go to the audit trail.

Django's own auth signals are used here rather than edits to each login view:
every way in (password, texted code, the second factor, the admin, API tokens)
goes through authenticate() and login(), so none can be missed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from .services import record


def _method(user: Any) -> str:
    backend = str(getattr(user, "backend", "") or "")
    return backend.rsplit(".", 1)[-1]


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("login.succeeded", obj=user, actor=user, changes={"method": _method(user)})


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("logout", obj=user, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from xiangli.people.models import User, phone_digest

    phone = str(credentials.get("username") or credentials.get("phone") or "")
    try:
        account = User.objects.filter(login_digest=phone_digest(phone)).first() if phone else None
    except ValidationError:
        account = None
    # Nobody is logged in: the attempt is filed under the account it tried, if any.
    record("login.failed", obj=account, actor=None, changes={"phone": phone[:20]})
