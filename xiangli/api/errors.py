"""The one error shape of the API, and the handlers that give every failure that shape.

    {"error": {"code": "validation_error", "message": "…", "fields": {"stars": ["…"]}}}

`message` is always a sentence a person can read, in the request's language;
`fields` names the inputs that were wrong, keyed as the client sent them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

ErrorCode = Literal["validation_error", "not_found", "forbidden", "unauthorized", "conflict"]

CODE_FOR_STATUS: dict[int, ErrorCode] = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
}


class ErrorDetail(Schema):
    code: ErrorCode
    message: str
    fields: dict[str, list[str]] = {}


class Error(Schema):
    """What every refused request answers."""

    error: ErrorDetail


class Unauthorized(Exception):
    """Raised by a handler to answer 401 with its own message (a wrong password)."""


def errors(*statuses: int) -> dict[int, type[Error]]:
    """The error responses of an operation, for its `response=` and so for the OpenAPI document."""
    return {status: Error for status in statuses}


def error_body(status: int, message: str, fields: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": CODE_FOR_STATUS[status], "message": message, "fields": dict(fields or {})}}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, message: str, fields: Mapping[str, list[str]] | None = None
) -> HttpResponse:
    response = api.create_response(request, error_body(status, message, fields), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="xiangli"'
    return response


def _generic_message(status: int) -> str:
    # Looked up when the error happens, so that it is in the request's language.
    return {
        400: _("Some of the information sent is not valid."),
        401: _("Please log in."),
        403: _("You may not do this."),
        404: _("Not found."),
        409: _("Someone else has just changed this. Please reload and try again."),
    }[status]


def _summary(general: list[str], fields: Mapping[str, list[str]], status: int) -> str:
    """The sentence to show: what is wrong overall, else the first wrong field's message."""
    first_field_message = next((m for ms in fields.values() for m in ms), None)
    return " ".join(general) or first_field_message or _generic_message(status)


def _django_validation_error(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = exc.message_dict
        general = fields.pop(NON_FIELD_ERRORS, [])
        parts = [e for es in exc.error_dict.values() for e in es]
    else:
        fields, general, parts = {}, exc.messages, exc.error_list
    # A service marks a lost race with code="conflict": the request was fine, the moment was not.
    status = 409 if parts and all(e.code == "conflict" for e in parts) else 400
    return error_response(api, request, status, _summary(general, fields, status), fields)


# Pydantic's messages are English only; these are Django's own wording, which
# Django already translates.
_PYDANTIC_MESSAGES = {
    "missing": "This field is required.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "enum": "Select a valid choice. That choice is not one of the available choices.",
    "literal_error": "Select a valid choice. That choice is not one of the available choices.",
    "json_invalid": "Enter a valid JSON.",
    "bool_parsing": "Enter a valid value.",
}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": ctx.get("le")}
    return _(_PYDANTIC_MESSAGES.get(kind, "Enter a valid value."))


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # loc is (source, param, field, …) for a body and (source, field) for a
    # query or header; the innermost name is the one the client wrote.
    names = [part for part in loc[1:] if isinstance(part, str)]
    return names[-1] if names else NON_FIELD_ERRORS


def _request_validation_error(api: NinjaAPI, request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    general = fields.pop(NON_FIELD_ERRORS, [])
    return error_response(api, request, 400, _summary(general, fields, 400), fields)


def install(api: NinjaAPI) -> None:
    """Give ninja's own errors and the services' exceptions the one shape."""
    # (Handlers take `exc: Any`: ninja types them as taking the class or an instance.)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return _django_validation_error(api, request, exc)

    def on_request_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return _request_validation_error(api, request, exc)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or _generic_message(403))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        # Never the exception's text: "No Case matches the given query" is not for villagers.
        return error_response(api, request, 404, _generic_message(404))

    def on_unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 401, _generic_message(401))

    def on_unauthorized(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 401, str(exc) or _generic_message(401))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # Raised by ninja itself (a failed CSRF check is a 403), with English text.
        status = exc.status_code if exc.status_code in CODE_FOR_STATUS else 400
        return error_response(api, request, status, _generic_message(status))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(RequestValidationError, on_request_validation)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(Unauthorized, on_unauthorized)
    api.add_exception_handler(HttpError, on_http_error)


def unknown_path(request: HttpRequest, path: str) -> JsonResponse:
    """Any other address under /api/v1/: a 404 in the same shape."""
    return JsonResponse(error_body(404, _generic_message(404)), status=404)


@contextmanager
def fields_named(renames: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field errors under the names the client sent ("item" → "item_code")."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {renames.get(name, name): field_errors for name, field_errors in exc.error_dict.items()}
        ) from exc
