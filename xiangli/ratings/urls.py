from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "ratings"

urlpatterns: list[URLPattern | URLResolver] = []

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = set()
SCOPED: set[str] = set()
