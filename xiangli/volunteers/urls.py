from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = [
    path("help/", views.ask, name="ask"),
    path("me/requests/", views.my_requests, name="my_requests"),
    path("me/requests/<int:task_id>/", views.request_step, name="request_step"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/", views.task_step, name="task_step"),
    path("me/record/", views.my_record, name="my_record"),
    path("me/certificate.pdf", views.my_certificate, name="my_certificate"),
    path("desk/", views.desk, name="desk"),
    path("desk/find/", views.desk_find, name="desk_find"),
    path("desk/residents/<int:resident_id>/ask/", views.desk_ask, name="desk_ask"),
    path("desk/tasks/<int:task_id>/", views.desk_task, name="desk_task"),
    path("desk/tasks/<int:task_id>/step/", views.desk_task_step, name="desk_task_step"),
    path("desk/volunteers/", views.desk_volunteers, name="desk_volunteers"),
    path("desk/volunteers/register/<int:resident_id>/", views.desk_register, name="desk_register"),
    path("desk/volunteers/<int:volunteer_id>/certificate.pdf", views.desk_certificate, name="desk_certificate"),
    path("desk/villages/<int:village_id>/heart-cards.pdf", views.heart_cards, name="heart_cards"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = {"ask", "my_requests", "request_step", "tasks", "task_step", "my_record", "my_certificate"}
SCOPED: set[str] = {
    "desk", "desk_find", "desk_ask", "desk_task", "desk_task_step", "desk_volunteers", "desk_register",
    "desk_certificate", "heart_cards",
}
