"""Pinned query counts: a list costs the same with 3 rows as with 12, and a case's detail a fixed few.

With a session: the session, the user, the user's roles, then the page itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tests.factories import make_cases
from xiangli.cases import services

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


def test_a_bearer_token_costs_one_query_instead_of_the_sessions_two(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    token = client.post(
        "/api/v1/tokens", {"phone": "13900000001", "password": "pass-word-123"}, content_type="application/json"
    ).json()["token"]
    make_cases(world, world.alice_resident, 3)
    bearer = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/cases", headers=bearer)  # the first use writes last_used_at
    with django_assert_num_queries(3):  # token with its user, roles, cases
        assert len(client.get("/api/v1/cases", headers=bearer).json()["items"]) == 3


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
