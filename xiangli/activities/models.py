"""Activities and trainings."""

from __future__ import annotations
