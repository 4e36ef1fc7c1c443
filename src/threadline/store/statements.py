"""Counting what a piece of work sends to the database: its statements, round trips and commits.

Every statement the store sends fires SQLAlchemy's ``before_cursor_execute`` event, the reads
that :func:`threadline.store.queries.fetch` hands straight to the driver and the writers' rows
included (they fire it through :func:`announce`), and every commit fires ``commit``. On
PostgreSQL each statement is a round trip to the server, which is what a submission's time in
the write turn grows with (issue 26), unless it goes in one psycopg pipeline with others
(:func:`one_round_trip`: the writers' inserts, :func:`threadline.store.queries.fetch_together`'s
reads). So the count is the live path's budget (``tests/crossref/test_round_trips.py``) and a
figure of ``bench/bench_load.py``. An ``executemany`` counts once: psycopg sends its rows in one
pipeline. The statements marked as sent together are so marked on SQLite too (where nothing
waits for a server), so that SQLite counts the round trips PostgreSQL would make. The ``BEGIN``
psycopg sends before a transaction's first statement is not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event

__all__ = ["StatementCount", "announce", "counting_statements", "one_round_trip"]

#: Where a connection keeps the round trip its statements are being sent in (``conn.info``).
_TRIP = "threadline.round_trip"


class _Trip:
    """One round trip that several statements share (an object per :func:`one_round_trip`)."""


@contextmanager
def one_round_trip(conn: Connection) -> Iterator[None]:
    """Mark the statements ``conn`` sends inside the block as sent to the server together, in one
    round trip (the caller sends them in one pipeline on PostgreSQL). Nested blocks are part of
    the outermost one's round trip."""
    if _TRIP in conn.info:
        yield
        return
    conn.info[_TRIP] = _Trip()
    try:
        yield
    finally:
        conn.info.pop(_TRIP, None)


def announce(conn: Connection, cursor: Any, sql: str, params: Any, many: bool = False) -> None:
    """Fire ``before_cursor_execute`` for a statement sent straight to the driver, as SQLAlchemy
    fires it for its own (only if something listens: a counter, a log, a test's hook)."""
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.before_cursor_execute(conn, cursor, sql, params, None, many)


@dataclass
class StatementCount:
    """What was sent while counting: statements (each ``execute`` or ``executemany``), how many
    of them went in the round trip of another (:func:`one_round_trip`), the text of each with
    how often it was sent, and commits."""

    statements: int = 0
    commits: int = 0
    shared: int = 0
    by_text: Counter[str] = field(default_factory=Counter)
    _last_trip: _Trip | None = None

    @property
    def round_trips(self) -> int:
        """Statements and commits, those sent together counted once: each one wait for the
        server (PostgreSQL)."""
        return self.statements - self.shared + self.commits

    def most_sent(self, count: int = 10) -> list[tuple[str, int]]:
        """The statements sent most often, each shortened to one line of 120 characters."""
        return [(" ".join(sql.split())[:120], n) for sql, n in self.by_text.most_common(count)]


@contextmanager
def counting_statements(engine: Engine) -> Iterator[StatementCount]:
    """Count what ``engine``'s connections send inside the block (every thread's)."""
    count = StatementCount()

    def on_statement(
        conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        count.statements += 1
        count.by_text[statement] += 1
        trip = conn.info.get(_TRIP)
        if trip is not None and trip is count._last_trip:
            count.shared += 1
        count._last_trip = trip

    def on_commit(_conn: Any) -> None:
        count.commits += 1
        count._last_trip = None

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
