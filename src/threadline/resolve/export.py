"""Every person mention with the entity it was resolved to, for checking outside Threadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from threadline.guard import audit
from threadline.guard.policy import PermissionDenied, require
from threadline.guard.users import get_user
from threadline.store import tables as t
from threadline.store import writing

MIN_PURPOSE_LENGTH = 3

MENTION_COLUMNS = [
    "record_kind",
    "record_ref",
    "record_source",
    "position",
    "role",
    "forenames",
    "surname",
    "dob",
    "entity_id",
    "match_probability",
    "resolved_by",
    "mention_key",
]


def mention_rows(engine: Engine, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """One row per person mention (streamed), with its entity and match probability."""
    m, em = t.mentions, t.entity_members
    query = (
        select(
            m.c.mention_key,
            m.c.record_key,
            m.c.position,
            m.c.role,
            m.c.forenames,
            m.c.surname,
            m.c.dob,
            em.c.entity_id,
            em.c.match_probability,
            em.c.assigned_by,
        )
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .order_by(m.c.id)
    )
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(query)
        for r in result:
            kind, source, ref = r.record_key.split(":", 2)
            yield {
                "record_kind": kind,
                "record_ref": ref,
                "record_source": source,
                "position": r.position,
                "role": r.role,
                "forenames": r.forenames,
                "surname": r.surname,
                "dob": r.dob,
                "entity_id": r.entity_id,
                "match_probability": r.match_probability,
                "resolved_by": r.assigned_by,
                "mention_key": r.mention_key,
            }


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
