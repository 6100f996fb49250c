"""Resident roster import and export."""

from __future__ import annotations
