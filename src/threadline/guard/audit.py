"""The audit log: who consulted, disclosed, changed or combined which records, when and why.

The Data Protection Act 2018 Part 3 (s62) asks for logs of collection, alteration, consultation,
disclosure, combination and erasure that make it possible to establish when, by whom and why.
Rows are only ever appended (:func:`record`), and each row's ``hash`` is the SHA-256 of a
canonical JSON of its own content and the previous row's hash (``prev_hash``; 64 zeros for the
first row). Anyone who edits a row must recompute its hash and every hash after it, so
:func:`verify` finds:

* an edited row: its hash no longer matches its content ("hash does not match its content");
* an edited ``prev_hash``, or an edited row whose hash was recomputed: the next link breaks
  ("prev_hash does not match row 17");
* a deleted row in the middle or at the start: ids are allocated here, consecutively from 1, so a
  gap names the missing ids even if the attacker re-chained the rows after it;
* a deleted or rewritten tail cannot be seen from the chain alone. Note :func:`head` somewhere
  the database administrator cannot write (a ticket, a printed report, another system) and pass
  it back as ``anchor``: verify then checks that row is still there with the same hash.

The hashed content is ``{"id", "at", "user", "role", "action", "records", "purpose", "detail",
"prev_hash"}`` with ``at`` in UTC ISO 8601 with microseconds, serialised with sorted keys, no
spaces and UTF-8 (``ensure_ascii=False``). ``detail`` is passed through JSON before it is hashed
and stored, so what is stored is exactly what was hashed.

Concurrency: two writers must not both chain onto the same row. On PostgreSQL :func:`record`
takes a transaction-level advisory lock (``pg_advisory_xact_lock``) held until the caller's
transaction ends; on SQLite it opens the transaction with ``BEGIN IMMEDIATE`` (or relies on the
write lock the caller's transaction already holds), which serialises writers. Should a writer
get past both, the chain still cannot fork: each row's id is the previous id plus one, so the
second writer's insert fails on the primary key instead of storing a second successor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, Select, select, text

from threadline.store.queries import fetch
from threadline.store.tables import audit_log
from threadline.store.writers import writer_for

GENESIS_HASH = "0" * 64

#: The advisory lock key (any constant bigint, fixed so every process takes the same lock).
ADVISORY_LOCK_KEY = 7_206_515_282_736_121_345


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log."""

    id: int
    at: datetime
    user: str
    role: str
    action: str
    records: list[str]
    purpose: str | None
    detail: dict[str, Any] | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`: ``ok``, how many rows were read, and the first bad one."""

    ok: bool
    rows_checked: int
    first_bad_row_id: int | None
    reason: str


@dataclass(frozen=True)
class Anchor:
    """A row id and its hash, noted outside the database to detect a truncated tail."""

    id: int
    hash: str


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same value always gives the same string."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utc_iso(at: datetime) -> str:
    """``at`` in UTC as ISO 8601 with microseconds; a naive time is refused."""
    if at.tzinfo is None:
        raise ValueError(f"audit time {at!r} has no time zone")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def row_hash(
    *,
    id: int,
    at: datetime,
    user: str,
    role: str,
    action: str,
    records: Sequence[str],
    purpose: str | None,
    detail: dict[str, Any] | None,
    prev_hash: str,
) -> str:
    """The SHA-256 (hex) of a row's canonical content, including the previous row's hash."""
    content = {
        "id": id,
        "at": utc_iso(at),
        "user": user,
        "role": role,
        "action": action,
        "records": list(records),
        "purpose": purpose,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _lock_chain(conn: Connection) -> None:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif dialect == "sqlite":
        driver = conn.connection.driver_connection
        if driver is not None and not getattr(driver, "in_transaction", True):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(
            select(audit_log.c.id).order_by(audit_log.c.id.desc()).limit(1).with_for_update()
        )


def record(
    conn: Connection,
    user: str,
    role: str,
    action: str,
    records: Sequence[str],
    purpose: str | None,
    detail: dict[str, Any] | None,
    now: datetime,
) -> AuditEntry:
    """Append one row in the caller's transaction and return it.

    Write the audit row in the same transaction as the change it describes, so that neither
    is stored without the other. ``records`` are the keys of the records or entities touched
    (``incident:cad:INC-1``, ``person:P-12``); ``purpose`` is the reason the user gave.
    """
    if not action:
        raise ValueError("an audit row needs an action")
    at = datetime.fromisoformat(utc_iso(now))
    clean_records = [str(r) for r in records]
    clean_detail = json.loads(canonical_json(detail)) if detail is not None else None
    _lock_chain(conn)
    last = fetch(conn, _last_row()).first()
    row_id = (last.id + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    digest = row_hash(
        id=row_id,
        at=at,
        user=user,
        role=role,
        action=action,
        records=clean_records,
        purpose=purpose,
        detail=clean_detail,
        prev_hash=prev_hash,
    )
    entry = AuditEntry(
        id=row_id,
        at=at,
        user=user,
        role=role,
        action=action,
        records=clean_records,
        purpose=purpose,
        detail=clean_detail,
        prev_hash=prev_hash,
        hash=digest,
    )
    row = entry.__dict__
    writer_for(conn).insert(audit_log, tuple(row), [tuple(row.values())], None)
    return entry


@cache
def _last_row() -> Select[Any]:
    return select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)


def _entries(conn: Connection) -> Iterator[AuditEntry]:
    result = conn.execution_options(yield_per=1000).execute(
        select(audit_log).order_by(audit_log.c.id)
    )
    for row in result:
        yield AuditEntry(**row._mapping)


def _recomputed(entry: AuditEntry) -> str:
    return row_hash(
        id=entry.id,
        at=entry.at,
        user=entry.user,
        role=entry.role,
        action=entry.action,
        records=entry.records if isinstance(entry.records, list) else [],
        purpose=entry.purpose,
        detail=entry.detail,
        prev_hash=entry.prev_hash,
    )


def verify(engine: Engine, anchor: Anchor | None = None) -> VerifyResult:
    """Recompute the whole chain; name the first row that does not fit, and why.

    Checks, row by row in id order: ids run 1, 2, 3... with no gap (a gap means deleted rows);
    ``prev_hash`` equals the previous row's hash (64 zeros for row 1); ``hash`` equals the hash
    of the row's content. With ``anchor``, the anchored row must still exist with that hash.
    """
    checked = 0
    previous: AuditEntry | None = None
    anchor_seen = anchor is None
    with engine.connect() as conn:
        for entry in _entries(conn):
            checked += 1
            expected_id = previous.id + 1 if previous else 1
            if entry.id != expected_id:
                missing = (
                    f"row {expected_id}"
                    if entry.id == expected_id + 1
                    else f"rows {expected_id}-{entry.id - 1}"
                )
                return VerifyResult(
                    False, checked, entry.id, f"audit row {entry.id}: {missing} missing (deleted?)"
                )
            expected_prev = previous.hash if previous else GENESIS_HASH
            if entry.prev_hash != expected_prev:
                after = f"row {previous.id}" if previous else "the start of the log"
                return VerifyResult(
                    False,
                    checked,
                    entry.id,
                    f"audit row {entry.id}: prev_hash does not match {after}",
                )
            if _recomputed(entry) != entry.hash:
                return VerifyResult(
                    False,
                    checked,
                    entry.id,
                    f"audit row {entry.id}: hash does not match its content (edited?)",
                )
            if anchor is not None and entry.id == anchor.id:
                if entry.hash != anchor.hash:
                    return VerifyResult(
                        False,
                        checked,
                        entry.id,
                        f"audit row {entry.id}: hash differs from the anchor noted earlier "
                        "(log rewritten from here?)",
                    )
                anchor_seen = True
            previous = entry
    if not anchor_seen:
        assert anchor is not None
        return VerifyResult(
            False,
            checked,
            anchor.id,
            f"audit row {anchor.id}: the anchored row is gone (log truncated?)",
        )
    if checked == 0:
        return VerifyResult(True, 0, None, "the audit log is empty")
    return VerifyResult(True, checked, None, f"{checked} audit rows, chain intact")


def head(engine: Engine) -> Anchor | None:
    """The newest row's id and hash, to note outside the database (see :func:`verify`)."""
    with engine.connect() as conn:
        last = conn.execute(
            select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
    return Anchor(last.id, last.hash) if last else None


def read_log(
    engine: Engine,
    since: datetime | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Rows newest first, at or after ``since``, by ``user`` and of ``action`` if given."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, limit))
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if user is not None:
        query = query.where(audit_log.c.user == user)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    with engine.connect() as conn:
        return [AuditEntry(**row._mapping) for row in conn.execute(query)]
