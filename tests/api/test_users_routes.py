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


def test_admin_disables_changes_the_role_of_and_resets_an_account_each_audited(
    client: TestClient,
    users: dict[str, User],
    auth: Callable[[str], dict[str, str]],
    engine: Engine,
    hasher: PasswordHasher,
) -> None:
    """There was no way to disable an account, reset a password or change a role."""
    officer = auth("officer")
    assert client.get("/api/me", headers=officer).status_code == 200
    off = client.patch("/api/users/Officer", headers=auth("admin"), json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.get("/api/me", headers=officer).status_code == 401, "its token stops at once"
    on = client.patch("/api/users/officer", headers=auth("admin"), json={"active": True})
    assert on.status_code == 200 and on.json()["active"] is True
    promoted = client.patch(
        "/api/users/officer", headers=auth("admin"), json={"role": "supervisor"}
    )
    assert promoted.json()["role"] == "supervisor"
    assert "dashboard.view" in client.get("/api/me", headers=officer).json()["permissions"]
    reset = client.patch(
        "/api/users/officer", headers=auth("admin"), json={"password": "seven gulls over the quay"}
    )
    assert reset.status_code == 200
    assert client.get("/api/me", headers=officer).status_code == 401, "sessions ended"
    assert authenticate(engine, "officer", "seven gulls over the quay", hasher=hasher)
    # the officer's refused requests (the ended token) are audited too, as access.refused
    rows = sorted(read_log(engine, action="users.manage"), key=lambda r: r.id)
    assert [(r.user, r.action, r.records) for r in rows] == [
        ("admin", "users.manage", ["user:officer"])
    ] * 4
    assert [r.detail["change"] for r in rows if r.detail] == [
        "disabled",
        "enabled",
        "role",
        "password reset",
    ]


def test_account_changes_are_refused_to_others_and_when_unfit(
    client: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    admin = auth("admin")
    assert (
        client.patch(
            "/api/users/analyst", headers=auth("supervisor"), json={"active": False}
        ).status_code
        == 403
    )
    assert (
        client.patch("/api/users/nobody", headers=admin, json={"active": False}).status_code == 404
    )
    weak = client.patch("/api/users/analyst", headers=admin, json={"password": "password1234"})
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"
    own = client.patch("/api/users/admin", headers=admin, json={"active": False})
    assert own.status_code == 422 and own.json()["error"]["field"] == "active"
    own_role = client.patch("/api/users/admin", headers=admin, json={"role": "officer"})
    assert own_role.status_code == 422 and own_role.json()["error"]["field"] == "role"
    unknown = client.patch("/api/users/analyst", headers=admin, json={"admin": True})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "admin"
