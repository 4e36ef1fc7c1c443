"""Each incident's victim and suspect as people, kept beside it (``incident_parties``,
migration 0019), rewritten wherever who is who can change: a membership written (batch and
call-time resolution, an inference, a merge, a reviewer's judgement) or an incident's people
replaced by a new version of it.

Issue 24: the owed list's S-DASH rule groups the incidents with stalking signs by victim and
suspect; finding them through every incident's mentions and memberships took 10 s of the
dashboard at a million incidents. The kept pair is what
:func:`threadline.crossref.risk.victim_and_suspect` takes from the incident's people
(:func:`threadline.crossref.risk.people_by_role`): the first victim mention that is resolved to
a person (else the first caller) and the first suspect, in the order the mentions were written.
An incident with neither has no row. Beside them, ``maybe_stalking``: the incident's kept
stalking signs (``incidents.stalking_signs``), true where they are not yet read, so that the
courses are grouped from one index alone; it is rewritten where the signs are
(:func:`threadline.crossref.pipeline.keep_stalking_signs`). ``tests/store/test_parties.py``
checks the kept rows equal that reading after each kind of write, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Delete,
    Insert,
    ScalarSelect,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
)

from threadline.store import tables as t
from threadline.store.queries import chunks, fetch_together

#: How an incident's record key starts (:func:`threadline.store.records.record_key`).
_INCIDENT = "incident:"


def _first(roles: tuple[str, ...]) -> ScalarSelect[Any]:
    """The person of the incident's first resolved mention in ``roles`` (the earlier role
    first, then the mention written first)."""
    i, m, em = t.incidents, t.mentions, t.entity_members
    rank = case({role: n for n, role in enumerate(roles)}, value=m.c.role)
    return (
        select(em.c.entity_id)
        .select_from(m)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.record_key == i.c.record_key, m.c.record_kind == "incident")
        .where(m.c.role.in_(roles))
        .order_by(rank, m.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _parties(keys: Any | None) -> Select[Any]:
    """The parties of the incidents whose record keys ``keys`` gives (every incident if None),
    those with a victim or a suspect."""
    i = t.incidents
    victim, suspect = _first(("victim", "caller")), _first(("suspect",))
    maybe = func.coalesce(i.c.stalking_signs, true())
    named = select(
        i.c.record_key, victim.label("victim"), suspect.label("suspect"), maybe.label("maybe")
    )
    if keys is not None:
        named = named.where(i.c.record_key.in_(keys))
    rows = named.subquery()
    return select(rows.c.record_key, rows.c.victim, rows.c.suspect, rows.c.maybe).where(
        or_(rows.c.victim.is_not(None), rows.c.suspect.is_not(None))
    )


_COLUMNS = ["record_key", "victim_entity", "suspect_entity", "maybe_stalking"]


@cache
def _rewrite(of_mentions: bool) -> tuple[Delete, Insert]:
    """The kept parties of some incidents deleted, and written again: of the incidents with the
    record keys ``keys``, or (``of_mentions``) of the incidents that mention the mention keys
    ``keys``. Built once, the keys one list (one array on PostgreSQL)."""
    p, m = t.incident_parties, t.mentions
    keys: Any = bindparam("keys", expanding=True)
    if of_mentions:
        keys = select(m.c.record_key).where(
            m.c.mention_key.in_(keys), m.c.record_kind == "incident"
        )
    return delete(p).where(p.c.record_key.in_(keys)), insert(p).from_select(
        _COLUMNS, _parties(keys)
    )


def _write(conn: Connection, keys: Sequence[str], of_mentions: bool = False) -> None:
    """Both statements of :func:`_rewrite` sent together (one round trip on PostgreSQL)."""
    fetch_together(conn, _statements(keys, of_mentions))


def _statements(
    keys: Sequence[str], of_mentions: bool = False
) -> list[tuple[Delete | Insert, Any]]:
    remove, add = _rewrite(of_mentions)
    return [(remove, {"keys": keys}), (add, {"keys": keys})]


def keep_parties(conn: Connection, record_keys: Collection[str]) -> None:
    """Rewrite the kept parties of the incidents ``record_keys`` (other records' keys are
    passed over, with no statement) from their mentions and memberships as they now are."""
    statements = parties_rewrite(record_keys)
    for start in range(0, len(statements), 2):
        fetch_together(conn, statements[start : start + 2])


def parties_rewrite(record_keys: Collection[str]) -> list[tuple[Delete | Insert, Any]]:
    """The statements (with their parameters) of :func:`keep_parties`, for a caller that sends
    them with a read of its own (:func:`threadline.store.queries.fetch_together`: one round
    trip on PostgreSQL). They return nothing."""
    keys = sorted(k for k in record_keys if k.startswith(_INCIDENT))
    return [statement for chunk in chunks(keys) for statement in _statements(chunk)]


def keep_parties_of_mentions(conn: Connection, mention_keys: Collection[str]) -> None:
    """Rewrite the kept parties of the incidents that mention ``mention_keys`` (after their
    memberships were written): two statements per 500 mentions."""
    for chunk in chunks(sorted(mention_keys)):
        _write(conn, chunk, of_mentions=True)


def rebuild_parties(conn: Connection) -> None:
    """Rewrite every incident's kept parties (a batch resolution). Migration 0019 fills them
    with its own copy of this query, frozen; ``tests/store/test_kept_facts_migration.py``
    holds the two to the same rows."""
    p = t.incident_parties
    conn.execute(delete(p))
    conn.execute(insert(p).from_select(_COLUMNS, _parties(None)))
