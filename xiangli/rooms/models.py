"""Shared rooms."""

from __future__ import annotations
