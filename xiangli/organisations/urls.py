from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "organisations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.village_list, name="list"),
    path("<int:org_id>/membership/", views.membership, name="membership"),
    path("desk/", views.desk, name="desk"),
    path("desk/<int:org_id>/", views.desk_detail, name="desk_detail"),
    path("desk/<int:org_id>/members/", views.desk_member, name="desk_member"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = {"list", "membership"}
SCOPED: set[str] = {"desk", "desk_detail", "desk_member"}
