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
:func:`daily_counts`, :func:`sender_counts`, :func:`busy_hours` and :func:`daily_contacts` read
them back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, astuple, dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Date, Select, and_, bindparam, case, func, select
from sqlalchemy.dialects import postgresql

from threadline.model.comms import CommsKind, Communication, Direction
from threadline.recognise.contact_counts import DayCount, burst_reach
from threadline.recognise.contacts import (
    DEFAULT_SETTINGS,
    SILENT_OR_WITHHELD,
    Contact,
    ContactSettings,
    contacts_only,
    is_night,
)
from threadline.store import tables as t
from threadline.store.rows import Binder, columns_of
from threadline.store.writers import binder_for

__all__ = [
    "COUNTED_IN",
    "CountedIn",
    "ContactFilter",
    "CountsOverlap",
    "MessageQuery",
    "StoreConflict",
    "busy_hours",
    "check_counts_add_up",
    "contacts_between",
    "contacts_of",
    "count_stored",
    "daily_contacts",
    "daily_counts",
    "sender_counts",
    "incident_attachment",
    "incident_key",
    "list_communications",
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
    return _row_as(attachment, import_id, c, c.timestamp, list(c.recipients), list(c.attachments))


def _row_as(
    attachment: str, import_id: int, c: Communication, at: Any, recipients: Any, attachments: Any
) -> tuple[Any, ...]:
    """:func:`_row` with its time and its two lists as given (plain, or bound for a driver)."""
    # a tuple built directly, not through a dict: this runs once per message of 100,000
    return (
        attachment,
        c.content_hash,
        at,
        c.channel.value,
        c.kind.value,
        c.sender,
        None if c.direction is None else c.direction.value,
        c.duration,
        c.text,
        c.thread,
        recipients,
        attachments,
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
            _row_as(
                attachment,
                import_id,
                c,
                c.timestamp.strftime(_SQLITE_TIME),
                document(table, "recipients", list(c.recipients)) if c.recipients else "[]",
                document(table, "attachments", list(c.attachments)) if c.attachments else "[]",
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


@dataclass(frozen=True)
class CountedIn:
    """The zone and night hours in which each counted hour's ``day`` and ``night`` are stored
    (the force's, :data:`threadline.recognise.contacts.DEFAULT_SETTINGS`)."""

    settings: ContactSettings

    def day(self, hour_start: datetime) -> date:
        return hour_start.astimezone(self.settings.timezone).date()

    def night(self, hour_start: datetime) -> bool:
        return is_night(hour_start, self.settings)

    def answers(self, settings: ContactSettings) -> bool:
        """Whether the stored days and nights are those of ``settings`` (and whole hours: an
        hour is all at night or none of it, all on one local day)."""
        mine, theirs = self.settings, settings
        return (mine.timezone, mine.night_from, mine.night_until) == (
            theirs.timezone,
            theirs.night_from,
            theirs.night_until,
        )


COUNTED_IN = CountedIn(DEFAULT_SETTINGS)
if COUNTED_IN.settings.night_from.minute or COUNTED_IN.settings.night_until.minute:
    raise ImportError("the stored night is whole hours")  # pragma: no cover

_COUNT_KEY = ("attachment", "hour", "channel", "kind", "direction", "sender")
_SECONDS = 3600


def _hour_of(at: datetime) -> int:
    return int(at.timestamp()) // _SECONDS


def _hour_start(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * _SECONDS, UTC)


def _add_counts(conn: Connection, attachment: str, inserted: Sequence[Communication]) -> None:
    """Add ``inserted`` (rows just inserted, each once) to the stored counts."""
    if not inserted:
        return
    # keyed by the enumerations themselves and the raw hour: this runs once per message
    tally = Counter(
        [
            (c.timestamp.timestamp() // _SECONDS, c.channel, c.kind, c.direction, c.sender)
            for c in inserted
        ]
    )
    when: dict[int, tuple[date, bool]] = {}
    rows = []  # in the order of _COUNT_COLUMNS
    for (moment, channel, kind, direction, sender), n in tally.items():
        hour = int(moment)
        if hour not in when:
            start = _hour_start(hour)
            when[hour] = (COUNTED_IN.day(start), COUNTED_IN.night(start))
        day, night = when[hour]
        way = "" if direction is None else direction.value
        rows.append((attachment, hour, day, night, channel.value, kind.value, way, sender or "", n))
    binder = binder_for(conn.dialect)
    if binder is not None:  # SQLite: bound rows straight to the driver's executemany
        bound = binder.bind_all(t.communication_counts, rows, _COUNT_COLUMNS)
        conn.exec_driver_sql(_SQLITE_UPSERT, bound)
        return
    table = t.communication_counts
    statement = postgresql.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(_COUNT_KEY),
        set_={"count": table.c.count + statement.excluded["count"]},
    )
    conn.execute(statement, [dict(zip(_COUNT_COLUMNS, row, strict=True)) for row in rows])


_COUNT_COLUMNS = columns_of(t.communication_counts)
if _COUNT_COLUMNS != (*_COUNT_KEY[:2], "day", "night", *_COUNT_KEY[2:], "count"):
    raise ImportError(f"communication_counts columns {_COUNT_COLUMNS}")  # pragma: no cover
_SQLITE_UPSERT = (
    f"INSERT INTO communication_counts ({', '.join(_COUNT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COUNT_COLUMNS)}) "
    f"ON CONFLICT ({', '.join(_COUNT_KEY)}) DO UPDATE SET count = count + excluded.count"
)


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


def check_counts_add_up(conn: Connection, attachments: Iterable[str]) -> list[str]:
    """The attachments among ``attachments`` that hold counts, sorted; :class:`CountsOverlap`
    where one message is stored under two of them (counted once it would be, in the summed
    counts it would be twice). Reads the messages only when two or more hold counts."""
    keys = sorted(set(attachments))
    if not keys:
        return []
    counted = list(conn.execute(_counted_query(), {"b_attachments": keys}).scalars())
    if len(counted) > 1 and conn.execute(_overlap_query(), {"b_attachments": counted}).first():
        raise CountsOverlap(f"a message is stored under more than one of {', '.join(counted)}")
    return counted


def _contact_rows() -> Any:
    """The counts of contacts: not the service's own lines, not the victim's own messages."""
    k = t.communication_counts.c
    return and_(
        k.attachment.in_(bindparam("b_attachments", expanding=True)),
        k.kind != CommsKind.system.value,
        k.direction != Direction.outgoing.value,
    )


@dataclass(frozen=True)
class ContactFilter:
    """Which contacts a daily count takes: only ``channel`` or ``sender`` (``''``: not said) if
    given, only the local days (in :data:`COUNTED_IN`) ``first`` to ``last`` if given."""

    channel: str | None = None
    sender: str | None = None
    first: date | None = None
    last: date | None = None

    def given(self) -> tuple[bool, ...]:
        """Which of channel, sender, first and last are given (the shape of the query)."""
        return tuple(value is not None for value in astuple(self))

    def params(self) -> dict[str, Any]:
        """The values of the query's parameters (``b_channel``, ...)."""
        return {f"b_{name}": value for name, value in asdict(self).items()}

    def takes(self, channel: str, sender: str | None, day: date) -> bool:
        """Whether a contact on ``channel`` from ``sender`` on local ``day`` is taken."""
        return (
            (self.channel is None or channel == self.channel)
            and (self.sender is None or (sender or "") == self.sender)
            and (self.first is None or day >= self.first)
            and (self.last is None or day <= self.last)
        )


@cache
def _daily_query(channel: bool, sender: bool, first: bool, last: bool) -> Select[Any]:
    k = t.communication_counts.c
    silent = k.kind.in_([kind.value for kind in SILENT_OR_WITHHELD])
    query = select(
        k.day,
        k.channel,
        func.sum(k.count).label("n"),
        func.sum(case((silent, k.count), else_=0)).label("silent"),
        func.sum(case((k.night, k.count), else_=0)).label("night"),
    ).where(_contact_rows())
    if channel:
        query = query.where(k.channel == bindparam("b_channel"))
    if sender:
        query = query.where(k.sender == bindparam("b_sender"))
    if first:
        query = query.where(k.day >= bindparam("b_first", type_=Date()))
    if last:
        query = query.where(k.day <= bindparam("b_last", type_=Date()))
    return query.group_by(k.day, k.channel).order_by(k.day, k.channel)


def daily_counts(
    conn: Connection, attachments: Iterable[str], within: ContactFilter = ContactFilter()
) -> list[DayCount]:
    """The stored counts of contacts under ``attachments`` per local day (in
    :data:`COUNTED_IN`) and channel, with the silent or withheld calls and the night-time
    contacts among them; only those ``within`` takes. :class:`CountsOverlap` as
    :func:`check_counts_add_up`."""
    keys = check_counts_add_up(conn, attachments)
    if not keys:
        return []
    query = _daily_query(*within.given())
    params = {"b_attachments": keys, **within.params()}
    return [
        DayCount(r.day, r.channel, int(r.n), int(r.silent), int(r.night))
        for r in conn.execute(query, params)
    ]


@cache
def _senders_query() -> Select[Any]:
    k = t.communication_counts.c
    return select(k.sender, func.sum(k.count).label("n")).where(_contact_rows()).group_by(k.sender)


def sender_counts(conn: Connection, attachments: Iterable[str]) -> dict[str, int]:
    """Stored contacts per sender as written (``''`` where the export does not say)."""
    keys = sorted(set(attachments))
    if not keys:
        return {}
    return {r.sender: int(r.n) for r in conn.execute(_senders_query(), {"b_attachments": keys})}


@cache
def _busy_query(reach: int) -> Select[Any]:
    k = t.communication_counts.c
    hours = (
        select(k.hour, func.sum(k.count).label("n"))
        .where(_contact_rows())
        .group_by(k.hour)
        .subquery("hours")
    )
    windows = select(
        hours.c.hour,
        func.sum(hours.c.n).over(order_by=hours.c.hour, range_=(0, reach)).label("within"),
    ).subquery("windows")
    return (
        select(windows.c.hour)
        .where(windows.c.within >= bindparam("b_size"))
        .order_by(windows.c.hour)
    )


def busy_hours(
    conn: Connection, attachments: Iterable[str], settings: ContactSettings = DEFAULT_SETTINGS
) -> list[datetime]:
    """The hours a burst may start in (:func:`threadline.recognise.contact_counts.burst_spans`,
    summed in SQL): the hour and the ``reach`` after it hold ``burst_size`` contacts."""
    keys = sorted(set(attachments))
    if not keys:
        return []
    query = _busy_query(burst_reach(settings))
    rows = conn.execute(query, {"b_attachments": keys, "b_size": settings.burst_size})
    return [_hour_start(hour) for hour in rows.scalars()]


def daily_contacts(
    conn: Connection,
    attachments: Iterable[str],
    *,
    channel: str | None = None,
    sender: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> dict[date, Counter[str]]:
    """Contacts (not the service's own lines, not the victim's own messages) per local day and
    channel: :func:`daily_counts` where the counts answer, else the messages counted, each once
    (a message stored under two of ``attachments``)."""
    keys = list(attachments)
    within = ContactFilter(channel, sender, first, last)
    days: dict[date, Counter[str]] = {}
    try:
        counted = daily_counts(conn, keys, within)
    except CountsOverlap:
        for c in contacts_only(contacts_of(conn, keys)):
            day = COUNTED_IN.day(c.at)
            if within.takes(c.channel, c.sender, day):
                days.setdefault(day, Counter())[c.channel] += 1
        return dict(sorted(days.items()))
    for row in counted:
        days.setdefault(row.day, Counter())[row.channel] += row.count
    return days


@cache
def _between_query() -> Select[Any]:
    c = t.communications.c
    return (
        select(c.at, c.channel, c.kind, c.sender, c.direction, c.content_hash, c.file, c.line)
        .where(
            c.attachment.in_(bindparam("b_attachments", expanding=True)),
            c.at >= bindparam("b_start", type_=c.at.type),
            c.at < bindparam("b_end", type_=c.at.type),
        )
        .order_by(c.at, c.id)
    )


def contacts_between(
    conn: Connection, attachments: Iterable[str], spans: Sequence[tuple[datetime, datetime]]
) -> list[Contact]:
    """The communications stored under ``attachments`` with a time in any of ``spans`` (each
    ``[start, end)``, in order, not overlapping), in time order, each message once (as
    :func:`contacts_of`). One index range read per span: an OR of ranges is read as a scan."""
    keys = sorted(set(attachments))
    found: list[Contact] = []
    seen: set[str] = set()
    for start, end in spans if keys else ():
        params = {"b_attachments": keys, "b_start": start, "b_end": end}
        for row in conn.execute(_between_query(), params):
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


# --- the message list -----------------------------------------------------------------------


@dataclass(frozen=True)
class MessageQuery:
    """Which stored messages to list: over ``channel``, from ``sender`` (``''``: not said),
    at or after ``since`` and before ``until`` (UTC), ``limit`` of them from ``offset``."""

    channel: str | None = None
    sender: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    offset: int = 0
    limit: int = 50


def _message_filter(keys: list[str], query: MessageQuery, once: bool) -> list[Any]:
    c = t.communications.c
    where: list[Any] = [c.attachment.in_(keys)]
    if query.channel is not None:
        where.append(c.channel == query.channel)
    if query.sender == "":
        where.append(c.sender.is_(None))
    elif query.sender is not None:
        where.append(c.sender == query.sender)
    if query.since is not None:
        where.append(c.at >= query.since)
    if query.until is not None:
        where.append(c.at < query.until)
    if once:  # the same message under two attachments: the first stored only
        earlier = t.communications.alias("earlier")
        where.append(
            ~select(earlier.c.id)
            .where(
                earlier.c.attachment.in_(keys),
                earlier.c.content_hash == c.content_hash,
                earlier.c.id < c.id,
            )
            .exists()
        )
    return where


def list_communications(
    conn: Connection, attachments: Iterable[str], query: MessageQuery
) -> tuple[int, list[Any]]:
    """(how many stored messages match ``query``, the page of them in time order) under
    ``attachments``, each message once. The rows carry every column of ``communications``."""
    keys = sorted(set(attachments))
    if not keys:
        return 0, []
    try:
        check_counts_add_up(conn, keys)
        once = False
    except CountsOverlap:
        once = True
    where = _message_filter(keys, query, once)
    c = t.communications.c
    total = conn.execute(select(func.count()).select_from(t.communications).where(*where))
    rows = conn.execute(
        select(t.communications)
        .where(*where)
        .order_by(c.at, c.id)
        .offset(query.offset)
        .limit(query.limit)
    ).all()
    return int(total.scalar_one()), list(rows)
