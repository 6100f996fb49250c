from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from . import views, views_staff

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + FMT, views.service_request, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token, name="token"),
    # Staff: submissions waiting to be matched to a resident.
    path("submissions/", views_staff.pending, name="pending"),
    path("submissions/<int:pk>/", views_staff.detail, name="submission"),
    path("submissions/<int:pk>/match/<int:resident_id>/", views_staff.match, name="match"),
    path("submissions/<int:pk>/reject/", views_staff.reject, name="reject"),
    path("submissions/<int:pk>/reveal/", views_staff.reveal, name="reveal"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
# The GeoReport endpoints are public by the specification; filing needs an api_key,
# and what they show of a case is free of personal data.
PUBLIC: set[str] = {"discovery", "services", "service", "requests", "request", "token", "not_found"}
OWN: set[str] = set()
SCOPED: set[str] = {"pending", "submission", "match", "reject", "reveal"}
