"""Pinned query counts: a list costs the same with 3 rows as with 12, and a case's detail a fixed few.

With a session: the session, the user, the user's roles, then the page itself.
The writes are pinned statement by statement, with the task queue that production
uses (the database), so that what an agent's filing or accepting costs cannot creep back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import World
from tests.factories import make_cases
from xiangli.api.tokens import issue_token
from xiangli.cases import services
from xiangli.cases.models import Case, State
from xiangli.workdays import calendar

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_agents_case_list_costs_4_queries_for_3_cases_and_for_12(
    world: World, django_assert_num_queries: Any
) -> None:
    andy = as_user(world.andy)
    make_cases(world, world.alice_resident, 3)
    with django_assert_num_queries(4):  # session, user, roles, cases with resident, item and village
        assert len(andy.get("/api/v1/cases").json()["items"]) == 3

    make_cases(world, world.carl_resident, 9, by=world.andy)
    with django_assert_num_queries(4):
        assert len(andy.get("/api/v1/cases").json()["items"]) == 12


def test_a_residents_own_list_costs_4_queries(world: World, django_assert_num_queries: Any) -> None:
    alice = as_user(world.alice)
    make_cases(world, world.alice_resident, 3)
    with django_assert_num_queries(4):
        assert len(alice.get("/api/v1/cases").json()["items"]) == 3


def test_a_bearer_token_with_its_user_and_roles_costs_one_query_instead_of_the_sessions_three(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    token = client.post(
        "/api/v1/tokens", {"phone": "13900000001", "password": "pass-word-123"}, content_type="application/json"
    ).json()["token"]
    make_cases(world, world.alice_resident, 3)
    bearer = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/cases", headers=bearer)  # the first use writes last_used_at
    with django_assert_num_queries(2):  # token with its user and the user's roles, cases
        assert len(client.get("/api/v1/cases", headers=bearer).json()["items"]) == 3


def test_a_token_of_someone_without_any_role_still_works(world: World, django_assert_num_queries: Any) -> None:
    from xiangli.people.models import RoleAssignment

    assert not RoleAssignment.objects.filter(user=world.bob).exists()
    services.create_case(by=world.oscar, resident=world.bob_resident, item=world.pension, channel="walk_in")
    bob = by_token(world.bob)
    with django_assert_num_queries(2):  # token with its user (no role), his own cases
        assert len(bob.get("/api/v1/cases").json()["items"]) == 1


def test_a_case_detail_with_a_long_timeline_costs_6_queries(world: World, django_assert_num_queries: Any) -> None:
    [case] = make_cases(world, world.bob_resident, 1)
    services.accept_case(case, by=world.oscar)
    services.request_materials(case, by=world.oscar, note="户口簿")
    services.receive_materials(case, by=world.oscar)
    services.record_visit(case, by=world.oscar)
    oscar = as_user(world.oscar)

    # session, user, roles, case with its relations, events with their actors, attachments
    with django_assert_num_queries(6):
        response = oscar.get(f"/api/v1/cases/{case.pk}")
    assert len(response.json()["events"]) == 5
    assert response.json()["allowed_actions"]


def test_the_service_list_costs_1_query(world: World, client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/items").json()["items"]) == 2


def test_a_centres_service_list_costs_2_queries(world: World, client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):  # the centre, then its items
        assert len(client.get("/api/v1/items?centre=410329101201").json()["items"]) == 2


def test_a_resident_search_costs_4_queries(world: World, django_assert_num_queries: Any) -> None:
    andy = as_user(world.andy)
    with django_assert_num_queries(4):  # session, user, roles, residents with village and grid
        found = andy.post("/api/v1/residents/search", {"q": "w"}, content_type="application/json")
        assert len(found.json()["items"]) == 1


@pytest.fixture
def database_tasks(settings: Any) -> None:
    """Tasks queued as in production: one row, committed with the action (the tests' default
    backend would run the delivery inside the request and count its queries too)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def by_token(user: Any) -> Client:
    token = issue_token(user=user, name="counts")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/cases?limit=1")  # the first use of a token notes it; later ones, within 5 minutes, do not
    return client


WALK_IN = {"resident_id": 0, "item_code": "YL-001", "channel": "walk_in"}


def test_an_agent_filing_a_walk_in_case_costs_10_statements(
    world: World, database_tasks: None, django_assert_num_queries: Any
) -> None:
    andy = by_token(world.andy)
    body = {**WALK_IN, "resident_id": world.alice_resident.pk}
    # token with its user and roles, resident, item, centre with its village and the item's switch;
    # then BEGIN (here a savepoint), case, event, audit entry, notification task, COMMIT.
    # No lock and no duplicate look-up: the database's constraints refuse duplicates.
    with django_assert_num_queries(10):
        response = andy.post("/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201, response.content
    # The answer is built from what the request wrote: the same as reading the case afresh.
    assert response.json() == andy.get(f"/api/v1/cases/{response.json()['id']}").json()
    assert response.json()["events"][0]["kind"] == "created"
    assert response.json()["allowed_actions"] == ["accept", "decline", "withdraw"]


def test_a_replayed_filing_answers_200_with_the_first_case(world: World, database_tasks: None) -> None:
    andy = by_token(world.andy)
    body = {**WALK_IN, "resident_id": world.alice_resident.pk}
    first = andy.post("/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": "k2"})
    again = andy.post("/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": "k2"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == andy.get(f"/api/v1/cases/{first.json()['id']}").json()
    assert Case.objects.count() == 1


def test_an_agent_accepting_a_case_costs_10_statements(
    world: World, database_tasks: None, django_assert_num_queries: Any
) -> None:
    [case] = make_cases(world, world.carl_resident, 1, by=world.andy)  # one case, left submitted
    andy = by_token(world.andy)
    calendar.add_workdays(case.submitted_at.date(), 1)  # the calendar is read once a minute, not per request
    # token with its user and roles, case with its relations; BEGIN (a savepoint), the conditional
    # update, event, audit entry, notification task, COMMIT; then the timeline and the materials.
    with django_assert_num_queries(10):
        response = andy.post(
            f"/api/v1/cases/{case.pk}/transitions", {"action": "accept"}, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.ACCEPTED and response.json()["due_on"]
    assert response.json() == andy.get(f"/api/v1/cases/{case.pk}").json()
    assert [e["kind"] for e in response.json()["events"]] == ["created", "accepted"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_reading_a_case_again_and_again_is_planned_once_per_connection(world: World) -> None:
    """The case with its resident, item, village, centre and agent is a six-table join whose
    planning cost PostgreSQL four times its execution at city scale: it must be prepared and
    its plan reused. (Server-side binding without a prepare threshold prepares nothing.)"""
    case = make_cases(world, world.carl_resident, 1, by=world.andy)[0]
    andy = by_token(world.andy)
    for _ in range(12):
        assert andy.get(f"/api/v1/cases/{case.pk}").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "select generic_plans from pg_prepared_statements where statement like %s",
            ['%FROM "cases_case" INNER JOIN "people_resident"%'],
        )
        plans = [row[0] for row in cursor.fetchall()]
    assert plans and max(plans) > 0, plans


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_the_planner_keeps_a_fine_histogram_of_case_area_paths(db: None) -> None:
    """A township's share of the cases is guessed from this histogram: with the default one
    PostgreSQL guessed 120 open cases for 6,700 and sorted them all for the workbench's queue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select attstattarget from pg_attribute where attrelid = 'cases_case'::regclass and attname = 'area_path'"
        )
        assert cursor.fetchone()[0] == 1000
