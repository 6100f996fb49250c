"""The ops endpoints and the replica router, in-process (the real cluster is in test_topology.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xiangli.areas.models import Area
from xiangli.cases import services
from xiangli.cases.models import Case, State
from xiangli.notifications.tasks import prune_login_failures
from xiangli.ops import cache as ops_cache
from xiangli.ops import dbrouter
from xiangli.ops.dbrouter import REPLICA, ReplicaRouter, on_replica, reading_from_replica, replica_view
from xiangli.people.models import User

router = ReplicaRouter()
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.fixture
def replica_configured(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (the real replica is exercised in test_topology.py)."""
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


@pytest.fixture
def replica_alias():
    """A real "replica" connection to the test database, as TEST: {"MIRROR": "default"} makes in a test run."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    # Connected here: the test case lets only connections it knows of, or already open, connect.
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_marked_reads_run_on_the_replica_connection_and_the_rest_on_the_primary(world, replica_alias):
    with CaptureQueriesContext(replica_alias) as on_replica_side, CaptureQueriesContext(connection) as on_primary:
        with on_replica():
            assert Area.objects.get(code=world.village_a.code).name == "Village A"
            assert User.objects.get(pk=world.andy.pk).name == "Andy"
            Area.objects.create(code="410329101299", name="New", name_en="New", kind="village",
                                parent=world.township)
        Area.objects.get(code="410329101299")
    assert ["areas_area" in q["sql"] for q in on_replica_side.captured_queries] == [True]
    assert any("people_user" in q["sql"] for q in on_primary.captured_queries)
    assert any(q["sql"].startswith("INSERT") for q in on_primary.captured_queries)
    assert not any(q["sql"].startswith("INSERT") for q in on_replica_side.captured_queries)


def test_without_a_replica_marked_reads_stay_on_the_primary():
    assert "replica" not in settings.DATABASES
    with on_replica():
        assert router.db_for_read(Case) == "default"
        assert not reading_from_replica()


@pytest.mark.usefixtures("replica_configured")
def test_with_a_replica_only_marked_reads_go_there():
    assert router.db_for_read(Case) == "default"
    with on_replica():
        assert router.db_for_read(Case) == "replica"
    assert router.db_for_read(Case) == "default"


@pytest.mark.usefixtures("replica_configured")
def test_logins_sessions_and_the_task_queue_are_always_read_on_the_primary():
    with on_replica():
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(DBTaskResult) == "default"


@pytest.mark.usefixtures("replica_configured")
@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there():
    with on_replica(), transaction.atomic():
        assert router.db_for_read(Case) == "default"


@pytest.mark.usefixtures("replica_configured")
def test_writes_and_migrations_only_ever_go_to_the_primary():
    with on_replica():
        assert router.db_for_write(Case) == "default"
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate("replica", "cases")


@pytest.mark.usefixtures("replica_configured")
def test_a_replica_view_reads_on_the_replica_and_leaves_the_request_after_it_on_the_primary():
    seen = []

    @replica_view
    def page() -> str:
        seen.append(router.db_for_read(Case))
        return "ok"

    assert page() == "ok"
    assert seen == ["replica"]
    assert router.db_for_read(Case) == "default"


@pytest.mark.django_db
def test_health_is_200_with_each_part_well(world):
    body = Client().get("/health/").json()
    assert body["ok"] and body["database"]["ok"] and body["cache"]["ok"] and body["tasks"]["ok"]
    assert "replica" not in body


@pytest.mark.django_db
@override_settings(TASKS=DB_QUEUE)
def test_health_reports_the_task_backlog_and_is_503_when_no_worker_takes_it():
    prune_login_failures.enqueue()
    prune_login_failures.enqueue()
    fresh = Client().get("/health/")
    assert fresh.status_code == 200
    assert fresh.json()["tasks"]["backlog"] == 2
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    stale = Client().get("/health/")
    assert stale.status_code == 503
    assert stale.json()["tasks"]["oldest_seconds"] >= 600


@pytest.mark.django_db
def test_metrics_are_hidden_from_other_addresses():
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="scrape-me")
def test_metrics_answer_a_scraper_with_the_token():
    got = Client().get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert got.status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


@pytest.mark.django_db
def test_metrics_show_request_latency_by_view_and_the_overdue_cases(world):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    Case.objects.filter(pk=case.pk).update(state=State.ACCEPTED, due_on=timezone.localdate() - dt.timedelta(days=3))
    ops_cache.forget_aggregate("metrics:overdue")
    client = Client()
    client.get("/health/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'xiangli_request_seconds_count{method="GET",view="ops:health"}' in text
    assert "xiangli_overdue_cases 1.0" in text


def test_an_aggregate_is_computed_once_within_its_time_to_live():
    calls = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    ops_cache.forget_aggregate("test:count")
    assert ops_cache.cached_aggregate("test:count", 5, count) == 1
    assert ops_cache.cached_aggregate("test:count", 5, count) == 1
    ops_cache.forget_aggregate("test:count")
    assert ops_cache.cached_aggregate("test:count", 5, count) == 2


def test_an_aggregate_is_never_cached_for_minutes():
    with pytest.raises(ValueError, match="0 to 60 seconds"):
        ops_cache.cached_aggregate("test:slow", 600, lambda: 1)
