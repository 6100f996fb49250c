"""Page helpers: running a service action for a form and showing its refusal there."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form

T = TypeVar("T")


def add_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def attempt(form: Form, action: Callable[[], T]) -> T | None:
    """Run a service action for a form: its result, or None with the refusal on the form."""
    try:
        return action()
    except ValidationError as exc:
        add_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None
