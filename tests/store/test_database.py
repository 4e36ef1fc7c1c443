"""Write transactions that run alone: :func:`threadline.store.writing`."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text

from threadline.store import open_store, writing
from threadline.store import tables as t

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def views_in(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(t.history_views)).scalar_one())


def views(engine: Engine) -> int:
    with engine.connect() as conn:
        return views_in(conn)


def add_view(conn: Connection, ref: str) -> None:
    conn.execute(insert(t.history_views).values(incident_ref=ref, user="u", viewed_at=NOW))


def test_writing_commits_at_the_end_and_rolls_back_on_error(engine: Engine) -> None:
    with writing(engine) as conn:
        add_view(conn, "INC-1")
    assert views(engine) == 1
    with pytest.raises(RuntimeError), writing(engine) as conn:
        add_view(conn, "INC-2")
        raise RuntimeError("stop")
    assert views(engine) == 1


@pytest.mark.parametrize("same_engine", [True, False], ids=["one process", "two processes"])
def test_a_writer_waits_until_the_one_before_it_has_committed(
    engine: Engine, store_url: str, same_engine: bool
) -> None:
    other = engine if same_engine else open_store(store_url)
    inside = threading.Event()
    order: list[str] = []

    def first() -> None:
        with writing(engine) as conn:
            add_view(conn, "INC-1")
            inside.set()
            time.sleep(0.3)
            order.append("first committed")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(5)
    with writing(other) as conn:
        order.append("second in")
        seen = views_in(conn)
    thread.join()
    assert order == ["first committed", "second in"]
    assert seen == 1  # it decided from the store the first writer left
    if not same_engine:
        other.dispose()


@pytest.mark.postgres
def test_a_bulk_import_leaves_postgresql_knowing_its_tables(
    postgres_schema_url: str, tmp_path: Any
) -> None:
    """After an import, PostgreSQL's statistics count the rows it stored (``ANALYZE``), so it
    does not plan later queries for empty tables (never analysed: ``reltuples`` is -1)."""
    import json

    from factories import incident, person
    from threadline.ingest import import_files

    engine = open_store(postgres_schema_url)
    path = tmp_path / "incidents.jsonl"
    records = [incident(f"AN-{n}", people=[person("victim", surname=f"Ash{n}")]) for n in range(30)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    import_files(engine, [path])
    with engine.connect() as conn:
        counted = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'incidents'::regclass")
        ).scalar_one()
    engine.dispose()
    assert counted == 30


@pytest.mark.postgres
def test_analysing_the_store_leaves_other_schemas_alone(postgres_schema_url: str) -> None:
    """``analyse`` with no table names the store's own tables: a bare ``ANALYZE`` would read
    every table of the database (another schema's here, never analysed: ``reltuples`` -1) and
    deadlock with other sessions' schema changes."""
    from threadline.store.database import analyse

    engine = open_store(postgres_schema_url)
    other = f"other_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{other}"'))
        conn.execute(text(f'CREATE TABLE "{other}".bystander AS SELECT 1 AS n'))
    try:
        with engine.begin() as conn:
            analyse(conn)
        with engine.connect() as conn:
            bystander, ours = (
                conn.execute(
                    text(f"SELECT reltuples FROM pg_class WHERE oid = '{name}'::regclass")
                ).scalar_one()
                for name in (f'"{other}".bystander', "incidents")
            )
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
        engine.dispose()
    assert bystander == -1, "another schema's table was analysed"
    assert ours == 0, "the store's own tables were analysed"


def test_reading_sees_each_commit_and_on_postgresql_runs_outside_a_transaction(
    engine: Engine,
) -> None:
    """:func:`threadline.store.reading`: each read sees what was committed before it, a
    writer's commit between two reads included; on PostgreSQL the connection is in no
    transaction between statements (AUTOCOMMIT: no ``BEGIN``, no ``ROLLBACK``), so a write sent
    through it, which nothing may do, would be committed at once with no way back; and the
    connection goes back to the pool as it came, its next user's transaction rolled back
    whole."""
    from threadline.store import reading

    postgresql = engine.dialect.name == "postgresql"
    with writing(engine) as conn:
        add_view(conn, "INC-1")
    with reading(engine) as conn:
        assert views_in(conn) == 1
        with writing(engine) as other:  # another writer commits between two reads
            add_view(other, "INC-2")
        assert views_in(conn) == 2
        if postgresql:
            from psycopg import pq

            driver = conn.connection.driver_connection
            assert driver.info.transaction_status == pq.TransactionStatus.IDLE
            with pytest.raises(RuntimeError):
                add_view(conn, "INC-3")  # committed as it is sent
                raise RuntimeError("the block fails after the write")
    assert views(engine) == (3 if postgresql else 2)
    with engine.connect() as conn:  # the pool's connection is back in transactions
        add_view(conn, "INC-4")
        conn.rollback()
    assert views(engine) == (3 if postgresql else 2)
