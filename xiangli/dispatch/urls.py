from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from . import views

app_name = "dispatch"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("<str:code>/", views.reports, name="reports"),
    re_path(r"^(?P<code>[^/]+)/(?P<month>\d{4}-\d{2})\.(?P<fmt>xlsx|pdf)$", views.download, name="download"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = set()
SCOPED: set[str] = {"home", "reports", "download"}
