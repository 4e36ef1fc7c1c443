"""Storing communications evidence and reading it back for the counts.

:func:`store_communications` inserts a batch of :class:`~threadline.model.comms.Communication`
attached to one incident or victim, ignoring any already stored there with the same
``content_hash`` (``INSERT OR IGNORE`` on SQLite, ``ON CONFLICT DO NOTHING`` on PostgreSQL), so the
file and line kept are those of the first import. It runs in the caller's transaction: the
importer commits one per batch. :func:`contacts_of` reads the stored rows as
:class:`~threadline.recognise.contacts.Contact` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select
from sqlalchemy.dialects import postgresql

from threadline.model.comms import Communication
from threadline.recognise.contacts import Contact
from threadline.store import tables as t
from threadline.store.rows import columns_of
from threadline.store.writers import binder_for

__all__ = [
    "contacts_of",
    "count_stored",
    "incident_attachment",
    "incident_key",
    "store_communications",
]

_COLUMNS = columns_of(t.communications)


def incident_attachment(record_key: str) -> str:
    """What communications attached to an incident are stored under: its record key."""
    if not record_key.startswith("incident:"):
        raise ValueError(f"{record_key}: not an incident's record key")
    return record_key


#: The order :func:`_row` writes values in (checked against the table below).
_ROW_ORDER = (
    "attachment",
    "content_hash",
    "at",
    "channel",
    "kind",
    "sender",
    "direction",
    "duration",
    "text",
    "thread",
    "recipients",
    "attachments",
    "file",
    "line",
    "import_id",
)
if _COLUMNS != _ROW_ORDER:  # pragma: no cover - a column added to the table and not here
    raise ImportError(f"communications columns {_COLUMNS} are not {_ROW_ORDER}")


def _row(attachment: str, import_id: int, c: Communication) -> tuple[Any, ...]:
    # a tuple built directly, not through a dict: this runs once per message of 100,000
    return (
        attachment,
        c.content_hash,
        c.timestamp,
        c.channel.value,
        c.kind.value,
        c.sender,
        None if c.direction is None else c.direction.value,
        c.duration,
        c.text,
        c.thread,
        list(c.recipients),
        list(c.attachments),
        c.file,
        c.line,
        import_id,
    )


def store_communications(
    conn: Connection, attachment: str, import_id: int, communications: Sequence[Communication]
) -> int:
    """Insert ``communications`` under ``attachment`` unless already there; how many were new."""
    if not communications:
        return 0
    rows = [_row(attachment, import_id, c) for c in communications]
    binder = binder_for(conn.dialect)
    if binder is not None:  # SQLite: bound rows straight to the driver's executemany
        quote = conn.dialect.identifier_preparer.quote_identifier
        names = ", ".join(quote(name) for name in _COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        sql = f"INSERT OR IGNORE INTO communications ({names}) VALUES ({marks})"
        result = conn.exec_driver_sql(sql, binder.bind_all(t.communications, rows, _COLUMNS))
        return int(result.rowcount)
    if conn.dialect.name == "postgresql":
        statement = (
            postgresql.insert(t.communications)
            .on_conflict_do_nothing(index_elements=["attachment", "content_hash"])
            .returning(t.communications.c.id)
        )
    else:  # pragma: no cover - the store runs on SQLite and PostgreSQL only
        raise ValueError(f"communications cannot be stored on {conn.dialect.name}")
    params = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
    return len(conn.execute(statement, params).all())


@cache
def _count_query() -> Select[Any]:
    c = t.communications.c
    return select(func.count()).where(c.attachment == bindparam("b_attachment"))


def _count(conn: Connection, attachment: str) -> int:
    return int(conn.execute(_count_query(), {"b_attachment": attachment}).scalar_one())


@cache
def _contacts_query() -> Select[Any]:
    c = t.communications.c
    return (
        select(c.at, c.channel, c.kind, c.sender, c.direction, c.content_hash, c.file, c.line)
        .where(c.attachment.in_(bindparam("b_attachments", expanding=True)))
        .order_by(c.at, c.id)
    )


def contacts_of(conn: Connection, attachments: Iterable[str]) -> list[Contact]:
    """Every communication stored under any of ``attachments``, in time order; a message stored
    under two of them (an incident and its victim) is counted once, by its content hash."""
    keys = sorted(set(attachments))
    if not keys:
        return []
    seen: set[str] = set()
    found = []
    for row in conn.execute(_contacts_query(), {"b_attachments": keys}):
        if row.content_hash in seen:
            continue
        seen.add(row.content_hash)
        found.append(Contact(*row))
    return found


def count_stored(conn: Connection, attachment: str) -> int:
    """How many communications are stored under ``attachment``."""
    return _count(conn, attachment)


def incident_key(conn: Connection, ref: str) -> str | None:
    """The record key of the stored incident ``ref`` (the first by id if two sources share it),
    or ``None``."""
    i = t.incidents
    row = conn.execute(select(i.c.record_key).where(i.c.ref == ref).order_by(i.c.id)).first()
    return None if row is None else str(row.record_key)
