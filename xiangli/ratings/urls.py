from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "ratings"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("centre/<str:code>/", views.centre, name="centre"),
    path("<str:code>/", views.ranking, name="ranking"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = set()
SCOPED: set[str] = {"home", "ranking", "centre"}
