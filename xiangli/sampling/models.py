"""You nominate, we test."""

from __future__ import annotations
