"""Page helpers: running a service action for a form and showing its refusal there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest

from xiangli.cases.uploads import UPLOAD_ERROR

T = TypeVar("T")


def add_errors(form: Form, exc: ValidationError, *, uploads: str | None = None) -> None:
    """Put a service's ValidationError onto the form, by field where it names one.

    A refusal of an uploaded file goes beside the form's file field named by `uploads`,
    so that a screen reader announces it with that field.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.error_list:
            on_file = uploads in form.fields and error.code == UPLOAD_ERROR
            form.add_error(uploads if on_file else None, error)


def attempt(form: Form, action: Callable[[], T], *, uploads: str | None = None) -> T | None:
    """Run a service action for a form: its result, or None with the refusal on the form.

    `uploads` names the form's file field, where refusals of the files sent are shown.
    """
    try:
        return action()
    except ValidationError as exc:
        add_errors(form, exc, uploads=uploads)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


def run_action(request: HttpRequest, action: Callable[[], Any]) -> Any:
    """Run a service action for a button: its result, or None with the refusal as a message on the page."""
    try:
        return action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return None
