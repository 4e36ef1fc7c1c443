"""Writing many rows at once: straight to the driver on SQLite and PostgreSQL, through SQLAlchemy
Core elsewhere.

The writers take rows as tuples in a given column order (:mod:`threadline.store.rows`). The
SQLite writer binds plain values with the column types' own bind processors, or takes rows a
worker process already bound, and hands each batch to ``executemany`` in one call: the same rows
SQLAlchemy would write, without its per-row bookkeeping. The PostgreSQL writer binds the same
way (a document becomes psycopg's ``Jsonb``, as SQLAlchemy sends it) and writes a batch of
:data:`COPY_FROM` rows or more with ``COPY ... FROM STDIN`` (a bulk import: one stream, no
statement per row), a smaller one with psycopg's ``executemany`` (its rows in one pipeline: one
round trip). Inside :meth:`PostgresWriter.together` the inserts of several tables are queued in
one pipeline and sent with one round trip when the block ends (a submission's record, mentions,
features and identifiers). Other dialects go through SQLAlchemy Core with one dict per row.

Both driver writers fire SQLAlchemy's ``before_cursor_execute`` for each statement, so that
:mod:`threadline.store.statements` counts them as it counts the rest, and mark the inserts of one
pipeline (and on SQLite those of a ``together`` block) as one round trip.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Dialect, Executable, Table, insert, update

from threadline.store.queries import as_sqlalchemy_errors, driver_statement, fetch
from threadline.store.rows import Binder, Row
from threadline.store.statements import announce, one_round_trip

__all__ = ["COPY_FROM", "Writer", "binder_for", "binds_for", "writer_for"]

#: Batches of at least this many rows go to PostgreSQL by ``COPY`` (an import's), smaller ones
#: (a submission's few rows) by ``executemany``, which costs less to start.
COPY_FROM = 100


class Writer(Protocol):
    binder: Binder | None

    def stamp(self, table: Table, when: datetime, bound: str | None) -> Any:
        """A time stamp for ``table`` in the same form (plain or bound) as the rows beside it."""
        ...

    def insert(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        """Insert ``rows`` (values of ``columns``; bound for the dialect ``bound``, or plain)."""
        ...

    def update(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        """Set ``columns`` of the row with each row's ``record_key``."""
        ...

    def execute(self, statement: Executable, params: Mapping[str, Any]) -> None:
        """Run ``statement`` (built once, returning nothing: an ``UPDATE``) with ``params``; in
        a :meth:`together` block, after the block's inserts and with them."""
        ...

    def together(self) -> AbstractContextManager[None]:
        """A block whose inserts and statements (:meth:`execute`) may be sent together when it
        ends (PostgreSQL: one pipeline, one round trip); no other statement may run inside it."""
        ...


def _refuse_bound(bound: str | None, dialect: Dialect) -> None:
    if bound is not None and bound != dialect.name:
        raise ValueError(f"rows bound for {bound} cannot be written to {dialect.name}")


class _PlainWriter:
    """A writer that takes its rows plain (it binds them itself, if at all): no binder to hand
    out, plain time stamps, and rows bound for a driver refused."""

    binder: Binder | None = None
    conn: Connection

    def stamp(self, table: Table, when: datetime, bound: str | None) -> Any:
        return when

    def _refuse_bound(self, bound: str | None) -> None:
        if bound is not None:
            raise ValueError(
                f"rows bound for {bound} cannot be written plain to {self.conn.dialect.name}"
            )


class CoreWriter(_PlainWriter):
    """Any dialect: plain rows as dicts through SQLAlchemy Core."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        self._refuse_bound(bound)
        self.conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])

    def update(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        self._refuse_bound(bound)
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            key = table.c.record_key == values["record_key"]
            self.conn.execute(update(table).where(key).values(values))

    def execute(self, statement: Executable, params: Mapping[str, Any]) -> None:
        self.conn.execute(statement, dict(params))

    def together(self) -> AbstractContextManager[None]:
        return nullcontext()


class DriverWriter:
    """SQLite: rows bound for the driver, in one ``executemany`` per statement."""

    def __init__(self, conn: Connection, binder: Binder) -> None:
        self.conn = conn
        self.binder: Binder | None = binder
        self._binder = binder
        self._quote = conn.dialect.identifier_preparer.quote_identifier

    def _rows(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> list[Row]:
        _refuse_bound(bound, self.conn.dialect)
        return rows if bound is not None else self._binder.bind_all(table, rows, tuple(columns))

    def stamp(self, table: Table, when: datetime, bound: str | None) -> Any:
        return when if bound is None else self._binder.value(table, "updated_at", when)

    def insert(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        names = ", ".join(self._quote(name) for name in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {self._quote(table.name)} ({names}) VALUES ({marks})"
        self.conn.exec_driver_sql(sql, self._rows(table, columns, rows, bound))

    def update(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        assignments = ", ".join(f"{self._quote(name)} = ?" for name in columns)
        key = list(columns).index("record_key")
        sql = f"UPDATE {self._quote(table.name)} SET {assignments} WHERE record_key = ?"
        params = [(*row, row[key]) for row in self._rows(table, columns, rows, bound)]
        self.conn.exec_driver_sql(sql, params)

    def execute(self, statement: Executable, params: Mapping[str, Any]) -> None:
        fetch(self.conn, statement, params)  # type: ignore[arg-type]

    def together(self) -> AbstractContextManager[None]:
        # sent one by one, counted as PostgreSQL's one pipeline (threadline.store.statements)
        return one_round_trip(self.conn)


class PostgresWriter(_PlainWriter):
    """PostgreSQL through psycopg: rows bound as SQLAlchemy binds them, written by ``COPY``
    (:data:`COPY_FROM` rows or more) or one ``executemany`` (see the module docstring)."""

    def __init__(self, conn: Connection, binder: Binder) -> None:
        self.conn = conn
        self._binder = binder  # rows come plain; bound here
        self._quote = conn.dialect.identifier_preparer.quote_identifier
        self._driver: Any = conn.connection.driver_connection
        self._queued: list[tuple[str, int, list[Row]]] | None = None
        self._statements: list[tuple[str, list[Any]]] = []

    def _bind(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> list[Row]:
        """``rows`` (plain) bound as SQLAlchemy binds them for psycopg."""
        self._refuse_bound(bound)
        return self._binder.bind_all(table, rows, tuple(columns)) if rows else []

    def insert(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        bound_rows = self._bind(table, columns, rows, bound)
        if not bound_rows:
            return
        names = ", ".join(self._quote(name) for name in columns)
        target = f"{self._quote(table.name)} ({names})"
        if self._queued is not None:
            self._queued.append((target, len(columns), bound_rows))
        else:
            self._send([(target, len(columns), bound_rows)])

    def execute(self, statement: Executable, params: Mapping[str, Any]) -> None:
        sent = driver_statement(self.conn, statement, params)  # type: ignore[arg-type]
        if sent is None or self._queued is None:
            fetch(self.conn, statement, params)  # type: ignore[arg-type]
        else:
            self._statements.append(sent)

    def _send(self, inserts: list[tuple[str, int, list[Row]]]) -> None:
        statements, self._statements = self._statements, []
        first = inserts[0][0] if inserts else statements[0][0] if statements else ""
        with as_sqlalchemy_errors(self.conn, first):
            self._send_raw(inserts, statements)

    def _send_raw(
        self,
        inserts: list[tuple[str, int, list[Row]]],
        statements: list[tuple[str, list[Any]]] = (),  # type: ignore[assignment]
    ) -> None:
        """Large batches by ``COPY``, one after another; the small ones in one pipeline, and
        then ``statements`` (SQL and values) in it."""
        small = [insert for insert in inserts if len(insert[2]) < COPY_FROM]
        cursor = self._driver.cursor()
        for target, _width, rows in inserts:
            if len(rows) < COPY_FROM:
                continue
            sql = f"COPY {target} FROM STDIN"
            announce(self.conn, cursor, sql, rows, many=True)
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        if not small and not statements:
            return
        with (
            self._driver.pipeline() if len(small) + len(statements) > 1 else nullcontext(),
            one_round_trip(self.conn),
        ):
            for target, width, rows in small:
                sql = f"INSERT INTO {target} VALUES ({', '.join('%s' for _ in range(width))})"
                announce(self.conn, cursor, sql, rows, many=True)
                cursor.executemany(sql, rows)
            for sql, values in statements:
                announce(self.conn, cursor, sql, values)
                cursor.execute(sql, values)

    def update(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        bound_rows = self._bind(table, columns, rows, bound)
        if not bound_rows:
            return
        assignments = ", ".join(f"{self._quote(name)} = %s" for name in columns)
        key = list(columns).index("record_key")
        sql = f"UPDATE {self._quote(table.name)} SET {assignments} WHERE record_key = %s"
        params = [(*row, row[key]) for row in bound_rows]
        cursor = self._driver.cursor()
        announce(self.conn, cursor, sql, params, many=True)
        with as_sqlalchemy_errors(self.conn, sql):
            cursor.executemany(sql, params)

    @contextmanager
    def together(self) -> Iterator[None]:
        self._queued = []
        try:
            yield
            queued = self._queued
        finally:
            self._queued = None
        self._send(queued)


def binds_for(dialect: Dialect) -> str | None:
    """The dialect whose bound rows the writer for ``dialect`` takes ready-made (None: plain)."""
    return "sqlite" if dialect.name == "sqlite" and dialect.paramstyle == "qmark" else None


_binders: weakref.WeakKeyDictionary[Dialect, Binder] = weakref.WeakKeyDictionary()


def _binder(dialect: Dialect) -> Binder:
    binder = _binders.get(dialect)
    if binder is None:
        binder = _binders[dialect] = Binder(dialect)
    return binder


def binder_for(dialect: Dialect) -> Binder | None:
    """The binder whose rows the writer for ``dialect`` takes ready-made, one per dialect
    (it keeps each table's bind processors once looked up); None where rows go plain."""
    if binds_for(dialect) is None:
        return None
    return _binder(dialect)


def writer_for(conn: Connection) -> Writer:
    """The fastest writer that stores exactly what SQLAlchemy would for ``conn``'s dialect."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return PostgresWriter(conn, _binder(conn.dialect))
    binder = binder_for(conn.dialect)
    return CoreWriter(conn) if binder is None else DriverWriter(conn, binder)
