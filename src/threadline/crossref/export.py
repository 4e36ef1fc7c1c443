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

from threadline.guard import audit
from threadline.guard.policy import PermissionDenied, require
from threadline.guard.users import get_user
from threadline.resolve.export import mention_rows
from threadline.store import tables as t
from threadline.store import writing

MIN_PURPOSE_LENGTH = 3


class ExportRefused(Exception):
    """An export that may not run: no such user, a role that may not export, no purpose."""


def audited_mention_rows(
    engine: Engine, username: str, purpose: str, now: datetime, fmt: str
) -> Iterator[dict[str, Any]]:
    """:func:`mention_rows` for ``username``, once they are found to be an active user whose role
    may export (``export.mentions``) and have given a ``purpose``; the export's audit row (the
    user, the purpose, how many rows, the format) is committed before the first row is read.
    :class:`ExportRefused` otherwise, before anything is written."""
    stated = purpose.strip()
    if len(stated) < MIN_PURPOSE_LENGTH:
        raise ExportRefused("state why you export the mentions (--purpose)")
    user = get_user(engine, username)
    if user is None or not user.active:
        raise ExportRefused(f"no active user {username!r}: give --user as a user in the store")
    try:
        require(user.role, "export.mentions")
    except PermissionDenied as error:
        raise ExportRefused(error.reason) from None
    with writing(engine, alone=False) as conn:
        count = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
        audit.record(
            conn,
            user.username,
            user.role.value,
            "export.mentions",
            ["mentions:all"],
            stated,
            {"rows": int(count), "format": fmt, "via": "cli"},
            now,
        )
    return mention_rows(engine)
