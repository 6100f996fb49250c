"""Open311 fixtures: a hotline client whose service account is Tom (township T staff)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from defusedxml import ElementTree
from django.test import Client

from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.open311 import services
from xiangli.open311.models import ApiClient

BASE = "/open311/v2"


@dataclass
class Hotline:
    client: ApiClient
    key: str


@pytest.fixture
def hotline(world: Any) -> Hotline:
    client, key = services.issue_client(by=None, name="12345 hotline", acting_user=world.tom)
    return Hotline(client=client, key=key)


@pytest.fixture
def allowance(world: Any) -> ServiceItem:
    """A second item that an agent may carry, decided at the township."""
    return ServiceItem.objects.create(
        code="DB-001", name_zh="最低生活保障申请", name_en="Apply for the subsistence allowance",
        category="convenience", department_zh="民政", department_en="Civil affairs",
        materials_zh=["居民身份证", "收入证明"], materials_en=["ID card", "Proof of income"],
        level=HandlingLevel.TOWNSHIP, handled_at_zh="乡镇民政所", handled_at_en="Township civil affairs office",
        promised_days=20,
    )


@pytest.fixture
def app_without_account(world: Any) -> Hotline:
    """A city app with no service account: everything it files waits for staff."""
    client, key = services.issue_client(by=None, name="City app")
    return Hotline(client=client, key=key)


def xml(response: Any) -> Any:
    """The parsed XML body (defusedxml: never parse a document with the standard parser)."""
    assert response["Content-Type"].startswith("text/xml")
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(body)


def get(path: str, **params: Any) -> Any:
    return Client().get(f"{BASE}/{path}", params)


def post(path: str, data: dict[str, Any]) -> Any:
    # Open311 clients post form-encoded bodies, with no cookie and no CSRF token.
    return Client(enforce_csrf_checks=True).post(
        f"{BASE}/{path}", urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
    )
