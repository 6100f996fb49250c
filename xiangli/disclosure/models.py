"""Public disclosure."""

from __future__ import annotations
