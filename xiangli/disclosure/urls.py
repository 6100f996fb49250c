from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "disclosure"

urlpatterns: list[URLPattern | URLResolver] = [
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.desk_new, name="desk_new"),
    path("desk/<int:notice_id>/", views.desk_notice, name="desk_notice"),
    path("desk/questions/<int:question_id>/answer/", views.desk_answer, name="desk_answer"),
    path("receipts/<int:receipt_id>/", views.receipt, name="receipt"),
    path("<str:code>/", views.village, name="village"),
    path("<str:code>/<int:notice_id>/", views.notice, name="notice"),
    path("<str:code>/<int:notice_id>/ask/", views.ask, name="ask"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
# A receipt is public once its item is published; before that only its village's staff see it.
PUBLIC: set[str] = {"village", "notice", "receipt"}
OWN: set[str] = {"ask"}
SCOPED: set[str] = {"desk", "desk_new", "desk_notice", "desk_answer"}
