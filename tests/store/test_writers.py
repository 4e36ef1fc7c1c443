"""The SQLite writer stores, value for value, what SQLAlchemy Core stores; bound rows the same."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from factories import incident, person
from threadline.model import parse_record
from threadline.store import open_store
from threadline.store.records import prepare, write_prepared
from threadline.store.rows import sqlite_binder
from threadline.store.writers import CoreWriter, DriverWriter, writer_for

NOW = datetime(2026, 3, 2, 9, 30, 15, 250, tzinfo=UTC)
TABLES = ("incidents", "mentions", "mention_features", "identifiers", "record_history")


def records() -> list[Any]:
    raw = [
        incident("INC-1", qualifiers=["domestic"], location={"text": "14 St. John's Rd"}),
        incident(
            "INC-2",
            occurred_from="2026-02-28T22:00:00",
            people=[
                person(
                    "suspect",
                    forenames="Dr. Siân",
                    surname="Ó Dónaill",
                    dob="1990-12",
                    phones=["07700 900123 / 07700 900456", "n/a"],
                    accounts=[{"platform": "FB", "handle": "facebook.com/jane.doe.77"}],
                    vehicles=[{"registration": "ab12 cde"}],
                )
            ],
            vehicles=[{"registration": "nk"}],
        ),
    ]
    return [parse_record(r) for r in raw]


def stored(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in TABLES
        }


def written(tmp_path: Path, name: str, bound: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Two incidents stored, then the first changed (an update with history)."""
    engine: Engine = open_store(f"sqlite:///{tmp_path}/{name}.db")
    binder = sqlite_binder() if bound else None
    first, second = records()
    changed = parse_record({**incident("INC-1"), "category": "stalking"})
    for batch in ([first, second], [changed]):
        items = [prepare(record, binder) for record in batch]
        assert {item.bound for item in items} == {"sqlite" if bound else None}
        with engine.begin() as conn:
            write_prepared(conn, items, NOW)
    engine.dispose()
    return stored(tmp_path / f"{name}.db")


def test_the_driver_writer_stores_what_sqlalchemy_core_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr("threadline.store.records.writer_for", CoreWriter)
        core = written(tmp_path, "core")
    assert all(core[table] for table in TABLES)  # every table has rows to compare
    assert written(tmp_path, "plain") == core  # bound by the writer
    assert written(tmp_path, "bound", bound=True) == core  # bound beforehand, as workers do


def test_sqlite_gets_the_driver_writer(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/w.db")
    with engine.connect() as conn:
        assert isinstance(writer_for(conn), DriverWriter)
