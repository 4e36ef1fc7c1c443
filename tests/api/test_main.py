from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.api import ApiConfig
from threadline.api.main import discover_routers
from threadline.app import create_app
from threadline.guard import User
from threadline.settings import Settings


def test_openapi_and_docs_are_published(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Threadline"
    assert "/api/people/{entity_id}" in schema["paths"]
    assert "/api/audit/verify" in schema["paths"]
    params = {p["name"]: p for p in schema["paths"]["/api/people/{entity_id}"]["get"]["parameters"]}
    assert {"purpose", "entity_id"} <= set(params)
    assert params["purpose"]["required"] is True  # X-Purpose is its described alternative
    assert "X-Purpose" in params["purpose"]["description"]
    assert client.get("/docs").status_code == 200


def test_the_audit_logs_purpose_filter_is_stated_as_the_optional_filter_it_is(
    client: TestClient,
) -> None:
    """The audit log's ``purpose`` is a filter (rows whose purpose holds these words), not the
    purpose of a look: stated as required with the purpose's pattern, a fuzzer's empty filter
    was "a schema-violating request accepted" (schemathesis ST201, auditor)."""
    schema = client.get("/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/audit"]["get"]["parameters"]}
    assert params["purpose"].get("required", False) is False
    assert "pattern" not in params["purpose"]["schema"].get("anyOf", [{}])[0]
    stated = [
        p
        for operations in schema["paths"].values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["name"] == "purpose" and p.get("required")
    ]
    assert len(stated) >= 30 and all(p["schema"].get("pattern") for p in stated)


def test_every_route_module_is_included() -> None:
    paths = {route.path for router in discover_routers() for route in router.routes}
    assert {"/api/token", "/api/me", "/api/audit", "/api/users", "/api/people/{entity_id}"} <= paths


def test_without_a_configured_secret_each_app_makes_its_own(
    engine: Engine, users: dict[str, User]
) -> None:
    first = create_app(Settings(), engine)
    second = create_app(Settings(), engine)
    token = first.state.tokens.issue(users["officer"])
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(first) as a, TestClient(second) as b:
        assert a.get("/api/me", headers=headers).status_code == 200
        assert b.get("/api/me", headers=headers).status_code == 401


def test_config_reads_what_settings_define() -> None:
    class WithSecret(Settings):
        session_secret: str = "from-settings"
        rate_limit_burst: int = 7

    config = ApiConfig.from_settings(WithSecret())
    assert config.session_secret == "from-settings"
    assert config.rate_limit_burst == 7
    assert config.max_body_bytes == ApiConfig().max_body_bytes
