"""Who is calling: a page of the site (session cookie) or a mobile app (bearer token)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from xiangli.people.models import User

from .models import ApiToken
from .tokens import find_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`, from POST /tokens. No CSRF: browsers never send it by themselves."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = find_token(token)
        if found is None:
            # A token was sent and is wrong or revoked: say so, rather than
            # falling back to the session and answering something else.
            raise AuthenticationError()
        request.api_token = found  # type: ignore[attr-defined]
        request.user = found.user
        return found.user


class Session(SessionAuth):
    """The pages' own login. Unsafe methods need the CSRF token, as forms do."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a logged-in session there is nothing to protect: answer 401,
        # not a CSRF failure, to a caller that simply has not logged in.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def caller(request: HttpRequest) -> User:
    """The user the request was authenticated as, by token or session."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def current_token(request: HttpRequest) -> ApiToken | None:
    """The token this request was authenticated with, if it came with one."""
    return getattr(request, "api_token", None)


bearer = BearerToken()
session = Session()
