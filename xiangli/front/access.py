"""Page helpers: putting a service's ValidationError onto a form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form


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
