"""Signing in and out (issue 27, finding 6: lockout, bounded hashing, one trimming rule,
server-side revocation)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_client import NOW
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import User, set_active, set_password
from threadline.settings import Settings

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
    csrf = {"X-CSRF-Token": response.headers["X-CSRF-Token"]}
    assert client.post("/api/logout", headers=csrf).status_code == 204
    assert client.get("/api/me").status_code == 401


def test_a_copied_session_cookie_stops_working_after_logout(
    app: FastAPI, client: TestClient, users: dict[str, User]
) -> None:
    """The cookie was only cleared in the browser: a copy kept working after /api/logout."""
    response = client.post("/api/login", json={"username": "analyst", "password": PASSWORD})
    copied = TestClient(app)
    copied.cookies.set("threadline_session", response.cookies["threadline_session"])
    assert copied.get("/api/me").status_code == 200
    csrf = {"X-CSRF-Token": response.headers["X-CSRF-Token"]}
    assert client.post("/api/logout", headers=csrf).status_code == 204
    assert copied.get("/api/me").status_code == 401
    again = client.post("/api/login", json={"username": "analyst", "password": PASSWORD})
    assert again.status_code == 200 and client.get("/api/me").status_code == 200


def test_logout_with_a_token_ends_the_token(
    app: FastAPI, client: TestClient, users: dict[str, User]
) -> None:
    headers = {"Authorization": f"Bearer {app.state.tokens.issue(users['officer'])}"}
    assert client.post("/api/logout", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_five_failures_lock_the_name_even_against_the_right_password(
    app: FastAPI, client: TestClient, users: dict[str, User], engine: Engine, hasher: PasswordHasher
) -> None:
    """CJIS Security Policy 5.5.3: "no more than 5 consecutive invalid access attempts"; the
    right password used to work straight after any number of wrong ones."""
    wrong = {"username": "officer", "password": "not the password at all"}
    assert [client.post("/api/token", data=wrong).status_code for _ in range(5)] == [401] * 5
    started = time.monotonic()
    right = client.post("/api/token", data={"username": "officer", "password": PASSWORD})
    assert time.monotonic() - started >= 0.1, "the refusal is held back (a tarpit)"
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 14 * 60
    assert "too many failed sign-ins" in right.json()["error"]["message"]
    by_cookie = client.post("/api/login", json={"username": " Officer", "password": PASSWORD})
    assert by_cookie.status_code == 429
    # another worker on the same store sees the same lock
    other = create_app(
        Settings(), engine, config=ApiConfig(session_secret="x", secure_cookies=False),
        password_hasher=hasher, clock=lambda: NOW,
    )  # fmt: skip
    with TestClient(other) as second:
        form = {"username": "officer", "password": PASSWORD}
        assert second.post("/api/token", data=form).status_code == 429
    # an unknown name locks the same way, so a lockout does not tell which names exist
    ghost = {"username": "nobody.here", "password": "not the password at all"}
    assert [client.post("/api/token", data=ghost).status_code for _ in range(6)][-1] == 429


def test_an_administrator_reset_clears_the_lock(
    client: TestClient, users: dict[str, User], engine: Engine, hasher: PasswordHasher
) -> None:
    wrong = {"username": "analyst", "password": "not the password at all"}
    for _ in range(5):
        client.post("/api/token", data=wrong)
    set_password(engine, "analyst", "a fresh harbour passphrase", hasher=hasher)
    form = {"username": "analyst", "password": "a fresh harbour passphrase"}
    assert client.post("/api/token", data=form).status_code == 200


def test_one_trimming_rule_for_both_sign_in_routes(
    client: TestClient, users: dict[str, User]
) -> None:
    """/api/login trimmed the password and /api/token did not: now the username is trimmed
    and lower-cased on both, and the password is taken exactly as typed on both."""
    spaced = {"username": "officer", "password": f" {PASSWORD} "}
    assert client.post("/api/login", json=spaced).status_code == 401
    assert client.post("/api/token", data=spaced).status_code == 401
    padded = {"username": "  Officer ", "password": PASSWORD}
    assert client.post("/api/token", data=padded).is_success
    assert client.post("/api/login", json=padded).is_success


class CountingHasher(PasswordHasher):
    """argon2id that notes how many hashes or checks run at the same moment."""

    def __init__(self) -> None:
        super().__init__(time_cost=2, memory_cost=8 * 1024, parallelism=1)
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def _counted(self, work: Any, *args: Any) -> Any:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return work(*args)
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password: Any, *, salt: Any = None) -> str:
        return str(self._counted(super().hash, password))

    def verify(self, hash: Any, password: Any) -> bool:
        return bool(self._counted(super().verify, hash, password))


def test_a_flood_of_wrong_sign_ins_hashes_at_most_hash_slots_at_once(
    engine: Engine, users: dict[str, User]
) -> None:
    """32 parallel wrong sign-ins ran 32 argon2 checks at once (1.94 GB); now at most
    ``hash_slots`` run, and the rest wait without holding a thread."""
    hasher = CountingHasher()
    config = ApiConfig(
        session_secret="x", secure_cookies=False, hash_slots=2,
        rate_limit_per_minute=1e6, rate_limit_burst=10**6,
    )  # fmt: skip
    app = create_app(Settings(), engine, config=config, password_hasher=hasher)
    with TestClient(app) as flood:

        def attempt(n: int) -> int:
            form = {"username": f"guess{n}", "password": "not the password at all"}
            return flood.post("/api/token", data=form).status_code

        with ThreadPoolExecutor(32) as pool:
            statuses = list(pool.map(attempt, range(32)))
    assert statuses == [401] * 32
    assert 1 <= hasher.most <= 2


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
