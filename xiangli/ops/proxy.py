"""The client's real address when Xiangli runs behind nginx.

gunicorn listens on 127.0.0.1, so without this every request would seem to come
from the proxy: the audit trail, the log of looks at personal data and the
per-address login cool-off all need the resident's or clerk's own address.
Only set BEHIND_PROXY when a proxy you run sets X-Real-IP: otherwise a client
could claim any address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.BEHIND_PROXY and (real := request.META.get("HTTP_X_REAL_IP", "").strip()):
            request.META["REMOTE_ADDR"] = real
        return self.get_response(request)
