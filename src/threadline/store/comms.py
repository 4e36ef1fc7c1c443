"""Storing communications evidence and reading it back for the counts.

:func:`store_communications` inserts a batch of :class:`~threadline.model.comms.Communication`
attached to one incident or victim, ignoring any already stored there with the same
``content_hash`` (``INSERT OR IGNORE`` on SQLite, ``ON CONFLICT DO NOTHING`` on PostgreSQL), so the
file and line kept are those of the first import. It runs in the caller's transaction: the
importer commits one per batch. :func:`contacts_of` reads the stored rows as
:class:`~threadline.recognise.contacts.Contact` values.

**Counts.** In the same transaction, :func:`store_communications` adds the rows it actually
inserted to ``communication_counts`` (per attachment, UTC hour, channel, kind, direction and
sender; migration 0013), so a victim's picture reads a few thousand counts rather than 100,000
messages (issue 25 part 5). A message already stored under the attachment, or twice in one batch,
is neither inserted nor counted: a re-import or the rest of an interrupted one adds nothing twice.
:func:`hourly_counts` and :func:`daily_contacts` read them back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from threadline.model.base import FORCE_TIMEZONE
from threadline.model.comms import CommsKind, Communication, Direction
from threadline.recognise.contact_counts import ContactCount
from threadline.recognise.contacts import Contact
from threadline.store import tables as t
from threadline.store.rows import Binder, columns_of
from threadline.store.writers import binder_for

__all__ = [
    "CountsOverlap",
    "contacts_between",
    "contacts_of",
    "count_stored",
    "daily_contacts",
    "hourly_counts",
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


class StoreConflict(RuntimeError):
    """Rows appeared under the attachment while a batch was being stored (the write lock should
    make this impossible): the batch is rolled back rather than counted wrongly."""


def _first_of_each(communications: Sequence[Communication]) -> list[Communication]:
    """The batch without repeats of a content hash, each first occurrence kept (its file and
    line are the ones stored)."""
    seen: set[str] = set()
    unique = []
    for c in communications:
        if c.content_hash not in seen:
            seen.add(c.content_hash)
            unique.append(c)
    return unique


@cache
def _hashes_between_query() -> Select[Any]:
    c = t.communications.c
    return select(c.content_hash).where(
        c.attachment == bindparam("b_attachment"),
        c.at >= bindparam("b_first", type_=c.at.type),
        c.at <= bindparam("b_last", type_=c.at.type),
    )


def _stored_hashes(conn: Connection, attachment: str, batch: Sequence[Communication]) -> set[str]:
    """Which of ``batch`` are stored under ``attachment`` already. One index range read over the
    batch's times: a batch of a file read in time order meets nothing on a first import."""
    times = [c.timestamp for c in batch]
    params = {"b_attachment": attachment, "b_first": min(times), "b_last": max(times)}
    return set(conn.execute(_hashes_between_query(), params).scalars())


#: SQLite's text form of a time stamp, as SQLAlchemy's DateTime writes it there.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _sqlite_rows(
    binder: Binder, attachment: str, import_id: int, batch: Sequence[Communication]
) -> list[tuple[Any, ...]]:
    """:func:`_row` of each of ``batch`` bound for SQLite: what ``binder.bind_all`` gives
    (``tests/store/test_comms_counts.py`` holds them equal), three times faster. The time is
    written in SQLite's text form directly and an empty list as ``[]``; a list with something
    in it goes through the JSON column's own processor."""
    document = binder.value
    table = t.communications
    rows = []
    for c in batch:
        if c.timestamp.year < 1000:  # pragma: no cover - strftime pads no year below 1000
            rows.append(binder.bind(table, _row(attachment, import_id, c), _COLUMNS))
            continue
        rows.append(
            (
                attachment,
                c.content_hash,
                c.timestamp.strftime(_SQLITE_TIME),
                c.channel.value,
                c.kind.value,
                c.sender,
                None if c.direction is None else c.direction.value,
                c.duration,
                c.text,
                c.thread,
                document(table, "recipients", list(c.recipients)) if c.recipients else "[]",
                document(table, "attachments", list(c.attachments)) if c.attachments else "[]",
                c.file,
                c.line,
                import_id,
            )
        )
    return rows


def store_communications(
    conn: Connection, attachment: str, import_id: int, communications: Sequence[Communication]
) -> int:
    """Insert ``communications`` under ``attachment`` unless already there, and count the ones
    inserted (``communication_counts``); how many were new. Run it in a write transaction
    (:func:`threadline.store.database.writing`): the messages and their counts commit together."""
    if not communications:
        return 0
    unique = _first_of_each(communications)
    binder = binder_for(conn.dialect)
    if binder is not None:  # SQLite: bound rows straight to the driver's executemany
        stored = _stored_hashes(conn, attachment, unique)
        inserted = [c for c in unique if c.content_hash not in stored]
        if not inserted:
            return 0
        quote = conn.dialect.identifier_preparer.quote_identifier
        names = ", ".join(quote(name) for name in _COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        sql = f"INSERT OR IGNORE INTO communications ({names}) VALUES ({marks})"
        result = conn.exec_driver_sql(sql, _sqlite_rows(binder, attachment, import_id, inserted))
        if result.rowcount != len(inserted):
            raise StoreConflict(
                f"{attachment}: {len(inserted)} new messages but {result.rowcount} inserted"
            )
    elif conn.dialect.name == "postgresql":
        statement = (
            postgresql.insert(t.communications)
            .on_conflict_do_nothing(index_elements=["attachment", "content_hash"])
            .returning(t.communications.c.content_hash)
        )
        rows = [_row(attachment, import_id, c) for c in unique]
        params = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
        new = set(conn.execute(statement, params).scalars())
        inserted = [c for c in unique if c.content_hash in new]
    else:  # pragma: no cover - the store runs on SQLite and PostgreSQL only
        raise ValueError(f"communications cannot be stored on {conn.dialect.name}")
    _add_counts(conn, attachment, inserted)
    return len(inserted)


# --- the counts -------------------------------------------------------------------------------

_COUNT_KEY = ("attachment", "hour", "channel", "kind", "direction", "sender")


def _add_counts(conn: Connection, attachment: str, inserted: Sequence[Communication]) -> None:
    """Add ``inserted`` (rows just inserted, each once) to the stored counts."""
    if not inserted:
        return
    tally: Counter[tuple[datetime, str, str, str, str]] = Counter(
        (
            c.timestamp.replace(minute=0, second=0, microsecond=0),
            c.channel.value,
            c.kind.value,
            "" if c.direction is None else c.direction.value,
            c.sender or "",
        )
        for c in inserted
    )
    rows = [
        dict(zip(_COUNT_KEY, (attachment, *key), strict=True), count=n) for key, n in tally.items()
    ]
    table = t.communication_counts
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(_COUNT_KEY),
        set_={"count": table.c.count + statement.excluded["count"]},
    )
    conn.execute(statement, rows)


class CountsOverlap(LookupError):
    """The same message is stored under two of the attachments read together: their counts
    cannot be summed (the caller counts the messages themselves, each once)."""


@cache
def _overlap_query() -> Select[Any]:
    a = t.communications.alias("a")
    b = t.communications.alias("b")
    keys: Any = bindparam("b_attachments", expanding=True)
    return (
        select(a.c.id)
        .join(b, and_(b.c.content_hash == a.c.content_hash, b.c.attachment > a.c.attachment))
        .where(a.c.attachment.in_(keys), b.c.attachment.in_(keys))
        .limit(1)
    )


@cache
def _counted_query() -> Select[Any]:
    k = t.communication_counts.c
    return (
        select(k.attachment)
        .where(k.attachment.in_(bindparam("b_attachments", expanding=True)))
        .group_by(k.attachment)
    )


@cache
def _hourly_query() -> Select[Any]:
    k = t.communication_counts.c
    return (
        select(k.hour, k.channel, k.kind, k.direction, k.sender, func.sum(k.count).label("n"))
        .where(k.attachment.in_(bindparam("b_attachments", expanding=True)))
        .group_by(k.hour, k.channel, k.kind, k.direction, k.sender)
        .order_by(k.hour)
    )


def hourly_counts(conn: Connection, attachments: Iterable[str]) -> list[ContactCount]:
    """The stored counts of everything under ``attachments`` per UTC hour, channel, kind,
    direction and sender, in time order. :class:`CountsOverlap` where a message is stored under
    two of them (counted once it would be, in the counts it would be twice)."""
    keys = sorted(set(attachments))
    if not keys:
        return []
    counted = conn.execute(_counted_query(), {"b_attachments": keys}).scalars().all()
    if len(counted) > 1 and conn.execute(_overlap_query(), {"b_attachments": counted}).first():
        raise CountsOverlap(f"a message is stored under more than one of {', '.join(counted)}")
    return [
        ContactCount(r.hour, r.channel, r.kind, r.direction or None, r.sender or None, int(r.n))
        for r in conn.execute(_hourly_query(), {"b_attachments": keys})
    ]


def daily_contacts(
    conn: Connection,
    attachments: Iterable[str],
    *,
    channel: str | None = None,
    sender: str | None = None,
    first: date | None = None,
    last: date | None = None,
    timezone: tzinfo = FORCE_TIMEZONE,
) -> dict[date, Counter[str]]:
    """Contacts (not the service's own lines, not the victim's own messages) per local day in
    ``timezone`` and channel, from the stored counts; only ``channel`` or ``sender`` if given,
    only the days ``first`` to ``last`` if given. Where the counts cannot answer (a message
    under two attachments, a zone whose offset is not whole hours) they are counted from the
    messages, each once."""
    try:
        counts = hourly_counts(conn, attachments)
    except CountsOverlap:
        counts = None
    if counts is not None and all(_whole_hours(c.hour, timezone) for c in counts[:1] + counts[-1:]):
        pairs = (
            (c.hour, c.channel, c.count)
            for c in counts
            if c.kind != CommsKind.system
            and c.direction != Direction.outgoing
            and (channel is None or c.channel == channel)
            and (sender is None or (c.sender or "") == sender)
        )
    else:
        pairs = (
            (c.at, c.channel, 1)
            for c in contacts_of(conn, attachments)
            if c.kind != CommsKind.system
            and c.direction != Direction.outgoing
            and (channel is None or c.channel == channel)
            and (sender is None or (c.sender or "") == sender)
        )
    days: dict[date, Counter[str]] = {}
    local_days: dict[datetime, date] = {}
    for at, on, n in pairs:
        day = local_days.get(at)
        if day is None:
            day = local_days[at] = at.astimezone(timezone).date()
        if (first is None or day >= first) and (last is None or day <= last):
            days.setdefault(day, Counter())[on] += n
    return dict(sorted(days.items()))


def _whole_hours(at: datetime, timezone: tzinfo) -> bool:
    offset = at.astimezone(timezone).utcoffset() or timedelta(0)
    return offset.total_seconds() % 3600 == 0


@cache
def _between_query() -> Select[Any]:
    c = t.communications.c
    return select(c.at, c.channel, c.kind, c.sender, c.direction, c.content_hash, c.file, c.line)


def contacts_between(
    conn: Connection, attachments: Iterable[str], spans: Sequence[tuple[datetime, datetime]]
) -> list[Contact]:
    """The communications stored under ``attachments`` with a time in any of ``spans`` (each
    ``[start, end)``), in time order, each message once (as :func:`contacts_of`)."""
    keys = sorted(set(attachments))
    if not keys or not spans:
        return []
    c = t.communications.c
    found: list[Contact] = []
    seen: set[str] = set()
    for start in range(0, len(spans), 200):  # a bounded number of parameters per statement
        chunk = spans[start : start + 200]
        query = (
            _between_query()
            .where(c.attachment.in_(keys), or_(*(and_(c.at >= a, c.at < b) for a, b in chunk)))
            .order_by(c.at, c.id)
        )
        for row in conn.execute(query):
            if row.content_hash not in seen:
                seen.add(row.content_hash)
                found.append(Contact(*row))
    found.sort(key=lambda contact: contact.at)
    return found


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
