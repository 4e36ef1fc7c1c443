"""The OpenAPI states what the server does (issue 27, finding 10): every refusal a route's
dependencies can give, ``purpose`` as required, typed record bodies, bounded ``since`` dates,
and a 405's ``Allow`` naming every method of the path."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from threadline.api.deps import (
    PURPOSE_PATTERN,
    ApiError,
    Require,
    checked_purpose,
    get_current_user,
    get_purpose,
)
from threadline.api.main import discover_routers
from threadline.guard import User

ERROR_REF = "#/components/schemas/ErrorResponse"


def _calls(dependant: Any) -> list[Any]:
    return [d.call for d in dependant.dependencies] + [
        c for d in dependant.dependencies for c in _calls(d)
    ]


def _error_ref(operation: dict[str, Any], status: str) -> str | None:
    response = operation["responses"].get(status)
    if response is None:
        return None
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref: str | None = schema.get("$ref")
    return ref


def test_every_refusal_a_route_can_give_is_documented_with_the_error_body(
    client: TestClient,
) -> None:
    """Before: 401/403/400 were undocumented on 25 operations."""
    schema = client.get("/openapi.json").json()
    checked = 0
    for router in discover_routers():
        for route in router.routes:
            assert isinstance(route, APIRoute)
            calls = _calls(route.dependant)
            for method in route.methods:
                operation = schema["paths"][route.path][method.lower()]
                expected = {"429"}
                if get_current_user in calls:
                    expected.add("401")
                if any(isinstance(c, Require) for c in calls) or method != "GET":
                    expected.add("403")
                if get_purpose in calls:
                    expected.add("400")
                for status in expected:
                    assert _error_ref(operation, status) == ERROR_REF, (route.path, status)
                checked += 1
    assert checked >= 28


def test_a_missing_purpose_is_documented_once_for_every_route_that_needs_one(
    client: TestClient,
) -> None:
    """Before: four routes wrote their own 400 ("No purpose given"), hiding the shared one's
    word on a purpose over 500 characters."""
    schema = client.get("/openapi.json").json()
    described = {}
    for router in discover_routers():
        for route in router.routes:
            assert isinstance(route, APIRoute)
            if get_purpose not in _calls(route.dependant):
                continue
            for method in route.methods:
                answer = schema["paths"][route.path][method.lower()]["responses"]["400"]
                described[(route.path, method)] = answer["description"]
    assert len(described) >= 7
    for where, description in described.items():
        assert description.startswith("No purpose given, or one over 500 characters"), where


def test_purpose_is_required_where_the_server_requires_it(client: TestClient) -> None:
    """Before: ``purpose`` was an optional query parameter on routes that refuse without it.
    (The audit log's own ``purpose``, a filter the server does not require, is stated as
    optional: ``tests/api/test_main.py``.)"""
    schema = client.get("/openapi.json").json()
    purposes = [
        p
        for path, operations in schema["paths"].items()
        if path != "/api/audit"
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["name"] == "purpose"
    ]
    assert len(purposes) >= 7
    for parameter in purposes:
        assert parameter["required"] is True
        assert parameter["schema"]["pattern"] == PURPOSE_PATTERN
        assert parameter["schema"]["maxLength"] == 500


@given(st.text(max_size=12))
def test_the_stated_purpose_pattern_is_what_the_server_accepts(text: str) -> None:
    try:
        checked_purpose(text)
        accepted = True
    except ApiError:
        accepted = False
    assert accepted == bool(re.search(PURPOSE_PATTERN, text))


@pytest.mark.parametrize("text", [" \x1c ab\x1f", "\u3000a b\u3000", "ab ", "a\u2003\u2003b"])
def test_purpose_pattern_reads_whitespace_as_strip_does(text: str) -> None:
    stripped = text.strip()
    assert bool(re.search(PURPOSE_PATTERN, text)) == (len(stripped) >= 3)


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/incidents", "Incident"),
        ("/api/orders", "CourtOrder"),
        ("/api/assessments", "RiskAssessment"),
    ],
)
def test_record_bodies_are_typed_not_free_form(client: TestClient, path: str, model: str) -> None:
    """Before: these bodies were ``{"type": "object", "additionalProperties": true}``."""
    schema = client.get("/openapi.json").json()
    body = schema["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{model}"
    }
    component = schema["components"]["schemas"][model]
    assert component["additionalProperties"] is False
    assert "ref" in component["required"]


@pytest.mark.parametrize(
    "since", ["0", "1700000000", "0001-01-01", "1899-12-31", "2026-3-1", "2026-02-30"]
)
def test_stats_refuses_since_dates_that_are_not_iso_or_before_1900(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    since: str,
) -> None:
    """Before: ``since=0`` was read as 1970-01-01 and ``since=0001-01-01`` answered 7 MB."""
    for path in ("/api/stats", "/api/stats.csv"):
        answer = client.get(path, params={"since": since}, headers=auth("analyst"))
        assert answer.status_code == 422, (path, since, answer.text[:200])
        assert answer.json()["error"]["field"] == "since"


def test_stats_takes_an_iso_since_from_1900(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    answer = client.get("/api/stats", params={"since": "1900-01-01"}, headers=auth("analyst"))
    assert answer.status_code == 200
    assert len(answer.content) < 1_000_000
    recent = client.get("/api/stats", params={"since": "2025-01-01"}, headers=auth("analyst"))
    assert recent.status_code == 200


@pytest.mark.parametrize("since", ["0", "2026-03-01", "1899-12-31T23:59:59Z"])
def test_audit_since_is_an_rfc3339_time_from_1900(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    since: str,
) -> None:
    answer = client.get("/api/audit", params={"since": since}, headers=auth("auditor"))
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "since"
    fine = client.get(
        "/api/audit", params={"since": "2026-03-01T00:00:00Z"}, headers=auth("auditor")
    )
    assert fine.status_code == 200


def test_a_405_allows_every_method_of_the_path(app: FastAPI, client: TestClient) -> None:
    """Before: ``OPTIONS /api/users`` answered ``Allow: GET`` although POST is served too."""
    answer = client.request("OPTIONS", "/api/users")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"


def test_a_new_password_over_72_characters_is_a_422_not_a_500(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    body = {"username": "long-pass", "display_name": "L", "role": "officer", "password": "x" * 73}
    answer = client.post("/api/users", json=body, headers=auth("admin"))
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "password"


def test_a_lone_surrogate_in_a_body_is_a_422_naming_the_field(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    raw = json.dumps({"mention_keys": ["incident:cad:R1#p0"], "reason": "not \ud800 her"})
    answer = client.post(
        "/api/people/P0001/split",
        content=raw,
        headers={**auth("supervisor"), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "reason"


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in _keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in _keys(value)}
    return set()


def test_every_bound_is_stated_in_json_schemas_words(client: TestClient) -> None:
    """A ``Field(ge=1)`` on a type with a validator of its own was written to the OpenAPI as
    ``"ge": 1``, a word JSON Schema does not know: clients and schemathesis read no bound and
    sent ``0`` (ST202, notifications read). Bounds are ``minimum``/``maximum``."""
    schema = client.get("/openapi.json").json()
    assert not _keys(schema["components"]["schemas"]) & {"ge", "le", "gt", "lt"}
    assert "minimum" in _keys(schema["components"]["schemas"]["ReadRequest"])
