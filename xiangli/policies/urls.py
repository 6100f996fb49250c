from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "policies"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_new, name="new"),
    path("coverage/", views.coverage, name="coverage"),
    path("outreach/", views.outreach_list, name="outreach"),
    path("outreach/<int:outreach_id>/", views.outreach_detail, name="outreach_detail"),
    path("<int:policy_id>/", views.preview, name="preview"),
    path("<int:policy_id>/edit/", views.policy_edit, name="edit"),
    path("<int:policy_id>/status/", views.set_status, name="status"),
    path("<int:policy_id>/run/", views.run, name="run"),
    path("<int:policy_id>/coverage/", views.coverage_detail, name="coverage_detail"),
    path("<int:policy_id>/export/", views.export, name="export"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = set()
SCOPED: set[str] = {
    "list", "new", "coverage", "outreach", "outreach_detail", "preview", "edit", "status", "run",
    "coverage_detail", "export",
}
