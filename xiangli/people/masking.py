"""The one place that masks personal data for display."""

from __future__ import annotations

from .phones import national


def mask_id_number(value: str | None) -> str:
    """410302********1234: region kept, birth date and sequence hidden."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    digits = national(value) if value.startswith("+") else value
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
