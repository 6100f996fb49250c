from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "tips"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.new, name="new"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.followed, name="followed"),
    path("mine/", views.mine, name="mine"),
    path("desk/", views.queue, name="queue"),
    path("desk/<int:tip_id>/", views.detail, name="detail"),
    path("desk/<int:tip_id>/step/", views.step, name="step"),
    path("desk/<int:tip_id>/assign/", views.assign, name="assign"),
    path("desk/<int:tip_id>/reveal/", views.reveal, name="reveal"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("stats/", views.stats, name="stats"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = {"new", "track"}
OWN: set[str] = {"followed", "mine"}
SCOPED: set[str] = {"queue", "detail", "step", "assign", "reveal", "photo", "stats"}
