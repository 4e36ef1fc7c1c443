"""Migration 0010: the identifier columns of mention_features become one object by kind."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, column, select, table

from factories import incident, person
from previous_head import write_as_before_0010
from threadline.resolve.candidates import feature_rows
from threadline.store import make_engine, migrate
from threadline.store import tables as t
from threadline.store.database import alembic_config
from threadline.store.tables import metadata
from threadline.store.types import Document

COLS = ("phones", "emails", "accounts", "vehicles")


def test_a_store_written_by_the_previous_head_upgrades_with_its_identifiers(
    store_url: str,
) -> None:
    engine: Engine = make_engine(store_url)
    migrate(engine, "0009")
    people = [
        person(
            "victim", forenames="Alys", surname="Penhallow", phones=["07700 900123"],
            emails=["Alys.P@example.com"], accounts=[{"platform": "FB", "handle": "@alys.p"}],
            vehicles=[{"registration": "ab12 cde"}],
        ),
        person("suspect", forenames="Gareth", surname="Tregothnan"),
    ]  # fmt: skip
    key = write_as_before_0010(engine, incident("INC-1", people=people))
    migrate(engine)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(t.mention_features.c.mention_key, t.mention_features.c.identifiers)
            ).all()
        )
        rows = feature_rows(conn, [f"{key}#0", f"{key}#1"])
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    assert stored == {
        f"{key}#0": {
            "phone": ["+447700900123"],
            "email": ["alys.p@example.com"],
            "account": ["facebook:alys.p"],
            "vehicle": ["AB12CDE"],
        },
        f"{key}#1": {},
    }
    victim, suspect = rows
    assert victim["phones"] == ["+447700900123"] and victim["vehicles"] == ["AB12CDE"]
    assert suspect["phones"] == suspect["accounts"] == []
    engine.dispose()


def test_the_downgrade_gives_the_columns_back(store_url: str) -> None:
    engine: Engine = make_engine(store_url)
    migrate(engine, "0009")
    key = write_as_before_0010(engine, incident("INC-1"))
    migrate(engine)
    command.downgrade(alembic_config(engine), "0009")
    old = table("mention_features", column("mention_key"), *(column(c, Document) for c in COLS))
    with engine.connect() as conn:
        rows = dict(
            (row[0], row[1:])
            for row in conn.execute(select(old.c.mention_key, *(old.c[c] for c in COLS)))
        )
    assert rows == {
        f"{key}#0": (["+447700900123"], [], [], []),
        f"{key}#1": ([], [], [], []),
    }
    engine.dispose()
