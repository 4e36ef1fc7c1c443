"""Migrations 0019 and 0021 fill the facts they keep (each incident's victim and suspect with its
stalking signs, ``incident_parties``; its first DASH, ``incidents.first_dash_at``) as the live
writers keep them, from a store at 0018 that holds records, and a downgrade to 0018 and an
upgrade again round-trip, on SQLite and PostgreSQL.

The fills are written in the migrations, not imported from the live code (a migration does the
same thing for as long as it exists), so this is what holds them to the live writers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, update

from factories import assessment, incident, person
from links_factory import resolve_by_name, store
from threadline.crossref.risk import people_by_role, victim_and_suspect
from threadline.store import make_engine, migrate
from threadline.store import tables as t
from threadline.store.database import alembic_config
from threadline.store.first_dash import rebuild_first_dash
from threadline.store.parties import rebuild_parties
from threadline.store.tables import metadata

HER = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}
HIM = {"forenames": "Gareth", "surname": "Tregothnan"}
STRANGER = {"forenames": "Bryony", "surname": "Keast"}  # resolved to nobody


def dash(ref: str, incident_ref: str, hour: int, checklist: str = "dash") -> dict[str, Any]:
    return assessment(ref, incident_ref, datetime(2026, 3, 1, hour, tzinfo=UTC), checklist)


def records() -> list[dict[str, Any]]:
    """Incidents with every shape of parties, and DASHes (several, an S-DASH, one for an
    incident not stored)."""
    return [
        incident("INC-1", people=[person("victim", **HER), person("suspect", **HIM)]),
        incident("INC-2", people=[person("caller", **HER), person("suspect", **STRANGER)]),
        incident("INC-3", people=[person("victim", **STRANGER), person("suspect", **HIM)]),
        incident("INC-4", people=[]),
        incident(
            "INC-5",
            people=[person("victim", **STRANGER), person("victim", **HER), person("caller", **HIM)],
        ),  # fmt: skip
        incident("INC-6", people=[person("witness", **HER)]),
        dash("RA-1", "INC-1", 11),
        dash("RA-2", "INC-1", 9),
        dash("RA-3", "INC-2", 8, checklist="sdash"),
        dash("RA-4", "INC-3", 14),
        dash("RA-5", "INC-9", 7),
    ]


def kept(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    """The kept parties (with the stalking signs beside them) and each incident's first DASH."""
    p, i = t.incident_parties, t.incidents
    with engine.connect() as conn:
        parties = {
            r.record_key: (r.victim_entity, r.suspect_entity, r.maybe_stalking)
            for r in conn.execute(select(p))
        }
        firsts = dict(conn.execute(select(i.c.ref, i.c.first_dash_at)).all())
    return parties, firsts


def at_0018_with_records(url: str) -> Engine:
    """A store with records and people, its facts kept by the live writers, taken down to
    0018 (where neither fact is kept)."""
    engine = make_engine(url)
    migrate(engine)
    store(engine, *records())
    resolve_by_name(engine, {"P-1": "Alys Penhallow", "P-2": "Gareth Tregothnan"})
    with engine.begin() as conn:  # the signs read for some (true, false), not yet for INC-5
        conn.execute(update(t.incidents).values(stalking_signs=False))
        conn.execute(
            update(t.incidents).where(t.incidents.c.ref.in_(["INC-1", "INC-3"]))
            .values(stalking_signs=True)
        )  # fmt: skip
        conn.execute(
            update(t.incidents).where(t.incidents.c.ref == "INC-5").values(stalking_signs=None)
        )
        rebuild_parties(conn)  # signs written behind the store's back: kept again
    return engine


def test_upgrading_from_0018_fills_the_kept_facts_as_the_live_writers_keep_them(
    store_url: str,
) -> None:
    engine = at_0018_with_records(store_url)
    live = kept(engine)
    parties, firsts = live
    # the live writers' facts are those read from scratch, and every shape is there
    with engine.connect() as conn:
        roles = people_by_role(conn)
    afresh = {k: victim_and_suspect(r) for k, r in roles.items()}
    assert {k: v[:2] for k, v in parties.items()} == {
        k: v for k, v in afresh.items() if v != (None, None)
    }
    assert parties == {
        "incident:cad:INC-1": ("P-1", "P-2", True),
        "incident:cad:INC-2": ("P-1", None, False),
        "incident:cad:INC-3": (None, "P-2", True),
        "incident:cad:INC-5": ("P-1", None, True),
    }
    assert firsts == {"INC-1": datetime(2026, 3, 1, 9, tzinfo=UTC), "INC-2": None,
                      "INC-3": datetime(2026, 3, 1, 14, tzinfo=UTC), "INC-4": None,
                      "INC-5": None, "INC-6": None}  # fmt: skip
    config = alembic_config(engine)
    command.downgrade(config, "0018")
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        columns = {c["name"] for c in inspect(conn).get_columns("incidents")}
    assert "incident_parties" not in tables and "first_dash_at" not in columns
    migrate(engine)  # 0019, 0020 and 0021 again, each filling what it keeps
    assert kept(engine) == live
    with engine.connect() as conn:
        assert list(compare_metadata(MigrationContext.configure(conn), metadata)) == []
    # the live fills give the same again
    with engine.begin() as conn:
        rebuild_parties(conn)
        rebuild_first_dash(conn)
    assert kept(engine) == live
    engine.dispose()


#: What a migration may import of Threadline: the column types its tables are made with.
FROZEN_IMPORTS = {"threadline.store.types"}


def test_migrations_import_no_live_code() -> None:
    """A migration imports nothing of Threadline but its column types: what it fills is written
    in it, so a later change to the live code cannot change what it does (the facts the live
    rules derive are derived when the store is opened: tests/store/test_derived.py)."""
    import ast

    from threadline.store.database import MIGRATIONS

    found: dict[str, set[str]] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        tree = ast.parse(path.read_text())
        names = {
            node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
            for alias in node.names
        }  # fmt: skip
        found[path.name] = {n for n in names if n.split(".")[0] == "threadline"} - FROZEN_IMPORTS
    assert "0021_first_dash_kept.py" in found
    assert {name: live for name, live in found.items() if live} == {}
