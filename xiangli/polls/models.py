"""Deliberation and votes."""

from __future__ import annotations
