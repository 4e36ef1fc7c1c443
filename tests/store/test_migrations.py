"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event, func, insert, select

from factories import incident
from previous_head import write_as_before_0010
from threadline.ingest.importer import import_records
from threadline.ingest.readers import RawRecord
from threadline.store import make_engine, migrate, open_store, table_names
from threadline.store import tables as t
from threadline.store.database import HalfMigratedStore
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


def test_references_widen_on_a_store_that_holds_records(store_url: str) -> None:
    """0006 widens the reference and key columns of a store made before it, keeping its rows:
    a 64-character reference that the 0005 store could not hold on PostgreSQL then fits."""
    engine = make_engine(store_url)
    migrate(engine, "0005")
    write_as_before_0010(engine, incident("INC-1"))  # as Threadline wrote it then
    migrate(engine)
    new = RawRecord("new.jsonl", 1, incident("f" * 64, crime_refs=["c" * 200]))
    assert import_records(engine, [new], files=["new.jsonl"]).counts.stored == 1
    with engine.connect() as conn:
        refs = set(conn.execute(select(t.incidents.c.ref)).scalars())
        mentions = conn.execute(select(t.mentions.c.mention_key)).scalars().all()
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert refs == {"INC-1", "f" * 64}
    assert len(mentions) == 4 and differences == []
    engine.dispose()


# --- a migration cut short (a kill, a full disk) leaves a store that opens ----------------------


class Interrupted(Exception):
    pass


def _failing_at(engine: Engine, statement: str) -> None:
    """Make ``engine`` fail just before it runs the first statement starting with ``statement``."""

    def fail(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if sql.lstrip().startswith(statement):
            raise Interrupted(sql)

    event.listen(engine, "before_cursor_execute", fail)


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def test_schema_creation_cut_short_leaves_a_store_that_opens(store_url: str) -> None:
    # before: SQLite's CREATE TABLEs ran outside any transaction, each committed on its own, and
    # the next start failed with "table crime_incidents already exists"
    engine = make_engine(store_url)
    _failing_at(engine, "CREATE TABLE imports")  # the fourth table of the first migration
    with pytest.raises(Interrupted):
        migrate(engine)
    engine.dispose()
    reopened = open_store(store_url)
    assert _differences(reopened) == []


def test_an_upgrade_cut_short_keeps_the_data_and_the_store_opens(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            insert(t.imports).values(started_at=datetime(2026, 1, 1, tzinfo=UTC), files=[])
        )
    engine.dispose()
    engine = make_engine(store_url)
    _failing_at(engine, "DROP INDEX")  # 0005 makes its new indexes first, then drops the old one
    with pytest.raises(Interrupted):
        migrate(engine)
    engine.dispose()
    reopened = open_store(store_url)
    assert _differences(reopened) == []
    with reopened.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.imports)).scalar_one() == 1


def _objects(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE"
            " 'sqlite_%' AND name != 'alembic_version' ORDER BY rowid"
        ).fetchall()


def _reference(tmp_path: Path, revision: str) -> list[tuple[str, str, str]]:
    path = tmp_path / f"reference-{revision}.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, revision)
    engine.dispose()
    return _objects(path)


def test_a_store_half_created_by_an_older_version_opens(tmp_path: Path) -> None:
    """What the old code left after a kill during ``init``: the first tables of the first
    migration and their indexes, and no version row."""
    first = _reference(tmp_path, "0001")
    path = tmp_path / "half.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        for _kind, _name, sql in first[:5]:
            conn.execute(sql)
    engine = open_store(f"sqlite:///{path}")
    assert _differences(engine) == []


@pytest.mark.parametrize("made", [1, 3, 99])
def test_a_store_half_upgraded_by_an_older_version_opens(tmp_path: Path, made: int) -> None:
    """What the old code left after a kill during the upgrade to 0005: some of its new indexes
    (all of them and the old index dropped, with ``made=99``) but the version row still 0004."""
    at_0004 = {name for _kind, name, _sql in _reference(tmp_path, "0004")}
    added = [(name, sql) for kind, name, sql in _reference(tmp_path, "0005") if name not in at_0004]
    assert added
    path = tmp_path / "half.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            insert(t.imports).values(started_at=datetime(2026, 1, 1, tzinfo=UTC), files=[])
        )
    engine.dispose()
    with sqlite3.connect(path) as conn:
        for _name, sql in added[:made]:
            conn.execute(sql)
        if made >= len(added):
            conn.execute("DROP INDEX ix_mention_features_address_key")
    engine = open_store(f"sqlite:///{path}")
    assert _differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.imports)).scalar_one() == 1


def test_a_table_the_store_does_not_own_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE INDEX ix_notes ON notes (id)")
    open_store(f"sqlite:///{path}").dispose()
    assert {"notes", "ix_notes"} <= {name for _kind, name, _sql in _objects(path)}


def test_a_half_made_table_with_rows_is_not_dropped(tmp_path: Path) -> None:
    first = _reference(tmp_path, "0001")
    path = tmp_path / "odd.db"
    with sqlite3.connect(path) as conn:
        sql = next(sql for kind, name, sql in first if name == "imports")
        conn.execute(sql)
        conn.execute(
            "INSERT INTO imports (started_at, files, stored, updated, unchanged, rejected,"
            " batches) VALUES ('2026-01-01', '[]', 0, 0, 0, 0, 0)"
        )
    with pytest.raises(HalfMigratedStore, match="holds rows in imports"):
        open_store(f"sqlite:///{path}")
