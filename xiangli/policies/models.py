"""Policy finds people."""

from __future__ import annotations
