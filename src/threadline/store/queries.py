"""Reading with a statement built once: straight from the driver, SQLite's or psycopg's.

Call time runs some fifty small queries per submission, most inside the write turn that every
other submission waits for. SQLAlchemy spends more on each of them than the driver does: it
processes every parameter, renders each expanding ``IN`` list into the SQL afresh and builds a
result object and its metadata, about 300 µs a query against 130 µs straight from the driver
(a mentions-by-record query with eight keys on the demo store).

:func:`fetch` runs a statement that is built once and reused (a module-level ``@cache`` one):
it compiles it once, then binds the parameters with the column types' own bind processors,
hands the SQL to the driver and converts each column with the type's result processor: the
rows SQLAlchemy would return, as named tuples (firing ``before_cursor_execute`` as SQLAlchemy
would, so a listener, :mod:`threadline.store.statements`, sees these statements too). On
SQLite each ``IN`` list is expanded to its count of ``?`` marks. On PostgreSQL it is one array
parameter (``= ANY(%s::VARCHAR[])``, ``NOT IN`` as ``<> ALL``, the same answer for every list,
empty or holding NULL): one text whatever the count of keys, so psycopg prepares it after a few
uses and the server parses and plans it once per connection, where each count of an ``IN``
list was a statement of its own, planned afresh (issue 26: parsing and planning were 9 of a
submission's 15 ms in PostgreSQL). A statement the driver cannot be handed (a column name
twice, a parameter computed when run, another kind of expansion) goes through SQLAlchemy.
Either way the answer is a list of rows with the part of SQLAlchemy's result API the store
uses (iterate it, ``all``, ``first``, ``one``, ``one_or_none``, ``scalar``, ``scalar_one``,
``scalars``; rows with attributes and ``_mapping``), so a call site reads the same on either
path.
"""

from __future__ import annotations

import copy
import re
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, Connection, Delete, Dialect, Insert, Select, Update
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound

from threadline.store.statements import announce, one_round_trip

__all__ = ["Rows", "as_sqlalchemy_errors", "driver_statement", "fetch", "fetch_together"]

_EXPANDING = re.compile(r"__\[POSTCOMPILE_(\w+)\]")
_Processor = Callable[[Any], Any] | None
_Statement = Select[Any] | CompoundSelect[Any] | Insert | Update | Delete


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


#: The most values one ``IN`` list binds by default (:func:`chunks`): under every store's limit
#: of bound values (SQLite 250,000 here and 32,766 in older builds, PostgreSQL 65,535).
IN_CHUNK = 500


def chunks(values: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    """``values`` a slice of ``size`` at a time, for ``IN`` lists of a size the store binds."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _mapping(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(row._fields, row, strict=True))  # type: ignore[attr-defined]


@dataclass
class _Compiled:
    """One statement compiled for the driver (SQLite's, or psycopg's)."""

    parts: list[str]  # the SQL split at each expanding parameter (SQLite)
    binds: list[tuple[str, bool, Any, _Processor]]  # name, expanding, default, processor
    processors: list[_Processor] | None  # None: from the first answer's column types
    row: Any  # the named-tuple class of a row
    columns: list[Any]  # the type of each column of a row
    expands: bool  # True: an IN list is written out one mark a value (SQLite)
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


#: An IN list of PostgreSQL's compiled SQL, written as a comparison with an array instead
#: (``= ANY(%s::VARCHAR[])``): one text whatever the count of values, which psycopg prepares
#: once and PostgreSQL plans once, where each count of an IN list is a statement of its own.
_IN_LIST = re.compile(r"(NOT IN|IN) \(__\[POSTCOMPILE_(\w+)\]\)")
_positional_dialects: weakref.WeakKeyDictionary[Dialect, Dialect] = weakref.WeakKeyDictionary()


def _positional(dialect: Dialect) -> Dialect:
    """``dialect`` (psycopg's) writing its parameters as ``%s`` in order, as the driver takes
    them from a list."""
    found = _positional_dialects.get(dialect)
    if found is None:
        found = copy.copy(dialect)
        found.paramstyle, found.positional = "format", True
        _positional_dialects[dialect] = found
    return found


def _compile(statement: _Statement, dialect: Dialect) -> _Compiled | None:
    """``statement`` ready for the driver, or None where it needs SQLAlchemy's own handling."""
    expands = dialect.name == "sqlite"
    compiled = statement.compile(dialect=dialect if expands else _positional(dialect))
    keys = [entry[0] for entry in compiled._result_columns]
    if len(set(keys)) != len(keys) or not all(k.isidentifier() and k[0] != "_" for k in keys):
        return None
    binds: list[tuple[str, bool, Any, _Processor]] = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        if bind.callable is not None:
            return None
        processor = bind.type._cached_bind_processor(dialect)
        binds.append((name, bool(bind.expanding), bind.value, processor))
    if expands:
        parts = _EXPANDING.split(compiled.string)[0::2]
    else:
        parts = [_IN_LIST.sub(lambda m: _any(m, compiled, dialect), compiled.string)]
        if "__[POSTCOMPILE_" in parts[0]:  # an expansion other than a plain IN list
            return None
    columns = [entry[3] for entry in compiled._result_columns]
    processors: list[_Processor] | None = None
    if expands:  # SQLite's columns are read one way whatever the driver says
        processors = [c._cached_result_processor(dialect, None) for c in columns]
    plain = namedtuple("Row", keys)  # type: ignore[misc]  # noqa: PYI024
    # with ``_mapping``, as SQLAlchemy's rows have
    row = type("Row", (plain,), {"__slots__": (), "_mapping": property(_mapping)})
    return _Compiled(parts, binds, processors, row, columns, expands)


def _any(match: re.Match[str], compiled: Any, dialect: Dialect) -> str:
    """An IN list (``match``) as a comparison with one array parameter, cast as SQLAlchemy
    casts each value of the list."""
    bind = compiled.binds[match[2]]
    impl = bind.type._unwrapped_dialect_impl(dialect)
    mark = "%s"
    if dialect._bind_typing_render_casts and impl.render_bind_cast:
        mark = compiled.render_bind_cast(bind.type, impl, mark) + "[]"
    return f"<> ALL({mark})" if match[1] == "NOT IN" else f"= ANY({mark})"


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


def _bound(compiled: _Compiled, params: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The SQL and the values to hand the driver (None: an empty IN list on SQLite)."""
    values: list[Any] = []
    counts: list[int] = []
    for name, expanding, default, processor in compiled.binds:
        value = params[name] if name in params else default
        if expanding and compiled.expands:
            if not value:
                return None  # an empty IN: SQLAlchemy renders it as an always-false subquery
            counts.append(len(value))
            values.extend(value if processor is None else map(processor, value))
        elif expanding:  # one array
            values.append(list(value if processor is None else map(processor, value)))
        else:
            values.append(value if processor is None else processor(value))
    return compiled.text(tuple(counts)), values


def _rows(conn: Connection, compiled: _Compiled, cursor: Any) -> Rows:
    """The rows ``cursor`` read for ``compiled`` (none for a statement that returns none)."""
    description = cursor.description
    if description is None:  # an INSERT, UPDATE or DELETE
        return Rows()
    processors = compiled.processors
    if processors is None:  # as SQLAlchemy chooses them: by the type the driver says it read
        processors = compiled.processors = [
            column._cached_result_processor(conn.dialect, described.type_code)
            for column, described in zip(compiled.columns, description, strict=True)
        ]
    make = compiled.row._make
    if not any(processors):
        return Rows(map(make, cursor.fetchall()))
    return Rows(
        make(raw if p is None else p(raw) for p, raw in zip(processors, row, strict=True))
        for row in cursor.fetchall()
    )


@contextmanager
def as_sqlalchemy_errors(conn: Connection, statement: str) -> Iterator[None]:
    """The driver's errors raised as SQLAlchemy raises them (``IntegrityError`` and the rest of
    ``DBAPIError``), so that callers see what a statement through SQLAlchemy raises."""
    driver_error = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except driver_error as error:
        raise DBAPIError.instance(
            statement, None, error, driver_error, dialect=conn.dialect
        ) from error


def _driver_rows(conn: Connection, compiled: _Compiled, params: Mapping[str, Any]) -> Rows | None:
    bound = _bound(compiled, params)
    if bound is None:
        return None
    sql, values = bound
    announce(conn, None, sql, values)
    with as_sqlalchemy_errors(conn, sql):
        cursor = conn.connection.driver_connection.execute(sql, values)  # type: ignore[union-attr]
        return _rows(conn, compiled, cursor)


def driver_statement(
    conn: Connection, statement: _Statement, params: Mapping[str, Any]
) -> tuple[str, list[Any]] | None:
    """The SQL and values :func:`fetch` would hand ``conn``'s driver for ``statement`` (built
    once) with ``params``; None where it would go through SQLAlchemy."""
    if not _driven(conn.dialect):
        return None
    compiled = _compiled(statement, conn.dialect)
    return None if compiled is None else _bound(compiled, params)


def _driven(dialect: Dialect) -> bool:
    """Whether ``dialect``'s driver is handed :func:`fetch`'s statements straight."""
    if dialect.name == "sqlite":
        return dialect.paramstyle == "qmark"
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def fetch(conn: Connection, statement: _Statement, params: Mapping[str, Any] | None = None) -> Rows:
    """The rows of ``statement`` (built once and reused) with ``params``: from the driver on
    SQLite and PostgreSQL (psycopg), through SQLAlchemy on other dialects or where SQLAlchemy
    must render the SQL. A statement that returns no rows (an ``INSERT ... SELECT``, an
    ``UPDATE``, a ``DELETE``) answers with none."""
    params = params or {}
    if _driven(conn.dialect):
        compiled = _compiled(statement, conn.dialect)
        if compiled is not None:
            rows = _driver_rows(conn, compiled, params)
            if rows is not None:
                return rows
    return _through_sqlalchemy(conn, statement, params)


def _through_sqlalchemy(conn: Connection, statement: _Statement, params: Mapping[str, Any]) -> Rows:
    result = conn.execute(statement, dict(params))
    return Rows(result) if result.returns_rows else Rows()


def fetch_together(
    conn: Connection, statements: Sequence[tuple[_Statement, Mapping[str, Any]]]
) -> list[Rows]:
    """What :func:`fetch` answers for each of ``statements`` (each built once, with its
    parameters), in order, sent to the server together: on PostgreSQL (psycopg) in one
    pipeline, so one round trip serves them all; on SQLite one after another (counted as the
    one round trip PostgreSQL makes, :mod:`threadline.store.statements`). Each sees what those
    before it wrote; none may need another's answer. A failing one raises, and the rest are
    not run. Where one must go through SQLAlchemy, each is fetched on its own."""
    dialect = conn.dialect
    compiled = [_compiled(s, dialect) for s, _params in statements] if _driven(dialect) else []
    if not statements or len(statements) == 1 or not compiled or None in compiled:
        return [fetch(conn, statement, params) for statement, params in statements]
    with one_round_trip(conn):
        if dialect.name != "postgresql":
            return [fetch(conn, statement, params) for statement, params in statements]
        driver: Any = conn.connection.driver_connection
        sent = []
        with as_sqlalchemy_errors(conn, compiled[0].parts[0]), driver.pipeline():  # type: ignore[union-attr]
            for found, (_statement, params) in zip(compiled, statements, strict=True):
                sql, values = _bound(found, params)  # type: ignore[arg-type,misc]
                announce(conn, None, sql, values)
                sent.append(driver.execute(sql, values))
        return [_rows(conn, c, cursor) for c, cursor in zip(compiled, sent, strict=True)]  # type: ignore[arg-type]
