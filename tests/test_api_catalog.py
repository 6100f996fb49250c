"""The service list through the API: public, in the request's language, per centre."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.test_api_openapi import assert_documented

pytestmark = pytest.mark.django_db


def test_anyone_can_read_the_service_list_in_chinese_by_default(world: World, client: Client) -> None:
    response = client.get("/api/v1/items")

    assert response.status_code == 200
    assert_documented(response)
    pension = next(i for i in response.json()["items"] if i["code"] == "YL-001")
    assert pension["name"] == "城乡居民基本养老保险待遇领取"
    assert pension["materials"] == ["居民身份证", "户口簿"]
    assert pension["handled_at"] == "县社保中心"


def test_accept_language_en_gives_english_names_and_materials(world: World, client: Client) -> None:
    response = client.get("/api/v1/items/YL-001", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert_documented(response)
    item = response.json()
    assert item["name"] == "Basic pension: start receiving"
    assert item["materials"] == ["ID card", "Household register"]
    assert item["department"] == "Human resources and social security"
    assert item["category_label"] == "Convenience services"


def test_an_item_shows_its_fee_deadline_and_how_it_may_be_applied_for(world: World, client: Client) -> None:
    item = client.get("/api/v1/items/HJ-001").json()
    assert (item["fee"], item["promised_days"]) == ("20.00", 15)
    assert (item["online_allowed"], item["proxy_allowed"], item["level"]) == (False, False, "county")


def test_a_centre_shows_only_the_items_it_has_not_switched_off(world: World, client: Client) -> None:
    world.centre_b.disabled_items.add(world.idcard)

    at_a = client.get("/api/v1/items?centre=410329101201").json()["items"]
    at_b = client.get("/api/v1/items?centre=410329101202").json()["items"]

    assert [i["code"] for i in at_a] == ["HJ-001", "YL-001"]
    assert [i["code"] for i in at_b] == ["YL-001"]


def test_inactive_items_are_not_listed_and_not_found(world: World, client: Client) -> None:
    world.idcard.active = False
    world.idcard.save()

    codes = [i["code"] for i in client.get("/api/v1/items").json()["items"]]
    response = client.get("/api/v1/items/HJ-001")

    assert codes == ["YL-001"]
    assert response.status_code == 404
    assert_documented(response)


def test_an_unknown_centre_is_404(world: World, client: Client) -> None:
    response = client.get("/api/v1/items?centre=999")
    assert response.status_code == 404
    assert_documented(response)


def test_the_list_filters_by_category(world: World, client: Client) -> None:
    assert client.get("/api/v1/items?category=health").json()["items"] == []
    assert len(client.get("/api/v1/items?category=convenience").json()["items"]) == 2


def test_an_unknown_category_is_400_naming_the_field(world: World, client: Client) -> None:
    response = client.get("/api/v1/items?category=magic")
    assert response.status_code == 400
    assert_documented(response)
    assert list(response.json()["error"]["fields"]) == ["category"]
