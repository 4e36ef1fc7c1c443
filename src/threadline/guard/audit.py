"""The audit log: who consulted, disclosed, changed or combined which records, when, why and from
where.

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
* a field of the wrong type (``records`` that is not a list of text, a ``detail`` that is not an
  object, a time that is not a time): every field is parsed strictly, and a row that does not
  parse is a finding ("records is an object, not a list of text"), never read as something else;
* a deleted tail, a deleted log, a log re-chained from some row on (every hash recomputed), or a
  tail cut and new rows appended: none of these can be seen from the chain alone. They are seen
  against an **anchor** (:class:`Anchor`: the row count, the last row's hash and its time) kept
  where the database administrator cannot write: ``threadline audit head > FILE`` noted in a
  ticket or another system, and the anchors :class:`AnchorFile` appends to a file every
  ``every`` rows (``THREADLINE_AUDIT_ANCHOR_PATH``, or ``threadline audit anchor`` from cron).
  :func:`verify` then checks that each anchored row is still there with the same hash.

The hashed content is ``{"id", "at", "user", "role", "action", "records", "purpose", "detail",
"prev_hash"}``, plus ``"client"`` (the address the request came from) when the row has one, with
``at`` in UTC ISO 8601 with microseconds, serialised with sorted keys, no spaces and UTF-8
(``ensure_ascii=False``). Rows written before the client address was kept have none, so their
hash is what it always was; a client address removed from a row changes its content all the same.
``detail`` is passed through JSON before it is hashed and stored, so what is stored is exactly
what was hashed.

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
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    Text,
    cast,
    func,
    select,
    text,
    type_coerce,
)

from threadline.store.tables import audit_log
from threadline.store.writers import writer_for

GENESIS_HASH = "0" * 64
#: The action of an attempt that was turned away (not a policy action: nothing was done): a
#: request or command refused for want of a user, a permission or a purpose.
REFUSED = "access.refused"

#: The advisory lock key (any constant bigint, fixed so every process takes the same lock).
ADVISORY_LOCK_KEY = 7_206_515_282_736_121_345

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log. ``client`` is the address the request came from (``None`` for
    the command line, and for rows written before addresses were kept)."""

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
    client: str | None = None


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`: ``ok``, how many rows were read, the first bad one, and
    how many anchors the log was checked against."""

    ok: bool
    rows_checked: int
    first_bad_row_id: int | None
    reason: str
    anchors_checked: int = 0


@dataclass(frozen=True)
class Anchor:
    """The head of the log at some moment: its last row's id (ids run from 1, so it is also the
    row count), that row's hash and time. Noted outside the database, it detects a log that was
    cut, emptied or re-chained since."""

    id: int
    hash: str
    at: datetime | None = field(default=None, compare=False)

    @property
    def rows(self) -> int:
        return self.id

    def to_json(self) -> str:
        """One line of JSON: ``{"rows", "id", "hash", "at"}`` (what ``audit head`` prints)."""
        at = utc_iso(self.at) if self.at is not None else None
        return canonical_json({"rows": self.id, "id": self.id, "hash": self.hash, "at": at})


class MalformedAuditRow(ValueError):
    """A stored audit row with a field of the wrong type or form: a tamper, never a default."""

    def __init__(self, row_id: int, problem: str) -> None:
        self.row_id = row_id
        self.problem = problem
        super().__init__(f"audit row {row_id}: {problem} (tampered?)")


class AnchorError(ValueError):
    """A head or anchor file that cannot be read as one."""


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
    client: str | None = None,
) -> str:
    """The SHA-256 (hex) of a row's canonical content, including the previous row's hash."""
    content: dict[str, Any] = {
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
    if client is not None:
        content["client"] = client
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# --- anchors kept outside the store ---------------------------------------------------------


def parse_anchor(value: Any) -> Anchor:
    """An :class:`Anchor` from the JSON ``audit head`` prints; :class:`AnchorError` if it is not."""
    if not isinstance(value, dict):
        raise AnchorError("a head is a JSON object with rows, hash and at")
    rows, row_id, digest, at = (value.get(k) for k in ("rows", "id", "hash", "at"))
    row_id = rows if row_id is None else row_id
    if type(row_id) is not int or row_id < 0 or (rows is not None and rows != row_id):
        raise AnchorError("a head's rows (and id) must be one whole number, 0 or more")
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        raise AnchorError("a head's hash must be 64 hexadecimal digits")
    when = None
    if at is not None:
        try:
            when = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise AnchorError(f"a head's at must be an ISO 8601 time with its zone, not {at!r}")
    return Anchor(row_id, digest, when)


def read_anchors(text_: str) -> list[Anchor]:
    """Every anchor in ``text_``: one head (``audit head``'s output, or a JSON object over
    several lines) or an anchor file (one head per line)."""
    try:
        return [parse_anchor(json.loads(text_))]
    except json.JSONDecodeError:
        pass
    anchors = []
    for number, line in enumerate(text_.splitlines(), 1):
        if not line.strip():
            continue
        try:
            anchors.append(parse_anchor(json.loads(line)))
        except (json.JSONDecodeError, AnchorError) as error:
            raise AnchorError(f"line {number}: {error}") from None
    if not anchors:
        raise AnchorError("no head in it (write one with: threadline audit head > FILE)")
    return anchors


def load_anchors(path: Path) -> list[Anchor]:
    """The anchors of a head or anchor file; none if the file does not exist yet."""
    if not path.exists():
        return []
    return read_anchors(path.read_text(encoding="utf-8"))


class AnchorFile:
    """A file outside the store that anchors are appended to, one JSON line each (fsynced).

    :func:`record` notes the committed head here once ``every`` rows have been appended since
    the last anchor this process noted or found in the file; ``threadline audit anchor`` (from
    cron) notes one whenever it runs. Keep the file where the database's administrator cannot
    write (another host's mount, a write-once bucket, a syslog forwarder's spool).
    """

    def __init__(self, path: Path, every: int = 1000) -> None:
        if every < 1:
            raise ValueError("anchor every 1 row or more")
        self.path = Path(path)
        self.every = every
        self._noted: int | None = None
        self._lock = threading.Lock()

    def _last_noted(self) -> int:
        if self._noted is None:
            anchors = load_anchors(self.path)
            self._noted = max((a.id for a in anchors), default=0)
        return self._noted

    def due(self, row_id: int) -> bool:
        """Whether ``row_id`` is ``every`` rows or more past the last anchor."""
        with self._lock:
            return row_id >= self._last_noted() + self.every

    def note(self, anchor: Anchor) -> None:
        """Append ``anchor`` and wait until it is on disk."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = (anchor.to_json() + "\n").encode("utf-8")
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._noted = max(anchor.id, self._noted or 0)


# --- writing ----------------------------------------------------------------------------------


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


_OWN_ROWS = "threadline.audit.rows_of_transaction"


def _rows_of_this_transaction(conn: Connection) -> set[int]:
    """The audit rows ``conn``'s current transaction wrote: not committed yet, so not to anchor."""
    transaction = conn.get_transaction()
    held = conn.info.get(_OWN_ROWS)
    if held is None or held[0] is not transaction:
        held = conn.info[_OWN_ROWS] = (transaction, set())
    rows: set[int] = held[1]
    return rows


def record(
    conn: Connection,
    user: str,
    role: str,
    action: str,
    records: Sequence[str],
    purpose: str | None,
    detail: dict[str, Any] | None,
    now: datetime,
    *,
    client: str | None = None,
    anchors: AnchorFile | None = None,
) -> AuditEntry:
    """Append one row in the caller's transaction and return it.

    Write the audit row in the same transaction as the change it describes, so that neither
    is stored without the other. ``records`` are the keys of the records or entities touched
    (``incident:cad:INC-1``, ``person:P-12``); ``purpose`` is the reason the user gave;
    ``client`` the address the request came from. With ``anchors``, the committed head is noted
    there when it is due (the row before this one, once no writer can still roll it back).
    """
    if not action:
        raise ValueError("an audit row needs an action")
    at = datetime.fromisoformat(utc_iso(now))
    clean_records = [str(r) for r in records]
    clean_detail = json.loads(canonical_json(detail)) if detail is not None else None
    _lock_chain(conn)
    own = _rows_of_this_transaction(conn)
    last = conn.execute(_last_row()).first()
    if anchors is not None and last is not None and last.id not in own and anchors.due(last.id):
        anchors.note(Anchor(last.id, last.hash, _stored_time(last.at)))
    row_id = (last.id + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    content: dict[str, Any] = {
        "id": row_id,
        "at": at,
        "user": user,
        "role": role,
        "action": action,
        "records": clean_records,
        "purpose": purpose,
        "detail": clean_detail,
        "prev_hash": prev_hash,
        "client": client,
    }
    entry = AuditEntry(**content, hash=row_hash(**content))
    row = entry.__dict__
    writer_for(conn).insert(audit_log, tuple(row), [tuple(row.values())], None)
    own.add(row_id)
    return entry


@cache
def _last_row() -> Select[Any]:
    at = type_coerce(audit_log.c.at, String).label("at")  # as stored: see _stored_time
    return select(audit_log.c.id, audit_log.c.hash, at).order_by(audit_log.c.id.desc()).limit(1)


def _stored_time(value: Any) -> datetime | None:
    """The time of a row as stored (naive UTC text on SQLite), or ``None`` if it is not one."""
    try:
        return _time(0, value)
    except MalformedAuditRow:
        return None


def write_anchor(engine: Engine, anchors: AnchorFile) -> Anchor | None:
    """Note the committed head in ``anchors`` now (``threadline audit anchor``, for cron)."""
    now_head = head(engine)
    if now_head is not None:
        anchors.note(now_head)
    return now_head


# --- reading, strictly ------------------------------------------------------------------------


def _raw_select(conn: Connection) -> Select[Any]:
    """Every column as stored, before any type's own parsing: documents as their JSON text, and
    on SQLite (which keeps any value in any column) the time as what is there."""
    columns: list[Any] = []
    for column in audit_log.c:
        if column.name in ("records", "detail"):
            columns.append(cast(column, Text).label(column.name))
        elif column.name == "at" and conn.dialect.name == "sqlite":
            columns.append(type_coerce(column, String).label(column.name))
        else:
            columns.append(column)
    return select(*columns)


def _type_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _document(row_id: int, name: str, raw: Any) -> Any:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise MalformedAuditRow(row_id, f"{name} is not JSON text")

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    try:
        return json.loads(raw, parse_constant=refuse)
    except (ValueError, RecursionError):
        raise MalformedAuditRow(row_id, f"{name} is not valid JSON") from None


def _time(row_id: int, raw: Any) -> datetime:
    if isinstance(raw, datetime):
        when = raw
    elif isinstance(raw, str):
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            raise MalformedAuditRow(row_id, f"at is {raw[:40]!r}, not a time") from None
    else:
        raise MalformedAuditRow(row_id, f"at is {_type_name(raw)}, not a time")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _text(row_id: int, name: str, raw: Any, *, optional: bool = False) -> Any:
    if raw is None and optional:
        return None
    if not isinstance(raw, str):
        raise MalformedAuditRow(row_id, f"{name} is {_type_name(raw)}, not text")
    return raw


def parse_row(values: Any) -> AuditEntry:
    """An :class:`AuditEntry` from a row as :func:`_raw_select` reads it; every field checked.

    Raises :class:`MalformedAuditRow` naming the field of the wrong type or form.
    """
    row_id = values["id"]
    if type(row_id) is not int:
        raise MalformedAuditRow(-1, f"id is {_type_name(row_id)}, not a whole number")
    records = _document(row_id, "records", values["records"])
    if not isinstance(records, list):
        raise MalformedAuditRow(row_id, f"records is {_type_name(records)}, not a list of text")
    if not all(isinstance(r, str) for r in records):
        raise MalformedAuditRow(row_id, "records is a list holding something other than text")
    detail = _document(row_id, "detail", values["detail"])
    if detail is not None and not isinstance(detail, dict):
        raise MalformedAuditRow(row_id, f"detail is {_type_name(detail)}, not an object")
    hashes = {}
    for name in ("prev_hash", "hash"):
        value = _text(row_id, name, values[name])
        if not _HEX64.fullmatch(value):
            raise MalformedAuditRow(row_id, f"{name} is not 64 hexadecimal digits")
        hashes[name] = value
    return AuditEntry(
        id=row_id,
        at=_time(row_id, values["at"]),
        user=_text(row_id, "user", values["user"]),
        role=_text(row_id, "role", values["role"]),
        action=_text(row_id, "action", values["action"]),
        records=records,
        purpose=_text(row_id, "purpose", values["purpose"], optional=True),
        detail=detail,
        prev_hash=hashes["prev_hash"],
        hash=hashes["hash"],
        client=_text(row_id, "client", values["client"], optional=True),
    )


def _rows(conn: Connection, query: Select[Any]) -> Iterator[Any]:
    yield from conn.execution_options(yield_per=1000).execute(query).mappings()


#: What a row's hash covers: every field of :class:`AuditEntry` but the hash itself.
_HASHED_FIELDS = tuple(f.name for f in fields(AuditEntry) if f.name != "hash")


def _recomputed(entry: AuditEntry) -> str:
    """The hash ``entry`` should have, computed as :func:`record` computed it."""
    return row_hash(**{name: getattr(entry, name) for name in _HASHED_FIELDS})


@dataclass
class _Walk:
    """Where :func:`verify` has got to."""

    checked: int = 0
    previous: AuditEntry | None = None
    anchored: dict[int, Anchor] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)


def _anchor_list(anchor: Anchor | Iterable[Anchor] | None) -> list[Anchor]:
    if anchor is None:
        return []
    if isinstance(anchor, Anchor):
        return [anchor]
    return list(anchor)


def _check_row(walk: _Walk, entry: AuditEntry) -> str | None:
    """Why ``entry`` does not fit after ``walk.previous``, or ``None``."""
    previous = walk.previous
    expected_id = previous.id + 1 if previous else 1
    if entry.id != expected_id:
        missing = (
            f"row {expected_id}"
            if entry.id == expected_id + 1
            else f"rows {expected_id}-{entry.id - 1}"
        )
        return f"audit row {entry.id}: {missing} missing (deleted?)"
    expected_prev = previous.hash if previous else GENESIS_HASH
    if entry.prev_hash != expected_prev:
        after = f"row {previous.id}" if previous else "the start of the log"
        return f"audit row {entry.id}: prev_hash does not match {after}"
    if _recomputed(entry) != entry.hash:
        return f"audit row {entry.id}: hash does not match its content (edited?)"
    noted = walk.anchored.get(entry.id)
    if noted is not None:
        if entry.hash != noted.hash or (noted.at is not None and noted.at != entry.at):
            return (
                f"audit row {entry.id}: hash differs from the anchor noted earlier "
                "(log rewritten or re-chained from here?)"
            )
        walk.seen.add(entry.id)
    return None


def verify(engine: Engine, anchor: Anchor | Iterable[Anchor] | None = None) -> VerifyResult:
    """Recompute the whole chain; name the first row that does not fit, and why.

    Checks, row by row in id order: every field has its type (:func:`parse_row`); ids run 1, 2,
    3... with no gap (a gap means deleted rows); ``prev_hash`` equals the previous row's hash (64
    zeros for row 1); ``hash`` equals the hash of the row's content. With ``anchor`` (one
    :class:`Anchor` or several, e.g. :func:`load_anchors` of an anchor file), each anchored row
    must still exist with that hash and time: a log cut, emptied or re-chained since fails.
    """
    anchors = _anchor_list(anchor)
    walk = _Walk(anchored={a.id: a for a in anchors if a.id > 0})
    for a in anchors:
        clash = walk.anchored.get(a.id)
        if clash is not None and clash.hash != a.hash:
            return VerifyResult(
                False, 0, a.id, f"two anchors of row {a.id} disagree: one of them is not genuine"
            )
    with engine.connect() as conn:
        for values in _rows(conn, _raw_select(conn).order_by(audit_log.c.id)):
            walk.checked += 1
            try:
                entry = parse_row(values)
            except MalformedAuditRow as error:
                return VerifyResult(False, walk.checked, error.row_id, str(error), len(walk.seen))
            problem = _check_row(walk, entry)
            if problem is not None:
                return VerifyResult(False, walk.checked, entry.id, problem, len(walk.seen))
            walk.previous = entry
    missing = sorted(set(walk.anchored) - walk.seen)
    if missing:
        last = walk.previous.id if walk.previous else 0
        return VerifyResult(
            False,
            walk.checked,
            missing[0],
            f"audit row {missing[0]}: the anchored row is gone (log truncated?): the anchor "
            f"noted {max(walk.anchored)} rows, the log has {last}",
            len(walk.seen),
        )
    with_anchors = f", matching {len(anchors)} anchor(s)" if anchors else ""
    if walk.checked == 0:
        return VerifyResult(True, 0, None, f"the audit log is empty{with_anchors}", len(anchors))
    return VerifyResult(
        True,
        walk.checked,
        None,
        f"{walk.checked} audit rows, chain intact{with_anchors}",
        len(anchors),
    )


def head(engine: Engine) -> Anchor | None:
    """The newest row's id, hash and time, to note outside the database (see :func:`verify`)."""
    with engine.connect() as conn:
        last = conn.execute(_last_row()).first()
    return Anchor(last.id, last.hash, _stored_time(last.at)) if last else None


def read_log(
    engine: Engine,
    since: datetime | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    *,
    until: datetime | None = None,
    record: str | None = None,
    purpose: str | None = None,
) -> list[AuditEntry]:
    """Rows newest first, at or after ``since`` and before ``until``, by ``user``, of
    ``action``, naming ``record`` (``person:P0000123``, ``incident:INC-1``: one of the row's
    records exactly) and with ``purpose`` in its purpose (any case), each if given.

    Raises :class:`MalformedAuditRow` for a row with a field of the wrong type (run
    :func:`verify`): a tampered row is never shown as something it is not.
    """
    with engine.connect() as conn:
        query = _raw_select(conn).order_by(audit_log.c.id.desc()).limit(max(1, limit))
        if since is not None:
            query = query.where(audit_log.c.at >= since)
        if until is not None:
            query = query.where(audit_log.c.at < until)
        if user is not None:
            query = query.where(audit_log.c.user == user)
        if action is not None:
            query = query.where(audit_log.c.action == action)
        if record is not None:
            # the record as one JSON string, as the stored list writes it (non-ASCII unescaped,
            # in the store's JSON text on SQLite and in jsonb's text on PostgreSQL)
            named = _like_escaped(json.dumps(record, ensure_ascii=False))
            query = query.where(cast(audit_log.c.records, Text).like(f"%{named}%", escape="\\"))
        if purpose is not None:
            words = _like_escaped(purpose.lower())
            query = query.where(func.lower(audit_log.c.purpose).like(f"%{words}%", escape="\\"))
        return [parse_row(values) for values in _rows(conn, query)]


def _like_escaped(text_: str) -> str:
    """``text_`` matched as itself in a LIKE pattern (``\\`` escapes ``%``, ``_`` and itself)."""
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
