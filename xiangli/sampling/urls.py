from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "sampling"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("nominate/", views.nominate, name="nominate"),
    path("<int:nomination_id>/support/", views.support, name="support"),
    path("results/", views.results, name="results"),
    path("results/<str:code>/", views.area_results, name="area_results"),
    path("desk/", views.desk, name="desk"),
    path("desk/events/<int:event_id>/", views.event, name="event"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = {"results", "area_results"}
OWN: set[str] = {"home", "nominate", "support"}
SCOPED: set[str] = {"desk", "event"}
