from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "roster"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/apply/", views.import_apply, name="import_apply"),
    path("export/", views.export, name="export"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = {"import_detail", "import_apply"}  # only the uploader's own imports
SCOPED: set[str] = {"home", "export"}
