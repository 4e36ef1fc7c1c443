from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.api import ApiConfig
from threadline.api.limits import TokenBucket
from threadline.app import create_app
from threadline.guard import User
from threadline.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_refills() -> None:
    clock = FakeClock()
    bucket = TokenBucket(per_minute=60, burst=3, clock=clock)
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(1.0)
    assert bucket.take("b") == 0.0, "each key has its own bucket"
    clock.now += 1.0
    assert bucket.take("a") == 0.0
    assert bucket.take("a") > 0


def test_token_bucket_forgets_idle_keys() -> None:
    clock = FakeClock()
    bucket = TokenBucket(per_minute=60, burst=2, clock=clock)
    for key in range(100):
        bucket.take(str(key))
    clock.now += 10
    bucket.take("fresh")
    assert len(bucket._buckets) == 1


@pytest.fixture
def tight_app(engine: Engine, hasher: PasswordHasher) -> FastAPI:
    config = ApiConfig(
        session_secret="s", rate_limit_per_minute=1, rate_limit_burst=3, max_body_bytes=2048
    )
    return create_app(Settings(), engine, config=config, password_hasher=hasher)


@pytest.fixture
def tight(tight_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(tight_app) as client:
        yield client


def test_rate_limit_answers_429_per_user(
    tight_app: FastAPI, tight: TestClient, users: dict[str, User]
) -> None:
    def bearer(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tight_app.state.tokens.issue(users[role])}"}

    statuses = [tight.get("/api/me", headers=bearer("officer")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = tight.get("/api/me", headers=bearer("officer"))
    assert refused.json()["error"]["message"].startswith("too many requests")
    assert int(refused.headers["Retry-After"]) >= 1
    assert tight.get("/api/me", headers=bearer("analyst")).status_code == 200


def test_rate_limit_guards_sign_in_by_address(tight: TestClient, users: dict[str, User]) -> None:
    form = {"username": "officer", "password": "guess guess guess"}
    statuses = [tight.post("/api/token", data=form).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_body_too_large_is_413(
    tight: TestClient, users: dict[str, User], auth: Callable[[str], dict[str, str]]
) -> None:
    big = {"username": "officer", "password": "p" * 4000}
    response = tight.post("/api/login", json=big)
    assert response.status_code == 413
    assert "larger than 2048 bytes" in response.json()["error"]["message"]


def test_streamed_body_too_large_is_413(tight: TestClient, users: dict[str, User]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"username": "officer", "password": "'
        for _ in range(10):
            yield b"p" * 500
        yield b'"}'

    response = tight.post(
        "/api/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_body_under_the_limit_is_read(tight: TestClient, users: dict[str, User]) -> None:
    response = tight.post(
        "/api/login", json={"username": "officer", "password": "granite harbour lantern"}
    )
    assert response.status_code == 200
