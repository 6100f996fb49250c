"""Texts go out through a real HTTP gateway: a small server in the test plays it."""

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xiangli.cases import services
from xiangli.notifications import tasks
from xiangli.notifications.models import Notification, SmsMessage
from xiangli.notifications.services import send_sms

from .conftest import run_worker

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


class Gateway:
    """What the gateway received, and how it should answer the next request."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.body: bytes | None = None  # None: {"id": "gw-<n>"}
        self.hang_up = False
        self.url = ""


@pytest.fixture
def gateway(settings):
    gw = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            gw.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "json": json.loads(raw),
                }
            )
            if gw.hang_up:
                self.close_connection = True
                return
            if gw.body is not None:
                body = gw.body
            elif gw.status == 200:
                body = json.dumps({"id": f"gw-{len(gw.requests)}"}).encode()
            else:
                body = b'{"error": "busy"}'
            self.send_response(gw.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gw.url = f"http://127.0.0.1:{server.server_port}/v1/sms"
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = gw.url
    settings.SMS_HTTP_TOKEN = "gateway-token"
    settings.SMS_HTTP_TIMEOUT = 5
    settings.SMS_SIGNATURE = "【乡里】"
    yield gw
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_case_step_posts_the_text_to_the_gateway_and_records_its_id(world, gateway):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    [request] = gateway.requests
    assert request["path"] == "/v1/sms"
    assert request["authorization"] == "Bearer gateway-token"
    assert request["content_type"] == "application/json"
    inbox = Notification.objects.get(resident=world.alice_resident, case=case)
    assert request["json"] == {
        "phone": "+8613800000001",
        "text": inbox.message_zh,
        "signature": "【乡里】",
    }
    assert case.number in inbox.message_zh
    sms = SmsMessage.objects.get()
    assert sms.status == "sent" and sms.backend == "http" and sms.provider_id == "gw-1"
    assert sms.attempts == 1 and sms.error == "" and sms.sent_at is not None


def test_each_step_sends_its_own_text(world, gateway):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    services.accept_case(case, by=world.andy)
    assert len(gateway.requests) == 2
    assert sorted(SmsMessage.objects.values_list("provider_id", flat=True)) == ["gw-1", "gw-2"]


def test_a_gateway_error_leaves_the_text_queued_with_the_error_noted(world, gateway):
    gateway.status = 500
    services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    sms = SmsMessage.objects.get()
    assert sms.status == "queued" and sms.attempts == 1
    assert sms.error == "gateway answered 500"
    assert sms.provider_id == "" and sms.sent_at is None


def test_without_a_deferring_task_backend_a_failed_send_is_not_retried_at_once(world, gateway):
    # The immediate backend cannot wait before a retry: the task finishes
    # cleanly and leaves the message queued instead of crashing or looping.
    gateway.status = 503
    sms = send_sms(phone="+8613800000001", body="测试")
    assert len(gateway.requests) == 1
    result = tasks.deliver_sms.enqueue(sms.pk)
    assert result.status == "SUCCESSFUL" and result.return_value == "queued"
    assert len(gateway.requests) == 2
    sms.refresh_from_db()
    assert sms.status == "queued" and sms.attempts == 2 and sms.error == "gateway answered 503"


def test_a_text_that_fails_five_times_is_marked_failed_and_not_tried_again(world, gateway):
    gateway.status = 500
    sms = send_sms(phone="+8613800000001", body="测试")
    for _ in range(4):
        tasks.deliver_sms.enqueue(sms.pk)
    sms.refresh_from_db()
    assert sms.status == "failed" and sms.attempts == 5
    assert tasks.deliver_sms.enqueue(sms.pk).return_value == "skipped"
    assert len(gateway.requests) == 5


def test_a_sent_text_is_never_sent_again(world, gateway):
    sms = send_sms(phone="+8613800000001", body="测试")
    assert tasks.deliver_sms.enqueue(sms.pk).return_value == "skipped"
    assert len(gateway.requests) == 1


def test_with_the_database_queue_a_failed_send_is_retried_later(world, gateway, settings, monkeypatch):
    settings.TASKS = DB_TASKS
    gateway.status = 500
    sms = send_sms(phone="+8613800000001", body="测试")
    assert gateway.requests == []  # queued, not sent by the caller
    before = timezone.now()
    run_worker(monkeypatch)
    sms.refresh_from_db()
    assert sms.status == "queued" and sms.attempts == 1 and len(gateway.requests) == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.task_path == "xiangli.notifications.tasks.deliver_sms"
    # 30 s doubled for the first failure, not run in this batch.
    assert retry.run_after >= before + dt.timedelta(seconds=60)
    gateway.status = 200
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker(monkeypatch)
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.attempts == 2 and sms.provider_id == "gw-2"


def test_a_gateway_that_hangs_up_without_answering_leaves_the_text_queued(world, gateway):
    gateway.hang_up = True
    sms = send_sms(phone="+8613800000001", body="测试")
    sms.refresh_from_db()
    assert sms.status == "queued" and sms.attempts == 1
    assert sms.error.startswith("gateway unreachable")


def test_an_unreachable_gateway_leaves_the_text_queued(world, gateway, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/v1/sms"
    sms = send_sms(phone="+8613800000001", body="测试")
    sms.refresh_from_db()
    assert sms.status == "queued" and sms.error.startswith("gateway unreachable")


@pytest.mark.parametrize("body", [b"OK", b"[1, 2]", b""])
def test_an_accepted_text_with_an_unreadable_answer_counts_as_sent(world, gateway, body):
    # The gateway took it (200): sending it again would text the resident twice.
    gateway.body = body
    sms = send_sms(phone="+8613800000001", body="测试")
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.provider_id == ""
    assert len(gateway.requests) == 1


def test_a_missing_gateway_address_is_noted_on_the_text(world, gateway, settings):
    settings.SMS_HTTP_URL = ""
    sms = send_sms(phone="+8613800000001", body="测试")
    sms.refresh_from_db()
    assert sms.status == "queued" and sms.error == "SMS_HTTP_URL is not set"
    assert gateway.requests == []


def test_a_text_being_sent_is_not_sent_again_by_a_second_delivery(world, gateway):
    sms = SmsMessage.objects.create(phone="+8613800000001", body="测试", status="sending")
    result = tasks.deliver_sms.enqueue(sms.pk)
    assert result.return_value == "skipped" and gateway.requests == []


def test_the_tick_sends_texts_that_stayed_queued_after_a_gateway_outage(world, gateway):
    from xiangli.notifications.services import requeue_stale_texts

    gateway.status = 503
    sms = send_sms(phone="+8613800000001", body="测试")
    sms.refresh_from_db()
    assert sms.status == "queued"
    gateway.status = 200
    assert requeue_stale_texts() == 0  # too soon: it was just tried
    assert requeue_stale_texts(now=timezone.now() + dt.timedelta(minutes=3)) == 1
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.attempts == 2


def test_a_worker_that_died_while_sending_leaves_a_text_that_is_queued_again(world, gateway):
    from xiangli.notifications.services import requeue_stale_texts

    sms = SmsMessage.objects.create(phone="+8613800000001", body="测试", status="sending", attempts=1,
                                    claimed_at=timezone.now() - dt.timedelta(minutes=11))
    assert requeue_stale_texts() == 1
    sms.refresh_from_db()
    assert sms.status == "sent"


def test_a_gateway_address_without_a_scheme_is_noted_on_the_text(world, gateway, settings):
    settings.SMS_HTTP_URL = "127.0.0.1:9/v1/sms"
    sms = send_sms(phone="+8613800000001", body="测试")
    sms.refresh_from_db()
    assert sms.status == "queued" and "http://" in sms.error
