"""Small look-ups the use cases share: does a person or incident exist, whom a mention is
resolved to, and the mentions of a review pair as a reviewer reads them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Connection, select

from threadline.store import tables as t
from threadline.store.queries import chunks

#: Mention keys read a statement at a time by :func:`mention_summaries`.
SUMMARY_CHUNK = 10_000


def entity_exists(conn: Connection, entity_id: str) -> bool:
    """Whether there is a person (entity) ``entity_id``."""
    e = t.entities
    return conn.execute(select(e.c.id).where(e.c.id == entity_id)).first() is not None


def resolved_entity(conn: Connection, mention_key: str) -> str | None:
    """The person ``mention_key`` is resolved to, or ``None``."""
    em = t.entity_members
    found = conn.execute(select(em.c.entity_id).where(em.c.mention_key == mention_key)).first()
    return None if found is None else str(found.entity_id)


def incident_row(conn: Connection, ref: str) -> Any | None:
    """The first stored incident with reference ``ref`` (any source), or ``None``."""
    i = t.incidents
    return conn.execute(select(i).where(i.c.ref == ref).order_by(i.c.id).limit(1)).first()


def mention_columns() -> list[Column[Any]]:
    """The columns of ``mentions`` that say who a mention is as written: its key and record,
    role, name, description and relationship to the victim
    (:class:`threadline.resolve.described.MentionRow` is read from these)."""
    m = t.mentions
    return [
        m.c.mention_key,
        m.c.record_key,
        m.c.role,
        m.c.forenames,
        m.c.surname,
        m.c.description,
        m.c.relationship_to_victim,
    ]


def mention_summaries(conn: Connection, keys: Iterable[str]) -> dict[str, Any]:
    """Mention key → its row as a reviewer reads it: record, role, name as written, date of
    birth, when, and the person it is resolved to (``None`` if none)."""
    wanted = sorted(set(keys))
    m, em = t.mentions, t.entity_members
    query = select(*mention_columns(), m.c.dob, m.c.event_time, em.c.entity_id).outerjoin(
        em, em.c.mention_key == m.c.mention_key
    )
    found = {}
    # batch resolution of a million mentions asks for a quarter of them, over the stores' limit
    for chunk in chunks(wanted, SUMMARY_CHUNK):
        for r in conn.execute(query.where(m.c.mention_key.in_(chunk))):
            found[r.mention_key] = r
    return found
