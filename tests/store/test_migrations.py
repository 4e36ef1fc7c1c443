"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from threadline.store import open_store, table_names
from threadline.store.tables import metadata


def test_migrated_schema_matches_the_declared_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    assert set(metadata.tables) <= set(table_names(engine))


def test_migrating_twice_is_harmless(store_url: str) -> None:
    first = open_store(store_url)
    second = open_store(store_url)
    assert table_names(first) == table_names(second)
