"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, DateTime, Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

#: JSON documents: JSONB on PostgreSQL (indexable), JSON text on SQLite.
Document = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC time stamp. SQLite keeps no offset, so times are stored as naive UTC and
    come back aware; PostgreSQL stores ``timestamptz``. Naive input is refused: the model layer
    has already decided which zone a naive time was in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"time stamp {value!r} has no time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class shifted(ColumnElement[datetime]):  # noqa: N801 (an SQL expression, named as a function)
    """``column + seconds`` for a :class:`UTCDateTime` column, compared in SQL with other time
    stamps as exactly as in Python: PostgreSQL adds an interval to the ``timestamptz``; SQLite,
    which keeps ``YYYY-MM-DD HH:MM:SS.ffffff`` text, shifts its whole seconds with
    ``strftime`` and puts the column's own fraction back, so the result is text of the same shape
    (``strftime``'s ``%f`` would keep milliseconds only)."""

    inherit_cache = True
    type = UTCDateTime()
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("seconds", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, column: ColumnElement[datetime], seconds: int) -> None:
        if not isinstance(seconds, int):
            raise TypeError("shift a time stamp by whole seconds")
        self.column = column
        self.seconds = seconds


@compiles(shifted, "sqlite")
def _shifted_sqlite(element: shifted, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return (
        f"(strftime('%Y-%m-%d %H:%M:%S', substr({column}, 1, 19), '{element.seconds:+d} seconds') "
        f"|| substr({column}, 20))"
    )


@compiles(shifted)
def _shifted_default(element: shifted, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"({column} + interval '{element.seconds:d} seconds')"
