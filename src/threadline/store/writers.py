"""Writing many rows at once: straight to the driver on SQLite, through SQLAlchemy Core elsewhere.

Both writers take rows as tuples in a given column order (:mod:`threadline.store.rows`). The
SQLite writer binds plain values with the column types' own bind processors, or takes rows a
worker process already bound, and hands each batch to ``executemany`` in one call: the same rows
SQLAlchemy would write, without its per-row bookkeeping. Other dialects go through SQLAlchemy
Core with one dict per row, as any query would.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Dialect, Table, insert, update

from threadline.store.rows import Binder, Row

__all__ = ["Writer", "binder_for", "binds_for", "writer_for"]


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


def _refuse_bound(bound: str | None, dialect: Dialect) -> None:
    if bound is not None and bound != dialect.name:
        raise ValueError(f"rows bound for {bound} cannot be written to {dialect.name}")


class CoreWriter:
    """Any dialect: plain rows as dicts through SQLAlchemy Core."""

    binder: Binder | None = None

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def stamp(self, table: Table, when: datetime, bound: str | None) -> Any:
        return when

    def insert(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        if bound is not None:
            raise ValueError(f"rows bound for {bound} need the {bound} writer")
        self.conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])

    def update(
        self, table: Table, columns: Sequence[str], rows: list[Row], bound: str | None
    ) -> None:
        if bound is not None:
            raise ValueError(f"rows bound for {bound} need the {bound} writer")
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            key = table.c.record_key == values["record_key"]
            self.conn.execute(update(table).where(key).values(values))


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


def binds_for(dialect: Dialect) -> str | None:
    """The dialect whose bound rows the writer for ``dialect`` takes ready-made (None: plain)."""
    return "sqlite" if dialect.name == "sqlite" and dialect.paramstyle == "qmark" else None


_binders: weakref.WeakKeyDictionary[Dialect, Binder] = weakref.WeakKeyDictionary()


def binder_for(dialect: Dialect) -> Binder | None:
    """The binder whose rows the writer for ``dialect`` takes ready-made, one per dialect
    (it keeps each table's bind processors once looked up); None where rows go plain."""
    if binds_for(dialect) is None:
        return None
    binder = _binders.get(dialect)
    if binder is None:
        binder = _binders[dialect] = Binder(dialect)
    return binder


def writer_for(conn: Connection) -> Writer:
    """The fastest writer that stores exactly what SQLAlchemy would for ``conn``'s dialect."""
    binder = binder_for(conn.dialect)
    return CoreWriter(conn) if binder is None else DriverWriter(conn, binder)
