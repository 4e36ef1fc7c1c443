"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select

from factories import incident
from threadline.ingest.importer import import_records
from threadline.ingest.readers import RawRecord
from threadline.store import open_store, table_names
from threadline.store import tables as t
from threadline.store.database import make_engine, migrate
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
    old = RawRecord("old.jsonl", 1, incident("INC-1"))
    assert import_records(engine, [old], files=["old.jsonl"]).counts.stored == 1
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
