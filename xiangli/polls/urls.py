from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "polls"

urlpatterns: list[URLPattern | URLResolver] = [
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.desk_new, name="desk_new"),
    path("desk/<int:poll_id>/", views.desk_poll, name="desk_poll"),
    path("desk/<int:poll_id>/counter-vote/", views.desk_counter_vote, name="desk_counter_vote"),
    path("<str:code>/", views.village, name="village"),
    path("<str:code>/<int:poll_id>/", views.poll, name="poll"),
    path("<str:code>/<int:poll_id>/vote/", views.vote, name="vote"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = {"village", "poll"}
OWN: set[str] = {"vote"}
SCOPED: set[str] = {"desk", "desk_new", "desk_poll", "desk_counter_vote"}
