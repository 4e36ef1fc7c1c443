"""Writing records as the store held them before migration 0010: a column per identifier kind.

Current code writes ``mention_features.identifiers``; a store at 0009 or older has ``phones``,
``emails``, ``accounts`` and ``vehicles`` instead. These helpers write a record's rows in that
older shape (through the current record preparation, identifiers unfolded into the old columns),
so a test can build a store "written by the previous head" and upgrade it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, column, insert, table

from threadline.model import parse_record
from threadline.store import tables as t
from threadline.store.records import RECORD_TABLES, ChildRows, prepare, record_columns
from threadline.store.rows import columns_of
from threadline.store.types import Document

NOW = datetime(2026, 3, 1, tzinfo=UTC)
#: The kind columns up to 0009 and the kind each held.
OLD_COLUMNS = {"phones": "phone", "emails": "email", "accounts": "account", "vehicles": "vehicle"}


def _old_features(row: dict[str, Any]) -> dict[str, Any]:
    ids = row.pop("identifiers") or {}
    return {**row, **{c: list(ids.get(kind) or []) for c, kind in OLD_COLUMNS.items()}}


#: Record columns added by later migrations (0017, 0021: the facts kept for the owed list), which a
#: store at 0009 does not have.
ADDED_SINCE = frozenset({"stalking_signs", "grade", "yes_count", "first_dash_at"})


def write_as_before_0010(engine: Engine, document: dict[str, Any]) -> str:
    """Store one record (an import-format document) as a store at 0009 held it; its key."""
    record = parse_record(document)
    prepared = prepare(record)
    record_table = RECORD_TABLES[prepared.kind]
    with engine.begin() as conn:
        values = dict(zip(record_columns(record_table), prepared.row, strict=True))
        values = {k: v for k, v in values.items() if k not in ADDED_SINCE}
        conn.execute(insert(record_table).values(**values, created_at=NOW, updated_at=NOW))
        for (child, _), rows in zip(ChildRows().tables(), prepared.children, strict=True):
            for row in rows:
                named = dict(zip(columns_of(child), row, strict=True))
                if child is t.mention_features:
                    _insert_old_features(conn, _old_features(named))
                else:
                    conn.execute(insert(child).values(**named))
    return prepared.key


def _insert_old_features(conn: Connection, row: dict[str, Any]) -> None:
    now = t.mention_features.c
    old = table(
        "mention_features",
        *(column(name, now[name].type if name in now else Document) for name in row),
    )
    conn.execute(insert(old).values(**row))
