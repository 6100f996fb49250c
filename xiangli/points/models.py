"""Volunteer points and the points supermarket."""

from __future__ import annotations
