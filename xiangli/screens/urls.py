from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "screens"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("l/<str:token>/", views.link_screen, name="link_screen"),
    path("l/<str:token>/data.json", views.link_data, name="link_data"),
    path("links/<int:link_id>/revoke/", views.revoke, name="revoke"),
    path("<str:code>/", views.screen, name="screen"),
    path("<str:code>/data.json", views.data, name="data"),
    path("<str:code>/links/", views.links, name="links"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
# A screen link is public to whoever holds its unguessable address, and shows one area only.
PUBLIC: set[str] = {"link_screen", "link_data"}
OWN: set[str] = set()
SCOPED: set[str] = {"home", "screen", "data", "links", "revoke"}
