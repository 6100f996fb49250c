"""Screens read cached figures: each test starts with an empty cache, so one test's
figures never show on another's screen."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()
