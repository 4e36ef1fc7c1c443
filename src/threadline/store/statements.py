"""Counting what a piece of work sends to the database: its statements and commits.

Every statement the store sends fires SQLAlchemy's ``before_cursor_execute`` event, the reads
that :func:`threadline.store.queries.fetch` hands straight to SQLite's driver included (it fires
the event itself), and every commit fires ``commit``. On PostgreSQL each is a round trip to the
server, which is what a submission's time in the write turn grows with (issue 26): so the count
is the live path's budget (``tests/crossref/test_round_trips.py``) and a figure of
``bench/bench_load.py``. An ``executemany`` counts once: psycopg sends its rows in one pipeline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

__all__ = ["StatementCount", "counting_statements"]


@dataclass
class StatementCount:
    """What was sent while counting: statements (each ``execute`` or ``executemany``), the
    text of each with how often it was sent, and commits."""

    statements: int = 0
    commits: int = 0
    by_text: Counter[str] = field(default_factory=Counter)

    @property
    def round_trips(self) -> int:
        """Statements and commits: each one wait for the server (PostgreSQL)."""
        return self.statements + self.commits

    def most_sent(self, count: int = 10) -> list[tuple[str, int]]:
        """The statements sent most often, each shortened to one line of 120 characters."""
        return [(" ".join(sql.split())[:120], n) for sql, n in self.by_text.most_common(count)]


@contextmanager
def counting_statements(engine: Engine) -> Iterator[StatementCount]:
    """Count what ``engine``'s connections send inside the block (every thread's)."""
    count = StatementCount()

    def on_statement(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        count.statements += 1
        count.by_text[statement] += 1

    def on_commit(_conn: Any) -> None:
        count.commits += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
