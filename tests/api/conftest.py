"""API fixtures: an app on the test store, one user per role, and bearer-token headers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_client import NOW, PASSWORD, Api
from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import User, UserRole, create_user
from threadline.settings import Settings


@pytest.fixture
def now() -> datetime:
    """What the app's clock says throughout a test."""
    return NOW


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def config() -> ApiConfig:
    return ApiConfig(
        session_secret="test-secret-not-for-production",
        secure_cookies=False,
        locked_delay_seconds=0.1,
        rate_limit_per_minute=100_000,
        rate_limit_burst=100_000,
    )


@pytest.fixture
def app(engine: Engine, config: ApiConfig, hasher: PasswordHasher) -> FastAPI:
    return create_app(Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher)


@pytest.fixture
def users(engine: Engine, hasher: PasswordHasher) -> dict[str, User]:
    """One active user per role, named after it (``officer``, ``analyst``...)."""
    return {
        role.value: create_user(
            engine,
            role.value.replace("_", "-"),
            f"Test {role.value}",
            role,
            PASSWORD,
            NOW,
            hasher=hasher,
        )
        for role in UserRole
    }


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def auth(app: FastAPI, users: dict[str, User]) -> Callable[[str], dict[str, str]]:
    """``auth("analyst")``: headers carrying a bearer token for that role's user."""

    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {app.state.tokens.issue(users[role])}"}

    return headers


# --- the API on the resolved small force (tests that need real people, alerts and a model) ---


@pytest.fixture
def api(resolved_store: Any, hasher: PasswordHasher) -> Iterator[Api]:
    """The app on a private copy of the resolved small force, with its model; a user per role."""
    engine, model = resolved_store
    users = {
        role.value: create_user(
            engine, role.value.replace("_", "-"), role.value, role, PASSWORD, NOW, hasher=hasher
        )
        for role in UserRole
    }
    config = ApiConfig(
        session_secret="s", rate_limit_per_minute=1e6, rate_limit_burst=10**6, secure_cookies=False
    )
    app = create_app(
        Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher,
        linkage_model=model,
    )  # fmt: skip

    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {app.state.tokens.issue(users[role])}"}

    with TestClient(app) as client:
        yield Api(client, engine, auth)


@pytest.fixture
def victim(small_force: Path) -> dict[str, Any]:
    """The force's ex-partner stalking victim, as its truth gives her."""
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    return dict(truth["people"][series["victims"][0]])
