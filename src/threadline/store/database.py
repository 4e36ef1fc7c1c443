"""Opening the store: an engine for a URL, and the schema brought up to date by Alembic.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL``: a commit is on disk
before it is acknowledged, so a crash loses nothing that was reported stored. PostgreSQL needs no
such settings. Both run the same migrations and the same queries.

Live-path writes (a submission, the research check, an audit row) go through :func:`writing`,
one at a time. Resolving a record at call time reads the store and then writes what it decided
(new entity ids numbered from the highest so far, memberships), so two submissions at once
must not both decide from the same state: they would take the same entity id, or each start a
new entity for one person. SQLite lets one writer in at a time anyway, but a writer that finds
the database locked polls for it with the busy timeout's growing sleeps (up to 100 ms each), so
under twenty concurrent submissions a few writers lose every race and wait seconds. So writers
queue on a lock of this process's engine, then take the database's write lock at once: SQLite's
``BEGIN IMMEDIATE``, PostgreSQL's transaction-level advisory lock :data:`WRITER_LOCK_KEY`
(which queues the writers of every worker process). Readers are not held up (WAL, MVCC).

Several processes on one SQLite file (``threadline serve --workers 2``) would poll each other
the same way, so the writers of a SQLite file also queue across processes on an exclusive
``flock`` of a lock file beside the database (``<file>.writers``): the kernel wakes the next
writer the moment the last one commits.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"
#: The PostgreSQL advisory lock of live-path writers (a fixed bigint shared by every process;
#: not the audit chain's :data:`threadline.guard.audit.ADVISORY_LOCK_KEY`).
WRITER_LOCK_KEY = 7_206_515_282_736_121_346


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # SQLite's driver keeps this many prepared statements per connection (128 by default): call
    # time's queries, each in a form per count of keys, are more than that
    sqlite = {"connect_args": {"cached_statements": 1024}} if url.startswith("sqlite") else {}
    engine = create_engine(
        url, json_serializer=_json_text, json_deserializer=orjson.loads, **sqlite
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class WriterLock:
    """The turn of one writer: a lock of this process, then (for a SQLite file) an exclusive
    ``flock`` of ``lock_path`` shared with every other process writing that file."""

    def __init__(self, lock_path: Path | None) -> None:
        self._thread_lock = threading.RLock()
        self._path = lock_path
        self._fd: int | None = None
        self._pid = 0
        self._depth = 0

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)  # type: ignore[arg-type]
            self._pid = os.getpid()
        return self._fd

    def __enter__(self) -> WriterLock:
        self._thread_lock.acquire()
        try:
            if self._depth == 0 and self._path is not None:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1
        return self

    def __exit__(self, *_exc: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._path is not None:
                fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


_writer_locks: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


def _lock_path(engine: Engine) -> Path | None:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + ".writers")


def _writer_lock(engine: Engine) -> WriterLock:
    with _writer_locks_guard:
        lock = _writer_locks.get(engine)
        if lock is None:
            lock = _writer_locks[engine] = WriterLock(_lock_path(engine))
        return lock


@contextmanager
def writing(engine: Engine, *, alone: bool = True) -> Iterator[Connection]:
    """A write transaction on ``engine``, committed when the block ends (rolled back if it
    raises), like ``engine.begin()``, that runs alone (see the module docstring): the writers
    of this process take turns on one lock, and each holds the database's write lock (SQLite)
    or the writers' advisory lock (PostgreSQL) from the start until it commits.

    ``alone=False`` is for a write that guards its own consistency (an audit row, under the
    audit chain's lock): on PostgreSQL it is then a plain transaction that does not wait for
    submissions; SQLite has one writer at a time whatever is asked, so there it queues all
    the same rather than poll."""
    sqlite = engine.dialect.name == "sqlite"
    if not (alone or sqlite):
        with engine.begin() as conn:
            yield conn
        return
    with _writer_lock(engine), engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
        yield conn


def analyse(conn: Connection, *tables: Table) -> None:
    """Refresh PostgreSQL's statistics of ``tables`` (every table if none) after a bulk write.

    PostgreSQL plans a query from what it knows of the tables, and a statement it has run a few
    times from a generic plan made once. A table filled in bulk (an import, a batch resolution,
    a rebuild of the alerts) has no statistics until autovacuum gets round to it, and never where
    autovacuum is off: a plan made for an empty table then scans the whole table for every row of
    another (rebuilding the demo force's alerts took over 15 minutes instead of one). ``ANALYZE``
    runs in the caller's transaction and sees its rows. SQLite plans from its indexes alone, so
    there it does nothing.
    """
    if conn.dialect.name != "postgresql":
        return
    names = ", ".join(conn.dialect.identifier_preparer.format_table(table) for table in tables)
    conn.exec_driver_sql(f"ANALYZE {names}")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default). Safe to run every start."""
    command.upgrade(alembic_config(engine), revision)


def open_store(url: str) -> Engine:
    """An engine with the schema up to date: what every entry point calls first."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
