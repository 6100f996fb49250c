from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "metrics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("<str:code>/", views.area, name="area"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = set()
SCOPED: set[str] = {"home", "area"}
