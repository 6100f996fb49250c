"""The account page: who I am here, where I am logged in, my password."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.audit.services import record
from xiangli.people import sessions
from xiangli.people.models import RoleAssignment, User

# After logging in with a texted code, a new password may be set without the old
# one for this long: that is the password reset, and it tells no one whether a
# phone has an account.
RESET_WINDOW = 15 * 60


def _password_form(request: HttpRequest, user: User) -> PasswordChangeForm | SetPasswordForm:  # type: ignore[type-arg]
    data = request.POST if request.method == "POST" else None
    fresh = time.time() - request.session.get("code_login_at", 0) < RESET_WINDOW
    if fresh or not user.has_usable_password():
        return SetPasswordForm(user, data, label_suffix="")
    return PasswordChangeForm(user, data, label_suffix="")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = _password_form(request, user)
    if request.method == "POST" and form.is_valid():
        form.save()
        record("account.password_changed", obj=user, actor=user)
        update_session_auth_hash(request, user)  # this device stays in; the others are logged out
        request.session.pop("code_login_at", None)
        messages.success(request, _("Your password was changed. Your other devices were logged out."))
        return redirect("front:account")
    roles = RoleAssignment.objects.filter(user=user).select_related("area").order_by("role")
    return render(request, "front/account.html", {
        "form": form, "roles": roles, "sessions": sessions.active(user.pk),
        "current_key": request.session.session_key,
    })


@require_POST
@login_required
def end_session(request: HttpRequest, session_id: int) -> HttpResponse:
    if not sessions.end(request.user.pk, session_id):  # type: ignore[arg-type]
        raise Http404
    record("account.session_ended", obj=request.user, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("That device was logged out."))
    return redirect("front:account")
