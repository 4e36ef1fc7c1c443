from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from threadline.api.errors import field_name
from threadline.guard import User


def test_field_name_drops_the_location() -> None:
    assert field_name(("body", "people", 0, "role")) == "people.0.role"
    assert field_name(("query", "limit")) == "limit"
    assert field_name(("body",)) == "body"
    assert field_name(("body", 17)) == "body"


def test_validation_error_names_the_field(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    response = client.post(
        "/api/users",
        headers=auth("admin"),
        json={"username": "lu", "display_name": "Lu", "role": "officer"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": {"field": "password", "message": "Field required"},
    }


def test_several_problems_are_all_listed(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    response = client.post("/api/users", headers=auth("admin"), json={"username": "lu"})
    error = response.json()["error"]
    assert {d["field"] for d in error["details"]} == {"display_name", "role", "password"}


def test_malformed_json_names_the_body(client: TestClient, users: dict[str, User]) -> None:
    response = client.post(
        "/api/login", content=b'{"username": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body"


def test_unknown_path_uses_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"field": None, "message": "Not Found"}}
