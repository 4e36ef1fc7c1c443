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

from factories import force_files
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
    yield f"{base}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
    drop_schema(admin, schema)
    admin.dispose()


def drop_schema(admin: Engine, schema: str, attempts: int = 5) -> None:
    """Drop a test's schema, first ending any session a killed process left on it.

    A SIGKILLed client's server backend lives on until the server notices the closed socket; it
    can still hold locks on the schema's tables, and DROP SCHEMA then deadlocks against it. Each
    schema's connections carry its name as application_name, so exactly those are ended.
    """
    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            with admin.begin() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": schema},
                )
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise


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


# --- a small synthetic force, imported, resolved and recognised once per session ---------------

SMALL_FORCE_INCIDENTS = 1200
SMALL_FORCE_SEED = 5


@pytest.fixture(scope="session")
def small_force(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A synthetic force folder (incidents, crimes, orders, assessments, truth)."""
    from threadline.synth import generate_force

    folder = tmp_path_factory.mktemp("force")
    generate_force(folder, SMALL_FORCE_INCIDENTS, SMALL_FORCE_SEED)
    return folder


@pytest.fixture(scope="session")
def resolved_force(small_force: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """(SQLite file, model) for the small force after import, training, resolution and sweep.

    Tests that change the store must work on a copy (``resolved_store``)."""
    from datetime import UTC, datetime

    from threadline.crossref.replay import sweep
    from threadline.ingest import import_files
    from threadline.resolve.batch import resolve_store, train_store_model

    folder = tmp_path_factory.mktemp("resolved")
    path = folder / "store.db"
    engine = open_store(f"sqlite:///{path}")
    import_files(engine, force_files(small_force))
    model = train_store_model(engine, trained_at=datetime(2026, 1, 1, tzinfo=UTC))
    resolve_store(engine, model, now=datetime(2026, 1, 1, tzinfo=UTC))
    sweep(engine)
    engine.dispose()
    return path, model


@pytest.fixture
def resolved_store(resolved_force: Any, tmp_path: Any) -> Iterator[tuple[Engine, Any]]:
    """A private copy of the resolved small force: (engine, model)."""
    import shutil

    path, model = resolved_force
    copy = tmp_path / "store.db"
    shutil.copy(path, copy)
    engine = open_store(f"sqlite:///{copy}")
    yield engine, model
    engine.dispose()


@pytest.fixture(scope="session")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A linkage model trained once per session on a 400-incident force (quick, not accurate):
    for tests that need call time to run, not to resolve well."""
    from datetime import UTC, datetime

    from threadline.ingest import import_files
    from threadline.resolve.batch import train_store_model
    from threadline.synth import generate_force

    folder = tmp_path_factory.mktemp("small-model-force")
    generate_force(folder, 400, 5)
    engine = open_store(f"sqlite:///{folder}/store.db")
    import_files(engine, force_files(folder))
    model = train_store_model(engine, trained_at=datetime(2026, 1, 1, tzinfo=UTC), max_pairs=2e4)
    engine.dispose()
    return model
