"""Volunteers and the five helps."""

from __future__ import annotations
