"""Keys issued in the admin, and a client's whole journey: list, read, file, follow to closed."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from xiangli.audit.models import AuditEntry
from xiangli.cases import services as cases
from xiangli.cases.models import Case
from xiangli.open311.models import ApiClient
from xiangli.people.models import User

from .conftest import get, post, xml


@pytest.fixture
def admin_client(world):
    admin = User.objects.create_superuser("13900000099", "pass-word-123")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


def test_the_admin_shows_a_new_key_once_and_keeps_only_its_hash(world, admin_client):
    response = admin_client.post("/admin/open311/apiclient/add/", {
        "name": "12345 hotline", "contact": "ops@example.org", "acting_user": world.tom.pk,
        "per_minute": 30, "per_hour": 600,
    }, follow=True)
    assert response.status_code == 200
    key = re.search(r"o311_[A-Za-z0-9_-]+", response.content.decode()).group()
    client = ApiClient.objects.get()
    assert client.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(ApiClient.objects.values()))
    assert AuditEntry.objects.filter(action="apiclient.added").exists()
    assert key not in admin_client.get(f"/admin/open311/apiclient/{client.pk}/change/").content.decode()
    # The key works.
    assert post("requests.json", {"api_key": key, "service_code": "YL-001", "address_id": world.village_a.code,
                                  "phone": "13800000001"}).status_code == 200


def test_revoking_in_the_admin_stops_the_key_and_is_on_the_trail(world, hotline, admin_client):
    admin_client.post("/admin/open311/apiclient/", {"action": "revoke_keys", "_selected_action": [hotline.client.pk]})
    assert post("requests.json", {"api_key": hotline.key, "service_code": "YL-001",
                                  "address_id": world.village_a.code}).status_code == 403
    assert AuditEntry.objects.filter(action="open311_client.revoked").exists()


def test_a_new_key_replaces_the_old_one(world, hotline, admin_client):
    response = admin_client.post("/admin/open311/apiclient/", {
        "action": "rotate_keys", "_selected_action": [hotline.client.pk]}, follow=True)
    key = re.search(r"o311_[A-Za-z0-9_-]+", response.content.decode()).group()
    data = {"service_code": "YL-001", "address_id": world.village_a.code, "phone": "13700000009"}
    assert post("requests.json", {**data, "api_key": hotline.key}).status_code == 403
    assert post("requests.json", {**data, "api_key": key}).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_lists_reads_files_and_follows_a_case_to_closed(world, hotline, fmt):
    def read(response):
        if fmt == "json":
            return response.json()
        return [{c.tag: c.text for c in el} for el in xml(response)]

    codes = [s["service_code"] for s in read(get(f"services.{fmt}", jurisdiction_id=world.township.code))]
    assert "YL-001" in codes
    definition = get(f"services/YL-001.{fmt}", jurisdiction_id=world.township.code)
    assert definition.status_code == 200
    filed = read(post(f"requests.{fmt}", {
        "api_key": hotline.key, "jurisdiction_id": world.township.code, "service_code": "YL-001",
        "address_id": world.grid_a1.code, "phone": "138 0000 0001", "attribute[call_back]": "evening",
    }))[0]
    number = filed["service_request_id"]

    def status():
        return read(get(f"requests/{number}.{fmt}", jurisdiction_id=world.township.code))[0]

    assert status()["status"] == "open"
    assert status()["expected_datetime"] in (None, "")
    case = Case.objects.get()
    cases.accept_case(case, by=world.andy)
    assert status()["expected_datetime"].startswith(str(Case.objects.get().due_on))
    cases.complete_case(case, by=world.andy)
    assert status()["status"] == "closed"
    assert read(get(f"tokens/{filed['token']}.{fmt}"))[0]["service_request_id"] == number


def test_submissions_are_read_only_in_the_admin_and_never_show_the_phone(world, hotline, admin_client):
    from xiangli.open311.models import Submission

    post("requests.json", {"api_key": hotline.key, "service_code": "YL-001", "address_id": world.village_a.code,
                           "phone": "13700000009"})
    sub = Submission.objects.get()
    assert admin_client.get("/admin/open311/submission/add/").status_code == 403
    page = admin_client.get(f"/admin/open311/submission/{sub.pk}/change/").content.decode()
    assert "13700000009" not in page
    assert sub.token in admin_client.get("/admin/open311/submission/").content.decode()
