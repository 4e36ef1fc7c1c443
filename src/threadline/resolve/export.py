"""Every person mention with the entity it was resolved to, for checking outside Threadline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, select

from threadline.store import tables as t

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
