"""Cases in the store: the case rows, their incidents, their steps and the notifications.

The rules (which step may follow which, who may take it) are :mod:`threadline.recognise.cases`;
gathering a course of conduct into a case is :mod:`threadline.crossref.cases`. This module only
reads and writes ``cases``, ``case_incidents``, ``case_steps`` and ``notifications`` (and looks
up the mentions, entities and incidents a case is keyed on).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from threadline.recognise.cases import CaseRecord
from threadline.store import tables as t
from threadline.store.queries import chunks


def _chunks(values: Iterable[str]) -> Iterable[Sequence[str]]:
    """``values``, distinct and sorted, in chunks an ``IN`` list binds."""
    return chunks(sorted(set(values)))


def cases_of_incidents(conn: Connection, refs: Iterable[str]) -> list[dict[str, Any]]:
    """Every case (open or closed) holding any of ``refs``, oldest first."""
    found: dict[int, dict[str, Any]] = {}
    ci = t.case_incidents
    for chunk in _chunks(refs):
        ids = select(ci.c.case_id).where(ci.c.incident_ref.in_(chunk))
        for row in conn.execute(select(t.cases).where(t.cases.c.id.in_(ids))):
            found[row.id] = dict(row._mapping)
    return [found[k] for k in sorted(found)]


def entities_of_mentions(conn: Connection, mention_keys: Iterable[str]) -> dict[str, str]:
    """The entity each of ``mention_keys`` is resolved to now (one not resolved is absent)."""
    em = t.entity_members
    found: dict[str, str] = {}
    for chunk in _chunks(mention_keys):
        rows = conn.execute(
            select(em.c.mention_key, em.c.entity_id).where(em.c.mention_key.in_(chunk))
        )
        found.update({row.mention_key: row.entity_id for row in rows})
    return found


def mention_of_entity(conn: Connection, incident_ref: str, entity_id: str) -> str | None:
    """The (first) mention of ``entity_id`` in the incident ``incident_ref``, if any."""
    i, m, em = t.incidents, t.mentions, t.entity_members
    return conn.execute(
        select(m.c.mention_key)
        .join(i, i.c.record_key == m.c.record_key)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(i.c.ref == incident_ref, em.c.entity_id == entity_id)
        .order_by(m.c.mention_key)
        .limit(1)
    ).scalar()


def incident_officer(conn: Connection, incident_ref: str) -> str | None:
    """The officer who took the report ``incident_ref`` (as the incident names them)."""
    i = t.incidents
    officer: str | None = conn.execute(
        select(i.c.officer).where(i.c.ref == incident_ref).order_by(i.c.id).limit(1)
    ).scalar()
    return officer


def insert_case(conn: Connection, values: dict[str, Any]) -> int:
    """A new case row; its id."""
    key = conn.execute(insert(t.cases).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def update_case(conn: Connection, case_id: int, **values: Any) -> None:
    conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(**values))


def add_incidents(
    conn: Connection, case_id: int, refs: Sequence[str], joined_on: str, now: datetime
) -> None:
    """Add ``refs`` (none already in the case) to it, as joined at the report ``joined_on``."""
    if refs:
        conn.execute(
            insert(t.case_incidents),
            [
                {"case_id": case_id, "incident_ref": ref, "joined_at": now, "joined_on": joined_on}
                for ref in refs
            ],
        )


def incidents_of_case(conn: Connection, case_id: int) -> list[dict[str, Any]]:
    """The incidents of a case with when they happened and joined, in reported order."""
    ci, i = t.case_incidents, t.incidents
    rows = conn.execute(
        select(ci.c.incident_ref, ci.c.joined_at, ci.c.joined_on, i.c.reported_at, i.c.category)
        .outerjoin(i, i.c.ref == ci.c.incident_ref)
        .where(ci.c.case_id == case_id)
        .order_by(i.c.reported_at, ci.c.id)
    )
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row.incident_ref, dict(row._mapping))
    return list(seen.values())


def append_case_step(conn: Connection, case_id: int, record: CaseRecord) -> None:
    """Append ``record`` to the steps of case ``case_id`` (in the caller's transaction)."""
    conn.execute(
        insert(t.case_steps),
        {
            "case_id": case_id,
            "at": record.at,
            "step": record.step,
            "user": record.by,
            "role": record.role,
            "detail": dict(record.detail),
        },
    )


def steps_of_case(conn: Connection, case_id: int) -> list[CaseRecord]:
    """The steps taken on case ``case_id``, in the order taken."""
    s = t.case_steps
    rows = conn.execute(select(s).where(s.c.case_id == case_id).order_by(s.c.id))
    return [CaseRecord(r.step, r.user, r.role, r.at, dict(r.detail or {})) for r in rows]


def case_row(conn: Connection, case_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(t.cases).where(t.cases.c.id == case_id)).first()
    return dict(row._mapping) if row is not None else None


def list_cases(
    conn: Connection,
    *,
    officers: Sequence[str] = (),
    status: str | None = None,
    entity: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Cases newest first, of any of ``officers``, with ``status``, naming ``entity``, if given;
    each with its number of incidents."""
    c, ci = t.cases, t.case_incidents
    count = (
        select(func.count(ci.c.id)).where(ci.c.case_id == c.c.id).scalar_subquery().label("count")
    )
    query = select(c, count).order_by(c.c.updated_at.desc(), c.c.id.desc()).limit(limit)
    if officers:
        query = query.where(c.c.officer.in_(list(officers)))
    if status:
        query = query.where(c.c.status == status)
    if entity:
        query = query.where((c.c.suspect == entity) | (c.c.victim == entity))
    return [dict(row._mapping) for row in conn.execute(query)]


def notify(
    conn: Connection,
    recipient: str,
    case_id: int,
    incident_ref: str | None,
    kind: str,
    message: str,
    now: datetime,
) -> None:
    """Tell ``recipient`` (an officer or a team, as the case names them) ``message``."""
    conn.execute(
        insert(t.notifications).values(
            recipient=recipient,
            case_id=case_id,
            incident_ref=incident_ref,
            at=now,
            kind=kind,
            message=message,
        )
    )


def notifications_for(
    conn: Connection, recipients: Sequence[str], *, unread: bool = False, limit: int = 200
) -> list[dict[str, Any]]:
    """What ``recipients`` (a user's name and display name) were told, newest first."""
    n = t.notifications
    query = (
        select(n).where(n.c.recipient.in_(list(recipients))).order_by(n.c.id.desc()).limit(limit)
    )
    if unread:
        query = query.where(n.c.read_at.is_(None))
    return [dict(row._mapping) for row in conn.execute(query)]


def notifications_of_case(conn: Connection, case_id: int) -> list[dict[str, Any]]:
    n = t.notifications
    rows = conn.execute(select(n).where(n.c.case_id == case_id).order_by(n.c.id))
    return [dict(row._mapping) for row in rows]


def mark_read(
    conn: Connection, recipients: Sequence[str], ids: Sequence[int], now: datetime
) -> int:
    """Mark ``ids`` (only those addressed to ``recipients``) read; how many were unread."""
    n = t.notifications
    result = conn.execute(
        update(n)
        .where(n.c.id.in_(list(ids)), n.c.recipient.in_(list(recipients)), n.c.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount or 0)


def breach_alerts_of(
    conn: Connection, refs: Iterable[str], rules: Iterable[str]
) -> list[dict[str, Any]]:
    """The alerts of ``rules`` (the breach rules) fired at any of the incidents ``refs`` and not
    cleared, oldest first."""
    a = t.alerts
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(refs):
        rows = conn.execute(
            select(a).where(
                a.c.rule_id.in_(sorted(set(rules))),
                a.c.incident_ref.in_(chunk) | a.c.first_incident_ref.in_(chunk),
                a.c.status != "cleared",
            )
        )
        found.update({row.id: dict(row._mapping) for row in rows})
    return [found[k] for k in sorted(found)]


def labels_of(conn: Connection, entity_ids: Iterable[str]) -> dict[str, str]:
    """The label (name as resolved) of each of ``entity_ids``."""
    e = t.entities
    found: dict[str, str] = {}
    for chunk in _chunks(entity_ids):
        rows = conn.execute(select(e.c.id, e.c.label).where(e.c.id.in_(chunk)))
        found.update({row.id: row.label or row.id for row in rows})
    return found
