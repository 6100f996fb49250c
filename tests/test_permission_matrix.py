"""Every page and API operation, walked as every named person, against village A's objects.

Another village's case, resident or file is a 404 (or a 401/redirect to log in),
never data. A new URL must be classified here before its test can pass, so no page
joins the site without someone deciding who may see it.
"""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from xiangli.api.tokens import issue_token
from xiangli.cases import services
from xiangli.cases.models import Case, State

from .conftest import png_upload

PEOPLE = ["alice", "bob", "andy", "sam", "gina", "oscar", "tom", "dora", "kate", "cheng", "audrey", None]
# Who sees Alice's case (village A, grid A1).
SEE_CASE = {"alice", "andy", "sam", "gina", "tom", "kate", "cheng", "audrey"}
STAFF = {"andy", "sam", "gina", "oscar", "tom", "dora", "kate", "cheng", "audrey"}
INTAKE_A = {"andy", "sam", "gina", "tom"}  # may enter a case for Alice
HANDLE_A = {"andy", "sam", "tom", "kate", "cheng"}  # may move Alice's case on

# Every named URL of the site, by who may use it.
PUBLIC = {"front:home", "front:login", "front:login_otp", "front:centre", "front:item"}
OWN = {"front:mine", "front:logout", "front:account", "front:end_session", "front:my_cases", "front:my_data",
       "front:my_data_json", "front:inbox", "front:apply"}  # act only on the caller's own things
SCOPED = {"front:my_case", "front:attachment", "front:desk", "front:desk_find", "front:desk_new_resident",
          "front:desk_new_case", "front:desk_case", "front:desk_step", "front:desk_reveal", "audit:log"}


def declared(namespace: str) -> tuple[set[str], set[str], set[str]]:
    """An app's own classification, beside its URLs (PUBLIC, OWN, SCOPED in its urls.py)."""
    if namespace in ("front", "audit"):
        return PUBLIC, OWN, SCOPED
    urls = importlib.import_module(f"xiangli.{namespace}.urls")
    return tuple({f"{namespace}:{n}" for n in getattr(urls, kind)} for kind in ("PUBLIC", "OWN", "SCOPED"))  # type: ignore[return-value]


@pytest.mark.parametrize("namespace", sorted(set(get_resolver().namespace_dict) - {"admin", "api"}))
def test_every_page_of_the_site_is_classified(namespace):
    resolver = get_resolver().namespace_dict[namespace][1]
    names = {f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
    public, own, scoped = declared(namespace)
    assert not (public & own or public & scoped or own & scoped), "a page is in two classes"
    assert {n for n in public | own | scoped if n.startswith(f"{namespace}:")} == names


@pytest.fixture
def alices(world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online",
                                uploads=[png_upload()])
    return case, case.attachments.get()


def as_page(world, name):
    client = Client()
    if name:
        client.force_login(getattr(world, name))
    return client


def as_api(world, name):
    if not name:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=getattr(world, name), name='matrix')}")


def expected(name, allowed, *, anonymous):
    if name is None:
        return anonymous
    return 200 if name in allowed else 404


@pytest.mark.parametrize("name", PEOPLE)
def test_pages_with_village_a_objects(world, alices, name):
    case, attachment = alices
    client = as_page(world, name)
    staff_only = STAFF if name else set()
    checks = [
        (reverse("front:my_case", args=[case.pk]), {"alice"}),
        (reverse("front:attachment", args=[attachment.pk]), SEE_CASE),
        (reverse("front:desk_case", args=[case.pk]), SEE_CASE & staff_only),
        (reverse("front:desk_new_case", args=[world.alice_resident.pk]), INTAKE_A),
        (reverse("front:desk"), staff_only),
        (reverse("audit:log"), {"audrey"}),
    ]
    for url, allowed in checks:
        status = client.get(url).status_code
        assert status == expected(name, allowed, anonymous=302), (url, name, status)
    # Lists never show another village's case.
    if name in STAFF:
        body = client.get(reverse("front:desk")).content.decode()
        assert (case.number in body) == (name in SEE_CASE), name


@pytest.mark.parametrize("name", PEOPLE)
def test_steps_on_village_a_objects_by_page(world, alices, name):
    case, _ = alices
    client = as_page(world, name)
    client.post(reverse("front:desk_step", args=[case.pk]), {"action": "accept", "note": ""})
    client.post(reverse("front:desk_reveal", args=[case.pk]), {"field": "id_number", "reason": "matrix"})
    state = Case.objects.get(pk=case.pk).state
    assert (state == State.ACCEPTED) == (name in HANDLE_A), name


@pytest.mark.parametrize("name", PEOPLE)
def test_api_operations_with_village_a_objects(world, alices, name):
    case, attachment = alices
    api = as_api(world, name)
    anonymous = 401
    for url, allowed in [
        (f"/api/v1/cases/{case.pk}", SEE_CASE),
        (f"/api/v1/attachments/{attachment.pk}", SEE_CASE),
    ]:
        status = api.get(url).status_code
        assert status == expected(name, allowed, anonymous=anonymous), (url, name, status)
    listed = api.get("/api/v1/cases")
    if name:
        assert (case.pk in [c["id"] for c in listed.json()["items"]]) == (name in SEE_CASE), name
    found = api.post("/api/v1/residents/search", {"q": "wxy"}, content_type="application/json")
    if name:
        assert (len(found.json()["items"]) == 1) == (name in INTAKE_A), name
    for url, body in [
        (f"/api/v1/cases/{case.pk}/transitions", {"action": "accept"}),
        (f"/api/v1/cases/{case.pk}/rating", {"stars": 5}),
    ]:
        status = api.post(url, body, content_type="application/json").status_code
        if name is None:
            assert status == 401
        elif name not in SEE_CASE:
            assert status == 404, (url, name, status)  # never a hint that it exists
    assert (Case.objects.get(pk=case.pk).state == State.ACCEPTED) == (name in HANDLE_A), name
    filed = api.post("/api/v1/cases", {"resident_id": world.alice_resident.pk, "item_code": world.idcard.code,
                                       "channel": "walk_in"}, content_type="application/json").status_code
    if name and name not in INTAKE_A and name != "alice":
        assert filed == 404, (name, filed)
