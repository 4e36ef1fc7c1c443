"""Opening the store: an engine for a URL, and the schema brought up to date by Alembic.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL``: a commit is on disk
before it is acknowledged, so a crash loses nothing that was reported stored. PostgreSQL needs no
such settings. Both run the same migrations and the same queries.

SQLite lets one writer in at a time. A writer that finds the database locked polls for it with
the busy timeout's growing sleeps (up to 100 ms each), so under twenty concurrent submissions a
few writers lose every race and wait seconds. :func:`writing` opens a write transaction that
queues on a lock of this process's engine instead and then takes the database's write lock at
once (``BEGIN IMMEDIATE``): writers go through in turn, and readers are not held up (WAL).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect

MIGRATIONS = Path(__file__).parent / "migrations"


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
    engine = create_engine(url, json_serializer=_json_text, json_deserializer=orjson.loads)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


_writer_locks: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


def _writer_lock(engine: Engine) -> threading.RLock:
    with _writer_locks_guard:
        lock = _writer_locks.get(engine)
        if lock is None:
            lock = _writer_locks[engine] = threading.RLock()
        return lock


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction on ``engine``, committed when the block ends (rolled back if it
    raises), like ``engine.begin()``. On SQLite the writers of this process take turns on one
    lock and each holds the database's write lock from the start (``BEGIN IMMEDIATE``), instead
    of polling for it; on PostgreSQL it is ``engine.begin()``."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with _writer_lock(engine), engine.begin() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


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
