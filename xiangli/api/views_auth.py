"""Tokens for the mobile apps: log in once with phone and password, then send the token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from xiangli.audit.services import record
from xiangli.people import twofactor

from .auth import bearer, current_token
from .errors import Unauthorized, errors
from .schemas import LoginIn, TokenOut
from .tokens import issue_token, revoke_token

router = Router(tags=["tokens"])


@router.post("/tokens", auth=None, response={201: TokenOut, **errors(400, 401)})
def create_token(request: HttpRequest, payload: LoginIn) -> Status[dict[str, str]]:
    """Log in with phone and password; the token is shown only in this answer."""
    user = authenticate(request, username=payload.phone, password=payload.password)
    if user is None:
        raise Unauthorized(_("The phone number or password is wrong."))
    if twofactor.required_for(user):
        device = twofactor.confirmed_device(user)
        if device is None:
            raise Unauthorized(_("Set up two-step login on the website first."))
        if not twofactor.verify(device, payload.otp):
            raise Unauthorized(_("Your role needs the code from your authenticator app (otp)."))
    token = issue_token(user=user, name=payload.name)
    record("token.issued", obj=user, actor=user, changes={"device": payload.name})
    return Status(201, {"token": token})


@router.delete("/tokens/current", auth=bearer, response={204: None, **errors(401)})
def delete_current_token(request: HttpRequest) -> Status[None]:
    """Log this device out: the token it sent stops working."""
    token = current_token(request)
    assert token is not None  # noqa: S101 -- bearer auth put it there; narrows the type for mypy
    record("token.revoked", obj=token.user, actor=token.user, changes={"device": token.name})
    revoke_token(token)
    return Status(204, None)
