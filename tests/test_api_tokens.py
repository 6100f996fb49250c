"""Logging in to the API: tokens for the mobile apps, the session for the site's own pages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.test_api_openapi import assert_documented
from xiangli.api.models import ApiToken
from xiangli.cases.models import Case

pytestmark = pytest.mark.django_db

ONLINE_PENSION = {"item_code": "YL-001", "channel": "online", "description": "想领养老金"}


def login(client: Client, phone: str, password: str = "pass-word-123") -> str:
    response = client.post(
        "/api/v1/tokens",
        {"phone": phone, "password": password, "name": "王秀英的手机"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert_documented(response)
    return str(response.json()["token"])


def test_phone_and_password_give_a_token_that_lists_the_residents_cases(world: World, client: Client) -> None:
    token = login(client, "138 0000 0001")
    client.post(
        "/api/v1/cases", ONLINE_PENSION, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )

    response = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert_documented(response)
    assert [row["item"]["code"] for row in response.json()["items"]] == ["YL-001"]


def test_the_token_is_not_stored_only_its_hash(world: World, client: Client) -> None:
    token = login(client, "13800000001")
    stored = ApiToken.objects.get()
    assert token not in stored.key_digest
    assert len(stored.key_digest) == 64
    assert stored.user == world.alice and stored.name == "王秀英的手机"


def test_a_wrong_password_gets_401_in_the_error_shape_and_no_token(world: World, client: Client) -> None:
    response = client.post(
        "/api/v1/tokens",
        {"phone": "13800000001", "password": "guess"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 401
    assert_documented(response)
    assert response.json() == {
        "error": {
            "code": "unauthorized",
            "message": "The phone number or password is wrong.",
            "fields": {},
        }
    }
    assert not ApiToken.objects.exists()


def test_an_unknown_phone_gets_the_same_answer_as_a_wrong_password(world: World, client: Client) -> None:
    wrong = client.post(
        "/api/v1/tokens", {"phone": "13800000001", "password": "guess"}, content_type="application/json"
    )
    unknown = client.post(
        "/api/v1/tokens", {"phone": "13700000000", "password": "guess"}, content_type="application/json"
    )
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_a_login_without_a_password_names_the_missing_field(world: World, client: Client) -> None:
    response = client.post(
        "/api/v1/tokens", {"phone": "13800000001"}, content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert_documented(response)
    assert response.json()["error"]["fields"] == {"password": ["This field is required."]}


def test_a_revoked_token_stops_working(world: World, client: Client) -> None:
    token = login(client, "13800000001")
    bearer = {"Authorization": f"Bearer {token}"}

    response = client.delete("/api/v1/tokens/current", headers=bearer)
    assert response.status_code == 204
    assert_documented(response)

    response = client.get("/api/v1/cases", headers=bearer)
    assert response.status_code == 401
    assert_documented(response)
    assert response.json()["error"]["code"] == "unauthorized"


def test_revoking_one_device_leaves_the_others_logged_in(world: World, client: Client) -> None:
    phone, tablet = login(client, "13800000001"), login(client, "13800000001")
    client.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {phone}"})
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {tablet}"}).status_code == 200


def test_a_made_up_token_is_401_even_beside_a_logged_in_session(world: World, client: Client) -> None:
    client.force_login(world.alice)
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer xl_made-up"})
    assert response.status_code == 401


def test_a_deactivated_account_cannot_use_its_token(world: World, client: Client) -> None:
    token = login(client, "13800000001")
    world.alice.is_active = False
    world.alice.save()
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_without_any_login_cases_are_401(world: World, client: Client) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_documented(response)


def test_a_session_post_without_the_csrf_token_is_refused(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)

    response = browser.post("/api/v1/cases", ONLINE_PENSION, content_type="application/json")

    assert response.status_code == 403
    assert_documented(response)
    assert response.json()["error"]["code"] == "forbidden"
    assert not Case.objects.exists()


def test_a_session_post_with_the_csrf_token_is_accepted(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    secret = "a" * 32
    browser.cookies["csrftoken"] = secret

    response = browser.post(
        "/api/v1/cases", ONLINE_PENSION, content_type="application/json", headers={"X-CSRFToken": secret}
    )

    assert response.status_code == 201


def test_a_session_can_read_without_the_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.andy)
    assert browser.get("/api/v1/cases").status_code == 200


def test_a_bearer_token_needs_no_csrf_token(world: World) -> None:
    app = Client(enforce_csrf_checks=True)
    token = login(app, "13800000001")
    response = app.post(
        "/api/v1/cases", ONLINE_PENSION, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201


def test_the_session_cannot_revoke_a_token(world: World, client: Client) -> None:
    client.force_login(world.alice)
    assert client.delete("/api/v1/tokens/current").status_code == 401


def test_an_administrator_sees_the_devices_but_never_a_token_and_can_revoke_one(world: World) -> None:
    from xiangli.people.models import User

    token = login(Client(), "13800000001")
    admin = Client()
    admin.force_login(User.objects.create_superuser("13700000000", "pass-word-123"))
    stored = ApiToken.objects.get()

    listing = admin.get("/admin/api/apitoken/")
    page = admin.get(f"/admin/api/apitoken/{stored.pk}/change/")
    admin.post(f"/admin/api/apitoken/{stored.pk}/delete/", {"post": "yes"})

    assert listing.status_code == page.status_code == 200
    assert "王秀英的手机" in listing.content.decode()
    assert token not in page.content.decode() and stored.key_digest not in page.content.decode()
    assert Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
