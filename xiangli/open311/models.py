"""Open311 GeoReport v2."""

from __future__ import annotations
