"""Logging in with a phone: by password, or by a code sent by text message."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.people import sessions, twofactor
from xiangli.people.models import User
from xiangli.people.services import request_login_code

from .forms import CodeLoginForm, CodeRequestForm, OtpForm, PasswordLoginForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def login_page(request: HttpRequest) -> HttpResponse:
    """Two forms: phone and a texted code (one form, two buttons), or phone and password.

    The two forms' phone fields get distinct ids, so each label is tied to its own input.
    """
    password_form = PasswordLoginForm(auto_id="pw_%s")
    code_form: CodeLoginForm | CodeRequestForm = CodeLoginForm(auto_id="code_%s")
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "password":
            password_form = PasswordLoginForm(request.POST, auto_id="pw_%s")
            if password_form.is_valid():
                user = authenticate(request, username=password_form.cleaned_data["phone"],
                                    password=password_form.cleaned_data["password"])
                if user is not None:
                    return _finish_login(request, user)
                if getattr(request, "login_cooling_off", False):
                    password_form.add_error(None, _("Too many wrong tries. Please wait 15 minutes, or log in with a "
                                                    "code sent by text message."))
                else:
                    password_form.add_error(None, _("The phone number or password is wrong."))
        elif kind == "code":
            code_form = CodeLoginForm(request.POST, auto_id="code_%s")
            if code_form.is_valid():
                user = authenticate(request, phone=code_form.cleaned_data["phone"],
                                    code=code_form.cleaned_data["code"])
                if user is not None:
                    # A texted code proves the phone: for a while, the account
                    # page lets them set a new password without the old one.
                    request.session["code_login_at"] = time.time()
                    return _finish_login(request, user)
                code_form.add_error(None, _("The code is wrong or has expired. Ask for a new one."))
        elif kind == "send_code":
            # Only the phone matters here; the code box stays empty for the text to fill.
            code_form = CodeRequestForm(request.POST, auto_id="code_%s")
            if code_form.is_valid():
                phone = code_form.cleaned_data["phone"]
                try:
                    request_login_code(phone=phone)
                except ValidationError as exc:
                    code_form.add_error("phone", exc)
                else:
                    messages.info(request, _("If this phone has an account, a code is on its way."))
                    code_form = CodeLoginForm(initial={"phone": phone}, auto_id="code_%s")
    return render(request, "front/login.html", {
        "password_form": password_form, "code_form": code_form, "next": _next(request),
    })


PENDING_TTL = 600  # seconds between the first factor and the second


def _finish_login(request: HttpRequest, user: User) -> HttpResponse:
    """Log in, or, for staff who need a second factor, ask for it first.

    Until the code is given, the person is not logged in at all: the session
    only remembers who passed the first step, and for how long.
    """
    if not twofactor.required_for(user):
        login(request, user)
        sessions.record(request)
        return redirect(_next(request))
    request.session["pending_login"] = {
        "user": user.pk, "backend": getattr(user, "backend", ""), "at": time.time(), "next": _next(request),
    }
    return redirect("front:login_otp")


def login_otp(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, set up here on first use."""
    pending = request.session.get("pending_login")
    if not pending or time.time() - pending["at"] > PENDING_TTL:
        request.session.pop("pending_login", None)
        messages.error(request, _("Please log in again."))
        return redirect("front:login")
    user = User.objects.get(pk=pending["user"])
    device = twofactor.confirmed_device(user) or twofactor.enrolment(user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(device, form.cleaned_data["code"]):
            del request.session["pending_login"]
            login(request, user, backend=pending["backend"] or None)
            sessions.record(request)
            return redirect(pending["next"])
        form.add_error("code", _("The code is wrong or too old. Enter the code your app shows now."))
    setting_up = device.confirmed_at is None
    uri = twofactor.provisioning_uri(device) if setting_up else ""
    return render(request, "front/login_otp.html", {
        "form": form, "setting_up": setting_up, "qr": twofactor.qr_data_uri(uri) if uri else "",
        "secret": " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4)) if setting_up else "",
    })


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("front:home")
