"""Web fixtures: the app (API and pages) on a fresh store, one user per role, signed-in clients;
a chromium page for the browser tests (their server and sign-in: :mod:`web.browser`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from threadline.api import ApiConfig
from threadline.app import create_app
from threadline.guard import User, UserRole, create_user
from threadline.settings import Settings
from threadline.store import open_store
from threadline.store import tables as t
from web.browser import ARTIFACTS, CHROMIUM_ARGS, chromium_path

PASSWORD = "granite harbour lantern"
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def store(tmp_path: object) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path}/web.db")
    yield engine
    engine.dispose()


def make_app(engine: Engine, hasher: PasswordHasher, **kwargs: object) -> FastAPI:
    app = create_app(
        Settings(model_path="no-such-model.json"),
        engine,
        config=ApiConfig(
            session_secret="web-test-secret",
            rate_limit_per_minute=1e6,
            rate_limit_burst=10**6,
            secure_cookies=False,
        ),
        clock=lambda: NOW,
        password_hasher=hasher,
        **kwargs,  # type: ignore[arg-type]
    )
    return app


@pytest.fixture
def web_app(store: Engine, hasher: PasswordHasher) -> FastAPI:
    return make_app(store, hasher)


@pytest.fixture
def staff(store: Engine, hasher: PasswordHasher) -> dict[str, User]:
    return {
        role.value: create_user(
            store,
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
def signed_in(web_app: FastAPI, staff: dict[str, User]) -> Callable[[str], TestClient]:
    """``signed_in("supervisor")``: a browser-like client with that role's session cookie."""

    def client(role: str) -> TestClient:
        browser = TestClient(web_app, headers=HTML)
        response = browser.post(
            "/api/login", json={"username": staff[role].username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        browser.headers["X-CSRF-Token"] = response.headers["X-CSRF-Token"]
        return browser

    return client


@pytest.fixture
def known_person(store: Engine) -> str:
    """A person with no records yet: enough for the person page to open."""
    with store.begin() as conn:
        conn.execute(
            insert(t.entities).values(
                id="P0000042",
                kind="person",
                label="Alys Penhallow",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return "P0000042"


@pytest.fixture
def page() -> Iterator[Any]:
    """A chromium page (1280 by 900, 30 s to wait) for a browser test (:mod:`web.browser`)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        yield context.new_page()
        context.close()
        browser.close()
