"""Reading with a statement built once: straight from the driver on SQLite, SQLAlchemy elsewhere.

Call time runs some fifty small queries per submission, most inside the write turn that every
other submission waits for. SQLAlchemy spends more on each of them than SQLite does: it
processes every parameter, renders each expanding ``IN`` list into the SQL afresh and builds a
result object and its metadata, about 300 µs a query against 130 µs straight from the driver
(a mentions-by-record query with eight keys on the demo store).

:func:`fetch` runs a statement that is built once and reused (a module-level ``@cache`` one):
on SQLite it compiles it once, then binds the parameters with the column types' own bind
processors, expands each ``IN`` list to its count of ``?`` marks, hands the SQL to the
driver and converts each column with the type's result processor: the rows SQLAlchemy would
return, as named tuples (firing ``before_cursor_execute`` as SQLAlchemy would, so a listener,
:mod:`threadline.store.statements`, sees these statements too). Other dialects go through
SQLAlchemy as any query would. Either way the answer is a list of rows with the part of
SQLAlchemy's result API the store uses (iterate it, ``all``, ``first``, ``one``,
``one_or_none``, ``scalar``, ``scalar_one``, ``scalars``; rows with attributes and
``_mapping``), so a call site reads the same on either path.
"""

from __future__ import annotations

import re
import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, Connection, Dialect, Select
from sqlalchemy.exc import MultipleResultsFound, NoResultFound

__all__ = ["Rows", "fetch"]

_EXPANDING = re.compile(r"__\[POSTCOMPILE_(\w+)\]")
_Processor = Callable[[Any], Any] | None
_Statement = Select[Any] | CompoundSelect[Any]


class Rows(list[Any]):
    """The rows of one query, with the part of SQLAlchemy's result API the store uses."""

    def all(self) -> list[Any]:
        return list(self)

    def first(self) -> Any:
        return self[0] if self else None

    def one_or_none(self) -> Any:
        if len(self) > 1:
            raise MultipleResultsFound("more than one row where one was wanted")
        return self[0] if self else None

    def one(self) -> Any:
        if not self:
            raise NoResultFound("no row where one was wanted")
        return self.one_or_none()

    def scalar(self) -> Any:
        return self[0][0] if self else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> Rows:
        return Rows(row[0] for row in self)


def _mapping(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(row._fields, row, strict=True))  # type: ignore[attr-defined]


@dataclass
class _Compiled:
    """One statement compiled for SQLite's driver."""

    parts: list[str]  # the SQL split at each expanding parameter
    expanding: list[str]  # the name of each expanding parameter, in order
    binds: list[tuple[str, bool, Any, _Processor]]  # name, expanding, default, processor
    processors: list[_Processor]
    row: Any  # the named-tuple class of a row
    sql: dict[tuple[int, ...], str] = field(default_factory=dict)

    def text(self, counts: tuple[int, ...]) -> str:
        sql = self.sql.get(counts)
        if sql is None:
            pieces = [self.parts[0]]
            for count, rest in zip(counts, self.parts[1:], strict=True):
                pieces.append(", ".join("?" * count))
                pieces.append(rest)
            sql = self.sql[counts] = "".join(pieces)
        return sql


def _compile(statement: _Statement, dialect: Dialect) -> _Compiled | None:
    """``statement`` ready for the driver, or None where it needs SQLAlchemy's own handling."""
    compiled = statement.compile(dialect=dialect)
    keys = [entry[0] for entry in compiled._result_columns]
    if len(set(keys)) != len(keys) or not all(k.isidentifier() and k[0] != "_" for k in keys):
        return None
    pieces = _EXPANDING.split(compiled.string)
    binds: list[tuple[str, bool, Any, _Processor]] = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        if bind.callable is not None:
            return None
        processor = bind.type._cached_bind_processor(dialect)
        binds.append((name, bool(bind.expanding), bind.value, processor))
    processors: list[_Processor] = [
        entry[3]._cached_result_processor(dialect, None) for entry in compiled._result_columns
    ]
    plain = namedtuple("Row", keys)  # type: ignore[misc]  # noqa: PYI024
    # with ``_mapping``, as SQLAlchemy's rows have
    row = type("Row", (plain,), {"__slots__": (), "_mapping": property(_mapping)})
    return _Compiled(pieces[0::2], pieces[1::2], binds, processors, row)


_cache: weakref.WeakKeyDictionary[Dialect, dict[int, tuple[_Statement, _Compiled | None]]] = (
    weakref.WeakKeyDictionary()
)


#: Statements are meant to be built once; a caller building them afresh would fill the cache.
_CACHED = 1000


def _compiled(statement: _Statement, dialect: Dialect) -> _Compiled | None:
    known = _cache.setdefault(dialect, {})
    found = known.get(id(statement))
    if found is None or found[0] is not statement:
        if len(known) >= _CACHED:
            known.clear()
        found = known[id(statement)] = (statement, _compile(statement, dialect))
    return found[1]


def _driver_rows(conn: Connection, compiled: _Compiled, params: Mapping[str, Any]) -> Rows | None:
    values: list[Any] = []
    counts: list[int] = []
    for name, expanding, default, processor in compiled.binds:
        value = params[name] if name in params else default
        if expanding:
            if not value:
                return None  # an empty IN: SQLAlchemy renders it as an always-false subquery
            counts.append(len(value))
            values.extend(value if processor is None else map(processor, value))
        else:
            values.append(value if processor is None else processor(value))
    sql = compiled.text(tuple(counts))
    if conn._has_events or conn.engine._has_events:  # a listener counts or logs statements
        conn.dispatch.before_cursor_execute(conn, None, sql, values, None, False)
    cursor = conn.connection.driver_connection.execute(sql, values)  # type: ignore[union-attr]
    make, processors = compiled.row._make, compiled.processors
    if not any(processors):
        return Rows(map(make, cursor.fetchall()))
    return Rows(
        make(raw if p is None else p(raw) for p, raw in zip(processors, row, strict=True))
        for row in cursor.fetchall()
    )


def fetch(conn: Connection, statement: _Statement, params: Mapping[str, Any] | None = None) -> Rows:
    """The rows of ``statement`` (built once and reused) with ``params``: from the driver on
    SQLite, through SQLAlchemy on other dialects or where SQLAlchemy must render the SQL."""
    params = params or {}
    if conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark":
        compiled = _compiled(statement, conn.dialect)
        if compiled is not None:
            rows = _driver_rows(conn, compiled, params)
            if rows is not None:
                return rows
    return Rows(conn.execute(statement, dict(params)))
