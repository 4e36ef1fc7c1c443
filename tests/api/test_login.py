from __future__ import annotations

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.guard import User, set_active, set_password

PASSWORD = "granite harbour lantern"


def test_token_for_the_right_password_opens_the_api(
    client: TestClient, users: dict[str, User]
) -> None:
    response = client.post("/api/token", data={"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "officer" and me.json()["role"] == "officer"
    assert "person.view" in me.json()["permissions"]
    assert "audit.read" not in me.json()["permissions"]


def test_wrong_password_gets_no_token(client: TestClient, users: dict[str, User]) -> None:
    for username, password in (("officer", "wrong password!!"), ("nobody", PASSWORD)):
        response = client.post("/api/token", data={"username": username, "password": password})
        assert response.status_code == 401
        assert "wrong username or password" in response.json()["error"]["message"]


def test_session_cookie_login_and_logout(client: TestClient, users: dict[str, User]) -> None:
    assert client.get("/api/me").status_code == 401
    response = client.post("/api/login", json={"username": "Analyst", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["role"] == "analyst"
    assert "threadline_session" in response.cookies
    assert client.get("/api/me").json()["username"] == "analyst"
    assert client.post("/api/logout").status_code == 204
    assert client.get("/api/me").status_code == 401


def test_password_change_ends_tokens_and_sessions(
    app: FastAPI, client: TestClient, users: dict[str, User], engine: Engine, hasher: PasswordHasher
) -> None:
    token = app.state.tokens.issue(users["officer"])
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/login", json={"username": "officer", "password": PASSWORD})
    assert client.get("/api/me", headers=headers).status_code == 200
    set_password(engine, "officer", "another long passphrase", hasher=hasher)
    assert client.get("/api/me", headers=headers).status_code == 401
    assert client.get("/api/me").status_code == 401


def test_disabled_user_is_signed_out(
    app: FastAPI, client: TestClient, users: dict[str, User], engine: Engine
) -> None:
    headers = {"Authorization": f"Bearer {app.state.tokens.issue(users['supervisor'])}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    set_active(engine, "supervisor", False)
    assert client.get("/api/me", headers=headers).status_code == 401
    response = client.post("/api/token", data={"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 401


def test_login_rejects_unknown_fields(client: TestClient, users: dict[str, User]) -> None:
    response = client.post(
        "/api/login", json={"username": "officer", "password": PASSWORD, "remember": True}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "remember"
