"""The OpenAPI document describes every address the API answers, and the answers themselves.

`assert_documented(response)` checks a real response against the document; the
other API tests call it on what they get back, as Zulip's tests do.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest
from django.test import Client

from xiangli.api.api import api

pytestmark = pytest.mark.django_db


@functools.cache
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document()["components"]["schemas"][name]
    return schema


def conforms(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """What in `value` disagrees with the JSON schema: enough of JSON Schema for ninja's output."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        if any(not conforms(value, option, where) for option in schema["anyOf"]):
            return []
        return [f"{where}: {value!r} matches none of {schema['anyOf']}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    kind = schema.get("type")
    python_types = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
    }
    if kind and not isinstance(value, python_types[kind]) or (kind == "integer" and isinstance(value, bool)):
        return [f"{where}: {value!r} is not {kind}"]
    problems: list[str] = []
    if kind == "object":
        problems += [f"{where}: missing {key}" for key in schema.get("required", []) if key not in value]
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                problems += conforms(item, properties[key], f"{where}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                problems += conforms(item, schema["additionalProperties"], f"{where}.{key}")
            elif properties:
                problems.append(f"{where}: {key} is not documented")
    if kind == "array":
        for n, item in enumerate(value):
            problems += conforms(item, schema.get("items", {}), f"{where}[{n}]")
    return problems


def _operation(method: str, path: str) -> dict[str, Any]:
    for template, operations in document()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def assert_documented(response: Any) -> None:
    """The response's status and body are what the OpenAPI document promises."""
    operation = _operation(response.request["REQUEST_METHOD"], response.request["PATH_INFO"])
    status = str(response.status_code)
    assert status in operation["responses"], f"{status} is not documented for {operation['operationId']}"
    content = operation["responses"][status].get("content")
    if content is None:
        assert not response.content
        return
    problems = conforms(response.json(), content["application/json"]["schema"])
    assert not problems, problems


def _exposed_paths() -> set[str]:
    """Every address the API's URL patterns answer, written the OpenAPI way."""
    patterns, _, _ = api.urls
    paths = set()
    for pattern in patterns:
        route = str(pattern.pattern)
        if route in ("", "openapi.json", "docs"):  # the root only names the API's base address
            continue
        paths.add("/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return paths


def test_the_document_is_served_at_openapi_json() -> None:
    assert document()["info"]["title"] == "Xiangli API"


def test_every_path_the_api_answers_is_in_the_document() -> None:
    exposed = _exposed_paths()
    assert "/api/v1/cases/{case_id}/transitions" in exposed
    assert exposed <= set(document()["paths"])


def test_the_error_shape_is_documented_for_every_refusal() -> None:
    error = _resolve({"$ref": "#/components/schemas/Error"})
    detail = _resolve(error["properties"]["error"])
    assert set(detail["required"]) >= {"code", "message"}
    assert set(_resolve(detail["properties"]["code"])["enum"]) == {
        "validation_error",
        "not_found",
        "forbidden",
        "unauthorized",
        "conflict",
    }
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_every_operation_that_needs_a_login_documents_401() -> None:
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                assert "401" in operation["responses"], (method, path)


def test_both_ways_of_logging_in_are_in_the_document() -> None:
    schemes = document()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_an_unknown_address_under_the_api_is_a_404_in_the_error_shape(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
