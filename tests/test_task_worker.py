"""Notifications are queued by the web request and sent by the worker, never in the request."""

from django.test import override_settings
from django.urls import reverse

from xiangli.cases.models import Case
from xiangli.notifications.models import Notification, SmsMessage

from .conftest import run_worker

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@override_settings(TASKS=DB_TASKS)
def test_an_online_application_is_notified_by_the_worker_not_the_request(client, world, monkeypatch):
    client.force_login(world.alice)
    client.post(reverse("front:apply", args=[world.village_a.code, "YL-001"]), {"idempotency_key": "t1"})
    case = Case.objects.get()
    # The request only queued work.
    assert not Notification.objects.filter(case=case).exists()
    run_worker(monkeypatch)
    assert Notification.objects.filter(resident=world.alice_resident, case=case).exists()
    # The agent of the village hears of the new online case too.
    assert Notification.objects.filter(user=world.andy, case=case).exists()
    # The text was queued by the first task and sent by the worker in the same batch.
    assert SmsMessage.objects.get().status == "sent"
