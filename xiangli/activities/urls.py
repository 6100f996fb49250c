from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "activities"

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<str:code>/week/", views.week, name="week"),
    path("c/<str:code>/week.pdf", views.week_pdf, name="week_pdf"),
    path("c/<str:code>/activities.ics", views.week_ics, name="week_ics"),
    path("<int:activity_id>/", views.detail, name="detail"),
    path("<int:activity_id>/signup/", views.signup, name="signup"),
    path("<int:activity_id>/withdraw/", views.withdraw, name="withdraw"),
    path("me/", views.mine, name="mine"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.new, name="new"),
    path("desk/person-times/", views.totals, name="totals"),
    path("desk/<int:activity_id>/", views.manage, name="manage"),
    path("desk/<int:activity_id>/signup/", views.desk_signup, name="desk_signup"),
    path("desk/<int:activity_id>/checkin/", views.desk_checkin, name="desk_checkin"),
    path("desk/<int:activity_id>/volunteer/", views.desk_volunteer, name="desk_volunteer"),
    path("desk/<int:activity_id>/cancel/", views.desk_cancel, name="desk_cancel"),
    path("desk/signups/<int:signup_id>/cancel/", views.desk_cancel_signup, name="desk_cancel_signup"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = {"week", "week_pdf", "week_ics", "detail"}
OWN: set[str] = {"signup", "withdraw", "mine"}
SCOPED: set[str] = {"desk", "new", "totals", "manage", "desk_signup", "desk_checkin", "desk_volunteer",
                    "desk_cancel", "desk_cancel_signup"}
