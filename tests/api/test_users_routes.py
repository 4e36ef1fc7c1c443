from __future__ import annotations

from collections.abc import Callable

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.guard import User, authenticate, read_log


def test_admin_lists_users(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    response = client.get("/api/users", headers=auth("admin"))
    assert response.status_code == 200
    assert {u["username"] for u in response.json()} == {u.username for u in users.values()}
    assert "password_hash" not in str(response.json())


def test_admin_creates_a_user_and_the_change_is_audited(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    engine: Engine,
    hasher: PasswordHasher,
) -> None:
    body = {
        "username": "jo.pascoe",
        "display_name": "Jo Pascoe",
        "role": "call_handler",
        "password": "seven gulls over the quay",
    }
    response = client.post("/api/users", headers=auth("admin"), json=body)
    assert response.status_code == 201
    assert response.json()["role"] == "call_handler" and response.json()["active"]
    assert authenticate(engine, "jo.pascoe", body["password"], hasher=hasher) is not None
    [row] = read_log(engine)
    assert row.action == "users.manage" and row.user == "admin"
    assert row.records == ["user:jo.pascoe"]
    again = client.post("/api/users", headers=auth("admin"), json=body)
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "username"


def test_user_creation_errors_name_the_field(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    base = {"username": "kit", "display_name": "Kit Rowse", "role": "officer"}
    cases = [
        ({**base, "password": "short"}, 422, "password"),
        ({**base, "role": "constable", "password": "long enough password"}, 422, "role"),
        ({**base, "password": "long enough password", "is_admin": True}, 422, "is_admin"),
        ({k: v for k, v in base.items() if k != "role"} | {"password": "x" * 12}, 422, "role"),
    ]
    for body, status, field in cases:
        response = client.post("/api/users", headers=auth("admin"), json=body)
        assert response.status_code == status, body
        assert response.json()["error"]["field"] == field, response.json()
