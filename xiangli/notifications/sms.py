"""SMS backends. Which one runs is the SMS_BACKEND setting.

- "outbox": keep the message in the SmsMessage table and write a masked line to
  the log. For a centre without a gateway contract, and for the demo.
- "http": POST the message as JSON to SMS_HTTP_URL with a bearer token. Chinese
  SMS gateways all take "phone, text, signature" over HTTPS; a county points this
  at its provider (or a thin relay to it).
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from xiangli.people.masking import mask_phone

log = logging.getLogger("xiangli.sms")


class SmsError(Exception):
    """The gateway refused or could not be reached; the message may be retried."""


@dataclass
class SendResult:
    provider_id: str


class OutboxBackend:
    name = "outbox"

    def send(self, phone: str, body: str) -> SendResult:
        log.info("SMS to %s: %s", mask_phone(phone), body)
        return SendResult(provider_id="")


class HttpBackend:
    name = "http"

    def __init__(self, url: str, token: str, timeout: float, signature: str) -> None:
        if not url:
            raise SmsError("SMS_HTTP_URL is not set")
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise SmsError("SMS_HTTP_URL must start with http:// or https://")
        self.url, self.token, self.timeout, self.signature = url, token, timeout, signature

    def send(self, phone: str, body: str) -> SendResult:
        payload = json.dumps({"phone": phone, "text": body, "signature": self.signature}).encode()
        request = urllib.request.Request(  # noqa: S310 -- __init__ allows only http(s) URLs
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except (OSError, http.client.HTTPException) as exc:
            # URLError and timeouts are OSErrors; a gateway that hangs up before
            # answering raises RemoteDisconnected, which urllib does not wrap.
            raise SmsError(f"gateway unreachable: {exc}") from exc
        # A 2xx means the gateway took the message: an answer we cannot read
        # must not make us send it again, so it only costs the provider id.
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        provider_id = answer.get("id", "") if isinstance(answer, dict) else ""
        return SendResult(provider_id=str(provider_id)[:100])


def backend() -> OutboxBackend | HttpBackend:
    if settings.SMS_BACKEND == "http":
        return HttpBackend(
            settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN, settings.SMS_HTTP_TIMEOUT, settings.SMS_SIGNATURE
        )
    return OutboxBackend()
