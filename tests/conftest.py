"""Shared fixtures: a fresh store per test, on SQLite and (when available) PostgreSQL.

PostgreSQL tests run when THREADLINE_TEST_POSTGRES_URL is set; each test gets its own schema,
dropped afterwards. In CI (CI=true) a missing server is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from threadline.store import open_store
from threadline.store.database import make_engine

POSTGRES_URL_VARIABLE = "THREADLINE_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL: set {POSTGRES_URL_VARIABLE}")
        pytest.skip(f"set {POSTGRES_URL_VARIABLE} to run PostgreSQL tests")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/threadline.db"


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema of their own."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The same test on the embedded store and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/threadline.db"
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()
