"""Exports of person data: each needs a user who may export and a purpose, and is audited.

The bulk export of every person mention (:func:`threadline.resolve.export.mention_rows`) is a
disclosure of people (Data Protection Act 2018 Part 3: logging of disclosure); the command line
runs it as a named user of the store, with the purpose written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from threadline.crossref.reads import ReadRefused, reader
from threadline.guard import audit
from threadline.resolve.export import mention_rows
from threadline.store import tables as t
from threadline.store import writing

#: An export that may not run: no such user, a role that may not export, no purpose (audited).
ExportRefused = ReadRefused


def audited_mention_rows(
    engine: Engine, username: str, purpose: str, now: datetime, fmt: str
) -> Iterator[dict[str, Any]]:
    """:func:`mention_rows` for ``username``, once they are found to be an active user whose role
    may export (``export.mentions``) and have given a ``purpose`` (:func:`reader`, which audits
    a refusal and raises :class:`ExportRefused`); the export's audit row (the user, the purpose,
    how many rows, the format) is committed before the first row is read."""
    who = reader(engine, username, purpose, "export.mentions", "export mentions", now)
    with writing(engine, alone=False) as conn:
        count = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
        audit.record(
            conn,
            who.user.username,
            who.role.value,
            "export.mentions",
            ["mentions:all"],
            who.purpose,
            {"rows": int(count), "format": fmt, "via": "cli"},
            now,
        )
    return mention_rows(engine)
