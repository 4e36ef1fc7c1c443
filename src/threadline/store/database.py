"""Opening the store: an engine for a URL, and the schema brought up to date by Alembic.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL``: a commit is on disk
before it is acknowledged, so a crash loses nothing that was reported stored. PostgreSQL needs no
such settings. Both run the same migrations and the same queries.

Writes go through :func:`writing`, one at a time: the live path's (a submission, the research
check, an audit row) and every writer of what the store keeps beside its records (an import's
batches, batch resolution's people, a reviewer's judgement or split, the sweep of the alerts),
which a submission rewrites too: each incident's parties and first DASH, computed from what is
stored, are right only if no other writer is part way through. Resolving a record at call time
reads the store and then writes what it decided (new entity ids numbered from the highest so
far, memberships), so two submissions at once
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

Migrations run one transaction each, DDL included, so a process killed part way through
``threadline init`` or an upgrade leaves the schema of the last whole migration, which the next
start carries on from. PostgreSQL's DDL is transactional as it is. SQLite's is too, but Python's
``sqlite3`` driver (before 3.12's ``autocommit``) opens a transaction only before an ``INSERT``,
``UPDATE`` or ``DELETE`` and runs ``CREATE TABLE`` outside one, each committed on its own: a kill
between two of them left tables that no version row accounted for, and a store that nothing could
open ("table crime_incidents already exists"). :func:`transactional_ddl` takes the driver's
transaction handling away and begins every transaction itself (SQLAlchemy's recipe for pysqlite).
:func:`repair_half_migrated` mends a store left that way by an older version.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError

from threadline.store.derived import derive_again, due
from threadline.store.tables import metadata

log = logging.getLogger(__name__)

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


#: Statements psycopg keeps prepared on each PostgreSQL connection (its default is 100): call
#: time's queries, each in a form per count of keys, are more than that, and a statement
#: evicted is parsed and planned afresh the next time (as SQLite's ``cached_statements``).
PREPARED_MAX = 1024


def _psycopg_options(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.prepared_max = PREPARED_MAX


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing. ``pool_size`` and
    ``max_overflow`` size its pool of connections (:class:`threadline.settings.Settings`'
    ``database_pool_size``, ``database_max_overflow``; SQLAlchemy's 5 and 10 if not given)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # SQLite's driver keeps this many prepared statements per connection (128 by default): call
    # time's queries, each in a form per count of keys, are more than that
    options: dict[str, Any] = {}
    if url.startswith("sqlite"):
        options["connect_args"] = {"cached_statements": 1024}
    in_memory = url == "sqlite://" or ":memory:" in url  # one connection, no pool to size
    if pool_size is not None and not in_memory:
        options["pool_size"] = pool_size
    if max_overflow is not None and not in_memory:
        options["max_overflow"] = max_overflow
    engine = create_engine(
        url, json_serializer=_json_text, json_deserializer=orjson.loads, **options
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", _psycopg_options)
    return engine


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads alone (a picture, a page), outside any transaction on PostgreSQL.

    In PostgreSQL's READ COMMITTED every statement sees what was committed when it began,
    inside a transaction or not, so reading without one sees the same rows; it saves the
    ``BEGIN`` before the first statement and the ``ROLLBACK`` that ends a read-only transaction
    (two round trips), and psycopg forgets its prepared statements on every ``ROLLBACK``
    (``DEALLOCATE ALL``, a third), so the next use of the connection parses and plans each
    statement again. SQLite reads as before. Nothing may be written through it."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


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


#: SQLite's page cache (KiB) while a bulk write runs: the default 2 MiB holds little of the
#: indexes that a quarter of a million rows go into in key order, not table order, so each
#: insert read its index pages back from the file. Batch resolution's memberships at 100k
#: incidents: 2.3 s CPU, 3.4 s wall with the default; 1.5 s, 2.0 s with 32 MiB; 1.4 s, 2.2 s
#: with 64 MiB (the kept parties 0.6 s -> 0.3 s); 1.3 s, 1.9 s with 128 MiB. The cache adds
#: to the run's peak of memory, which the write can set.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache on ``conn`` (SQLite) for a bulk write, given back when it ends;
    nothing elsewhere (PostgreSQL's shared buffers are the server's)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def analyse(conn: Connection, *tables: Table) -> None:
    """Refresh PostgreSQL's statistics of ``tables`` (every table of the store if none) after a
    bulk write.

    PostgreSQL plans a query from what it knows of the tables, and a statement it has run a few
    times from a generic plan made once. A table filled in bulk (an import, a batch resolution,
    a rebuild of the alerts) has no statistics until autovacuum gets round to it, and never where
    autovacuum is off: a plan made for an empty table then scans the whole table for every row of
    another (rebuilding the demo force's alerts took over 15 minutes instead of one). ``ANALYZE``
    runs in the caller's transaction and sees its rows. SQLite plans from its indexes alone, so
    there it does nothing. Only the store's own tables are named: a bare ``ANALYZE`` reads every
    table of the database, other schemas' and other applications' included, and deadlocks with
    their schema changes.
    """
    if conn.dialect.name != "postgresql":
        return
    if not tables:
        tables = tuple(metadata.sorted_tables)
    names = ", ".join(conn.dialect.identifier_preparer.format_table(table) for table in tables)
    conn.exec_driver_sql(f"ANALYZE {names}")


def alembic_config(engine: Engine | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default), one transaction a migration.

    Safe to run every start, from several processes at once (a SQLite file's migrators queue on
    its writers' lock, PostgreSQL's on an advisory lock), and safe to kill: see the module
    docstring."""
    with _writer_lock(engine):
        if engine.dialect.name != "sqlite":
            command.upgrade(alembic_config(engine), revision)
            return
        try:
            command.upgrade(alembic_config(engine), revision)
        except OperationalError:
            # A migration that failed was rolled back whole (transactional DDL), so the store is
            # as it was: if an older Threadline left it half-way, mend it and try once more. The
            # mending builds reference stores, so it is not paid on a store that upgrades cleanly
            # (a kill loop whose window is one clean import would otherwise never get past it).
            if not repair_half_migrated(engine):
                raise
            command.upgrade(alembic_config(engine), revision)


@contextmanager
def transactional_ddl(connection: Connection) -> Iterator[Connection]:
    """``connection`` with every transaction, DDL included, begun by SQLAlchemy (SQLite only;
    other dialects are returned as they are).

    The driver is put in autocommit, so it neither begins transactions of its own nor leaves
    DDL outside them, and each ``begin()`` (explicit or automatic) sends ``BEGIN IMMEDIATE``:
    the write lock from the start, as :func:`writing` takes it. The driver connection is given
    back to the pool as it was found."""
    if connection.dialect.name != "sqlite":
        yield connection
        return
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    if connection.in_transaction():
        connection.commit()
    before = driver.isolation_level
    driver.isolation_level = None

    def begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(connection, "begin", begin)
    try:
        yield connection
    finally:
        event.remove(connection, "begin", begin)
        if connection.in_transaction():
            connection.rollback()
        driver.isolation_level = before


def _sqlite_objects(conn: Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """Tables and indexes of a SQLite database: ``(type, name)`` -> (its table, its SQL)."""
    rows = conn.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND sql IS NOT NULL"
    )
    return {(kind, name): (table, sql) for kind, name, table, sql in rows}


def _sqlite_columns(conn: Connection, table: str) -> list[str]:
    return [row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({_quote(conn, table)})")]


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


@dataclass
class _Schema:
    """The tables and indexes of a SQLite store, with each table's columns."""

    objects: dict[tuple[str, str], tuple[str, str]]
    columns: dict[str, list[str]]

    @classmethod
    def of(cls, conn: Connection) -> _Schema:
        objects = _sqlite_objects(conn)
        tables = [name for kind, name in objects if kind == "table"]
        return cls(objects, {table: _sqlite_columns(conn, table) for table in tables})


def _reference_schemas(revision: str | None) -> tuple[_Schema, _Schema]:
    """What migrating an empty SQLite store makes, at ``revision`` and at the newest."""
    with tempfile.TemporaryDirectory() as folder:
        reference = make_engine(f"sqlite:///{folder}/reference.db")
        try:
            config = alembic_config(reference)
            if revision is None:
                at_revision = _Schema({}, {})
            else:
                command.upgrade(config, revision)
                with reference.connect() as conn:
                    at_revision = _Schema.of(conn)
            command.upgrade(config, "head")
            with reference.connect() as conn:
                return at_revision, _Schema.of(conn)
        finally:
            reference.dispose()


class HalfMigratedStore(RuntimeError):
    """A store whose schema is neither its recorded version's nor mendable to it."""


def repair_half_migrated(engine: Engine) -> list[str]:
    """Mend a SQLite store that an older Threadline left half-way through a migration, and
    say what was done (nothing, on a store this version migrated).

    Older versions ran SQLite's DDL outside transactions (see the module docstring), so a kill
    could leave the tables, indexes or columns of a migration whose version row was never
    written. The store is compared with a fresh store migrated to the version it records (none:
    an empty store) and with one migrated to the newest: what a later migration makes and the
    recorded version lacks is dropped (an index, a column, or a table that holds no rows,
    Alembic's ``_alembic_tmp_`` copies included); an index of the recorded version that the
    store lost (an unfinished migration dropped it first) is made again. Objects no migration
    makes are left alone. Anything else stops with :class:`HalfMigratedStore` rather than
    guess. Runs only when the store is behind the newest migration and already holds tables
    of it, so a store that is up to date pays nothing."""
    with engine.connect() as conn, transactional_ddl(conn):
        if not _sqlite_objects(conn):
            return []
        current = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
        if current == _script_head():
            return []
        at_current, at_head = _reference_schemas(current)
        with conn.begin():
            done = _repair(conn, _Schema.of(conn), at_current, at_head, current)
    if done:
        log.warning(
            "the store was left half-way through a migration (at version %s) by an older"
            " Threadline; mended: %s",
            current,
            "; ".join(done),
        )
    return done


def _later(kind: str, name: str, at_current: _Schema, at_head: _Schema) -> bool:
    """Whether ``name`` is made by a migration after the recorded version."""
    if (kind, name) in at_current.objects:
        return False
    return (kind, name) in at_head.objects or name.startswith("_alembic_tmp_")


def _repair(
    conn: Connection, store: _Schema, at_current: _Schema, at_head: _Schema, current: str | None
) -> list[str]:
    done: list[str] = []
    for kind, name in store.objects:
        if kind == "index" and _later(kind, name, at_current, at_head):
            conn.exec_driver_sql(f"DROP INDEX {_quote(conn, name)}")
            done.append(f"dropped index {name}")
    for (kind, name), (_table, sql) in at_current.objects.items():
        if (kind, name) in store.objects:
            continue
        if kind != "index":
            raise HalfMigratedStore(f"the store is at schema version {current} but has no {name}")
        conn.exec_driver_sql(sql)
        done.append(f"made index {name} again")
    for table, expected in at_current.columns.items():
        present = store.columns.get(table, [])
        missing = [column for column in expected if column not in present]
        if missing:
            raise HalfMigratedStore(
                f"the store is at schema version {current} but {table} lacks {', '.join(missing)}"
            )
        for column in present:
            if column not in expected and column in at_head.columns.get(table, []):
                conn.exec_driver_sql(
                    f"ALTER TABLE {_quote(conn, table)} DROP COLUMN {_quote(conn, column)}"
                )
                done.append(f"dropped column {table}.{column}")
    for kind, name in store.objects:
        if kind != "table" or not _later(kind, name, at_current, at_head):
            continue
        table = _quote(conn, name)
        if conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None:
            raise HalfMigratedStore(
                f"the store is at schema version {current} but holds rows in {name},"
                " a table of a later version"
            )
        conn.exec_driver_sql(f"DROP TABLE {table}")
        done.append(f"dropped empty table {name}")
    return done


def _script_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def open_store(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """An engine with the schema up to date: what every entry point calls first (the pool
    sized as :func:`make_engine` says)."""
    engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    migrate(engine)
    derive_kept_facts(engine)
    return engine


def derive_kept_facts(engine: Engine, now: datetime | None = None) -> dict[str, int]:
    """Derive again the facts kept beside the records that the code running now derives
    otherwise than the code that kept them (:mod:`threadline.store.derived`), in the writers'
    turn; how many rows changed, by fact (nothing, and no turn taken, when none is due)."""
    with engine.connect() as conn:
        if not due(conn):
            return {}
    with writing(engine) as conn:
        return derive_again(conn, now or datetime.now(UTC))


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
