"""Discovery, the service list and service definitions, in JSON and XML."""

from __future__ import annotations

import json

import pytest

from .conftest import get, xml


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_georeport_v2_endpoint_and_its_formats(world, fmt):
    response = get(f"discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        data = response.json()
        endpoint = data["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2"
        assert endpoint["type"] == "production"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
        assert data["changeset"] and data["contact"] and data["key_service"]
    else:
        root = xml(response)
        assert root.tag == "discovery"
        assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = root.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_service_list_gives_every_item_a_third_party_may_file(world, allowance):
    response = get("services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = {s["service_code"]: s for s in response.json()}
    # The ID card (HJ-001) must be renewed by the resident in person: no client can file it.
    assert set(services) == {"YL-001", "DB-001"}
    pension = services["YL-001"]
    assert set(pension) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert pension["service_name"] == "城乡居民基本养老保险待遇领取"
    assert pension["metadata"] is True
    # A token always comes back; the request id too when the resident is recognised at once.
    assert pension["type"] == "batch"


def test_service_list_speaks_the_callers_language(world):
    from django.test import Client

    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/open311/v2/services.json")
    names = {s["service_code"]: s["service_name"] for s in response.json()}
    assert names["YL-001"] == "Basic pension: start receiving"
    assert response.json()[0]["group"] == "Convenience services"


def test_service_list_in_xml_has_the_specified_element_names(world):
    root = xml(get("services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [c.tag for c in first] == ["service_code", "service_name", "description", "metadata", "type",
                                      "keywords", "group"]
    assert first.findtext("metadata") == "true"


def test_a_centre_jurisdiction_lists_only_what_that_centre_offers(world, allowance):
    world.centre_b.disabled_items.add(allowance)
    codes_b = {s["service_code"] for s in get("services.json", jurisdiction_id=world.village_b.code).json()}
    codes_a = {s["service_code"] for s in get("services.json", jurisdiction_id=world.village_a.code).json()}
    assert codes_b == {"YL-001"}
    assert codes_a == {"YL-001", "DB-001"}


def test_a_township_offers_an_item_while_any_of_its_centres_does(world, allowance):
    world.centre_b.disabled_items.add(allowance)
    assert {s["service_code"] for s in get("services.json", jurisdiction_id=world.township.code).json()} == {
        "YL-001", "DB-001"}
    world.centre_a.disabled_items.add(allowance)
    assert {s["service_code"] for s in get("services.json", jurisdiction_id=world.township.code).json()} == {
        "YL-001"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_jurisdiction_is_a_404_in_the_error_format(world, fmt):
    response = get(f"services.{fmt}", jurisdiction_id="999999")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": "Unknown jurisdiction_id."}] or \
            response.json()[0]["code"] == 404
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.find("error/code").text == "404"
        assert root.find("error/description").text


def test_a_grid_is_not_a_jurisdiction(world):
    assert get("services.json", jurisdiction_id=world.grid_a1.code).status_code == 404


def test_service_list_takes_two_queries_whatever_its_length(world, allowance, django_assert_num_queries):
    from xiangli.catalog.models import ServiceItem

    for n in range(20):
        ServiceItem.objects.create(code=f"X-{n:03d}", name_zh=f"事项{n}", name_en=f"Item {n}", category="health",
                                   department_zh="卫健", department_en="Health", materials_zh=["身份证"],
                                   materials_en=["ID card"], level="township", handled_at_zh="镇卫生院",
                                   handled_at_en="Township clinic", promised_days=3)
    with django_assert_num_queries(2):  # the jurisdiction, then the items
        response = get("services.json", jurisdiction_id=world.township.code)
    assert len(response.json()) == 22
    with django_assert_num_queries(1):
        assert len(get("services.xml").content) > 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_shows_materials_as_facts_and_asks_the_questions(world, fmt):
    response = get(f"services/YL-001.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "YL-001"
        attrs = root.findall("attributes/attribute")
        assert [c.tag for c in attrs[0]] == ["variable", "code", "datatype", "required", "datatype_description",
                                             "order", "description", "values"]
        at_hand = next(a for a in attrs if a.findtext("code") == "materials_at_hand")
        assert [(v.findtext("key"), v.findtext("name")) for v in at_hand.findall("values/value")] == [
            ("1", "居民身份证"), ("2", "户口簿")]
        assert attrs[0].findtext("variable") == "false"
        return
    data = response.json()
    assert data["service_code"] == "YL-001"
    attrs = {a["code"]: a for a in data["attributes"]}
    assert list(attrs) == ["material_1", "material_2", "materials_at_hand", "home_visit", "call_back"]
    assert attrs["material_1"]["variable"] is False
    assert "居民身份证" in attrs["material_1"]["description"]
    assert attrs["materials_at_hand"]["datatype"] == "multivaluelist"
    assert attrs["home_visit"]["datatype"] == "singlevaluelist"
    assert [a["order"] for a in data["attributes"]] == [1, 2, 3, 4, 5]
    assert all(a["required"] is False for a in data["attributes"])


def test_an_item_the_resident_must_do_in_person_has_no_definition_here(world):
    assert get("services/HJ-001.json").status_code == 404


def test_unknown_service_code_is_a_404(world):
    response = get("services/NOPE.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_an_item_switched_off_by_the_centre_is_unknown_in_its_jurisdiction(world, allowance):
    world.centre_a.disabled_items.add(allowance)
    assert get("services/DB-001.json", jurisdiction_id=world.village_a.code).status_code == 404
    assert get("services/DB-001.json", jurisdiction_id=world.village_b.code).status_code == 200


def test_an_unknown_format_or_path_is_a_404_in_the_error_format(world):
    response = get("services.csv")
    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404
    assert xml(get("nothing.xml")).tag == "errors"


def test_wrong_method_is_refused_in_the_error_format(world):
    from django.test import Client

    response = Client().post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()[0]["code"] == 405


def test_reading_with_a_key_counts_against_it_and_a_bad_key_is_refused(world, hotline):
    from xiangli.open311.models import Usage

    assert get("services.json", api_key=hotline.key).status_code == 200
    assert Usage.objects.filter(client=hotline.client, window="m").get().count == 1
    response = get("services.xml", api_key="o311_nope")
    assert response.status_code == 403
    assert xml(response).findtext("error/code") == "403"


def test_browser_dashboards_may_read_the_answers(world):
    assert get("services.json")["Access-Control-Allow-Origin"] == "*"
