"""Every route's answer is described (issue 22): the OpenAPI gives each 2xx response a schema
with named properties, the picture in full, and the answers the server gives match them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api_client import Api
from threadline.api.responses import Picture
from threadline.store import tables as t


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def undescribed(document: dict[str, Any]) -> list[str]:
    """Each 2xx answer (but a 204, which has no body) with no schema, or whose schema is an
    object without properties (``additionalProperties`` only), as ``METHOD path status``."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2") or status == "204":
                    continue
                where = f"{method.upper()} {path} {status}"
                content = response.get("content") or {}
                schemas = [c.get("schema") for c in content.values()]
                if not schemas or any(not s for s in schemas):
                    found.append(where)
                    continue
                for schema in schemas:
                    target = _resolve(schema, document)
                    if target.get("type") == "array":
                        target = _resolve(target.get("items") or {}, document)
                    if target.get("type") == "object" and not target.get("properties"):
                        found.append(where)
    return found


def test_the_walk_finds_an_undescribed_answer() -> None:
    """The check can fail: a bare ``dict[str, Any]`` answer and a missing schema are found."""
    document = {
        "paths": {
            "/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": True}}}}}}},
            "/b": {"post": {"responses": {"201": {"description": "made"}}}},
            "/c": {"post": {"responses": {"204": {"description": "gone"}}}},
        },
        "components": {"schemas": {}},
    }  # fmt: skip
    assert undescribed(document) == ["GET /a 200", "POST /b 201"]


def test_every_2xx_answer_of_every_route_has_a_described_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert undescribed(document) == []
    operations = sum(len(ops) for ops in document["paths"].values())
    assert operations >= 28


def test_the_picture_is_described_in_full(client: TestClient) -> None:
    """Before: ``GET /api/incidents/{ref}/picture`` was a free object."""
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/incidents/{ref}/picture"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    picture = _resolve(schema, document)
    assert set(picture["properties"]) == {"incident", "people", "linked_by_objects", "alerts",
                                          "timeline"}  # fmt: skip
    person = _resolve(picture["properties"]["people"]["items"], document)
    assert {"entity_id", "evidence", "records", "orders", "assessments"} <= set(
        person["properties"]
    )
    alert = _resolve(picture["properties"]["alerts"]["items"], document)
    assert {"rule_id", "reason", "action", "cited", "people", "severity"} <= set(
        alert["properties"]
    )


def test_real_pictures_match_their_schema_for_every_role(api: Api) -> None:
    """The pictures of the small force, as each role sees them, validate against the model the
    OpenAPI states (a field the model does not name is an error: ``extra="forbid"``)."""
    with api.engine.connect() as conn:
        refs = list(conn.execute(select(t.incidents.c.ref).order_by(t.incidents.c.id).limit(15))
                    .scalars())  # fmt: skip
    for role in ("call_handler", "officer", "analyst", "supervisor"):
        for ref in refs:
            response = api.client.get(f"/api/incidents/{ref}/picture",
                                      params={"purpose": "schema check"},
                                      headers=api.auth(role))  # fmt: skip
            assert response.status_code == 200, response.text
            Picture.model_validate(response.json())
