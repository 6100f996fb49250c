"""Finding a resident at intake: staff of the village only, and never the full phone or ID number."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tests.test_api_openapi import assert_documented

pytestmark = pytest.mark.django_db


def search(user: Any, q: str) -> Any:
    client = Client()
    client.force_login(user)
    response = client.post("/api/v1/residents/search", {"q": q}, content_type="application/json")
    assert_documented(response)
    return response


def test_andy_finds_alice_by_pinyin_initials_with_masked_details(world: World) -> None:
    response = search(world.andy, "wxy")

    assert response.status_code == 200
    [alice] = response.json()["items"]
    assert alice["name"] == "王秀英"
    assert alice["masked_phone"] == "138****0001"
    assert alice["village"] == "Village A" and alice["grid"] == "Grid A1"
    assert "13800000001" not in response.content.decode()
    assert world.alice_resident.id_number not in response.content.decode()


def test_andy_finds_alice_by_her_phone(world: World) -> None:
    assert [r["name"] for r in search(world.andy, "13800000001").json()["items"]] == ["王秀英"]


def test_the_grid_worker_finds_only_the_residents_of_her_grid(world: World) -> None:
    assert [r["name"] for r in search(world.gina, "王").json()["items"]] == ["王秀英"]
    assert search(world.gina, "张").json()["items"] == []


def test_an_agent_of_another_village_finds_nobody_of_village_a(world: World) -> None:
    assert search(world.oscar, "王秀英").json()["items"] == []


def test_a_resident_finds_nobody(world: World) -> None:
    assert search(world.alice, "李建国").json()["items"] == []


def test_at_most_20_residents_come_back(world: World) -> None:
    from tests.conftest import resident

    for n in range(25):
        resident(f"王{n}", world.village_a, None, 100 + n)
    assert len(search(world.andy, "王").json()["items"]) == 20


def test_a_search_needs_words(world: World) -> None:
    client = Client()
    client.force_login(world.andy)
    response = client.post("/api/v1/residents/search", {"q": ""}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["q"]
