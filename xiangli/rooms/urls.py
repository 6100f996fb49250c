from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "rooms"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.room_list, name="list"),
    path("<int:room_id>/", views.week, name="week"),
    path("bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = set()
SCOPED: set[str] = {"list", "week", "cancel"}
