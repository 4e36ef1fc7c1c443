"""Rows as tuples in a table's column order, and bound for the database driver ahead of writing.

A bulk import prepares its rows in worker processes and writes them in the main one. Rows travel
between processes as tuples in the column order of their table (:func:`columns_of`), which pickle
smaller and faster than dicts. On SQLite the workers also bind each value the way SQLAlchemy would
(a time stamp becomes SQLite's text form, a document its JSON text), with the bind processors of
the column types themselves (:class:`Binder`), so the writer can hand whole batches to the
driver's ``executemany``. What is stored is what SQLAlchemy would have stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Dialect, Table

from threadline.store.database import make_engine

__all__ = ["Binder", "Row", "columns_of", "row_of", "sqlite_binder"]

Row = tuple[Any, ...]
_Processor = Callable[[Any], Any]


@cache
def columns_of(table: Table) -> tuple[str, ...]:
    """The columns an insert into ``table`` names, in table order: all but a generated ``id``."""
    return tuple(
        column.name
        for column in table.columns
        if not (column.name == "id" and column.primary_key and column.autoincrement)
    )


@dataclass(frozen=True)
class _TableBinder:
    columns: tuple[str, ...]
    #: (position, processor) for the columns whose type binds its values; the rest pass as they are
    processors: tuple[tuple[int, _Processor], ...]

    def bind(self, row: Sequence[Any]) -> Row:
        if len(row) != len(self.columns):
            raise ValueError(f"{len(row)} values for the columns {self.columns}")
        values = list(row)
        for index, process in self.processors:
            values[index] = process(values[index])
        return tuple(values)


class Binder:
    """Binds row values for one dialect with the bind processors SQLAlchemy itself would use."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._tables: dict[tuple[str, tuple[str, ...]], _TableBinder] = {}

    @property
    def name(self) -> str:
        return self.dialect.name

    def _for(self, table: Table, columns: tuple[str, ...]) -> _TableBinder:
        found = self._tables.get((table.name, columns))
        if found is None:
            processors = []
            for index, name in enumerate(columns):
                impl = table.c[name].type.dialect_impl(self.dialect)
                process = impl.bind_processor(self.dialect)
                if process is not None:
                    processors.append((index, process))
            found = _TableBinder(columns, tuple(processors))
            self._tables[(table.name, columns)] = found
        return found

    def bind(self, table: Table, row: Sequence[Any], columns: tuple[str, ...] | None = None) -> Row:
        """``row`` (values of ``columns``, by default every column of :func:`columns_of`) bound."""
        return self._for(table, columns or columns_of(table)).bind(row)

    def bind_all(
        self, table: Table, rows: Iterable[Sequence[Any]], columns: tuple[str, ...] | None = None
    ) -> list[Row]:
        binder = self._for(table, columns or columns_of(table))
        return [binder.bind(row) for row in rows]

    def binds(self, table: Table, column: str) -> bool:
        """Whether ``table.column``'s type changes a value to bind it (a time stamp, JSON), so
        that a writer can leave the other columns' values as they are."""
        return bool(self._for(table, (column,)).processors)

    def value(self, table: Table, column: str, value: Any) -> Any:
        """One value of ``table.column`` bound."""
        return self._for(table, (column,)).bind((value,))[0]

    def read(self, table: Table, column: str, value: Any) -> Any:
        """A stored value of ``table.column`` read back as SQLAlchemy would return it."""
        impl = table.c[column].type.dialect_impl(self.dialect)
        process = impl.result_processor(self.dialect, None)
        return value if process is None else process(value)


@cache
def _getter(table: Table) -> Callable[[Mapping[str, Any]], Row]:
    names = columns_of(table)
    if len(names) == 1:  # itemgetter of one name gives the value, not a tuple
        return lambda values: (values[names[0]],)
    return itemgetter(*names)


def row_of(table: Table, values: Mapping[str, Any]) -> Row:
    """The values of a row (a dict with every column of :func:`columns_of`) as a tuple."""
    return _getter(table)(values)


@cache
def sqlite_binder() -> Binder:
    """A binder for the store's SQLite engine (as :func:`make_engine` configures it).

    Made once per process, on first use: a worker process binds with it before it has seen
    the engine the rows are for.
    """
    return Binder(make_engine("sqlite://").dialect)
