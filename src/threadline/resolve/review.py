"""Human review: judgements on pairs, the review queue, and merges and splits done by people.

Judgements are append-only and attributed (who, when); the latest judgement on a pair is the one
that counts. A "different" judgement is never overridden by the model: batch resolution treats
it as a cannot-link. Splitting a wrong merge moves mentions to a new entity, records "different"
judgements so the model cannot merge them back, and leaves the whole story in ``entity_events``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from threadline.resolve.entities import format_entity_id, insert_rows, next_entity_number
from threadline.resolve.explain import read_evidence, stored_evidence
from threadline.store import tables as t
from threadline.store.lookups import mention_summaries
from threadline.store.parties import keep_parties_of_mentions

JUDGEMENTS = ("same", "different", "unsure")


class ReviewError(ValueError):
    """A judgement or split that cannot be made, with the reason."""


def ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def latest_judgements(conn: Connection) -> dict[frozenset[str], str]:
    """The latest judgement on each pair of mentions."""
    rows = conn.execute(
        select(
            t.judgements.c.mention_a, t.judgements.c.mention_b, t.judgements.c.judgement
        ).order_by(t.judgements.c.id)
    )
    return {frozenset((r.mention_a, r.mention_b)): r.judgement for r in rows}


def queue_pairs(
    conn: Connection, pairs: Iterable[tuple[str, str, float, list[str]]], now: datetime
) -> int:
    """Add uncertain pairs (a, b, probability, evidence) to the review queue, once each."""
    pairs = list(pairs)
    wanted = sorted({ordered(a, b)[0] for a, b, _p, _e in pairs})
    existing: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), 500):
        rows_found = conn.execute(
            select(t.review_queue.c.mention_a, t.review_queue.c.mention_b).where(
                t.review_queue.c.mention_a.in_(wanted[start : start + 500])
            )
        )
        existing.update((r.mention_a, r.mention_b) for r in rows_found)
    rows = []
    for a, b, probability, evidence in pairs:
        left, right = ordered(a, b)
        if (left, right) in existing:
            continue
        existing.add((left, right))
        rows.append((left, right, probability, stored_evidence(evidence), now, "open"))
    if rows:  # plain tuples in one executemany (COPY on PostgreSQL for a batch run's many)
        insert_rows(conn, t.review_queue, _QUEUE_COLUMNS, rows)
    return len(rows)


_QUEUE_COLUMNS = (
    "mention_a", "mention_b", "match_probability", "evidence", "created_at", "status"
)  # fmt: skip


@dataclass(frozen=True)
class QueueItem:
    id: int
    mention_a: str
    mention_b: str
    match_probability: float
    evidence: list[str]
    created_at: datetime
    #: what rides on the judgement: (person, rule id) for each open alert about either person
    at_stake: list[tuple[str, str]] = field(default_factory=list)


def open_count(conn: Connection) -> int:
    """How many pairs in the review queue await a reviewer."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(t.review_queue)
            .where(t.review_queue.c.status == "open")
        ).scalar_one()
    )


def mention_words(conn: Connection, keys: Iterable[str]) -> Callable[[str], str]:
    """How a reviewer knows each of ``keys`` (mention keys), for the words of the evidence a
    pair is queued with: the name as written, its role and its record's reference
    (``Megan Hale (victim in INC-20250223-0010)``), not the store's key (a key not found is
    left as it is)."""
    found = mention_summaries(conn, keys)
    words = {}
    for key, r in found.items():
        name = " ".join(p for p in (r.forenames, r.surname) if p) or (
            f'"{r.description}"' if r.description else "no name given"
        )
        words[key] = f"{name} ({r.role} in {r.record_key.rsplit(':', 1)[-1]})"
    return lambda key: words.get(key, key)


def open_queue(conn: Connection, limit: int = 100) -> list[QueueItem]:
    """The open review queue: first the pairs where either mention's person is in an open alert
    (joining or splitting them changes a picture of risk someone is acting on), then the rest;
    each part most probable first (a link refused for a reason, then the most likely match)."""
    rq, em = t.review_queue, t.entity_members
    a, al = t.alerts, t.alert_links
    # each queued pair's two people looked up in the open alerts' links by index (a few look-ups
    # a pair), rather than every open alert's links gathered first: those outnumber the queue
    # (demo force: 31k links, 1.7k open pairs; 566 -> 31 ms in SQLite). The pairs at stake are
    # read most probable first from the index on status and probability, looked up until
    # ``limit`` are found, the rest only if too few are: most of a queue is at stake (three in
    # four pairs of the demo force), so a few dozen are looked up, not every open pair (a
    # million incidents' queue: 720 ms)
    staked = (
        select(em.c.mention_key)
        .join(al, al.c.link == em.c.entity_id)
        .join(a, a.c.alert_key == al.c.alert_key)
        .where(em.c.mention_key.in_((rq.c.mention_a, rq.c.mention_b)), a.c.status == "open")
        .exists()
    )
    in_order = (rq.c.match_probability.desc(), rq.c.id)
    open_pairs = select(rq.c.id).where(rq.c.status == "open").order_by(*in_order)
    ids = list(conn.execute(open_pairs.where(staked).limit(limit)).scalars())
    if len(ids) < limit:
        ids += conn.execute(open_pairs.where(~staked).limit(limit - len(ids))).scalars()
    em_a, em_b = em.alias("em_a"), em.alias("em_b")
    rows = conn.execute(
        select(rq, em_a.c.entity_id.label("entity_a"), em_b.c.entity_id.label("entity_b"))
        .where(rq.c.id.in_(ids))
        .outerjoin(em_a, em_a.c.mention_key == rq.c.mention_a)
        .outerjoin(em_b, em_b.c.mention_key == rq.c.mention_b)
    ).all()
    people = sorted({e for r in rows for e in (r.entity_a, r.entity_b) if e is not None})
    rules: dict[str, set[str]] = {}
    for start in range(0, len(people), 500):
        found = conn.execute(
            select(al.c.link, a.c.rule_id)
            .join(a, a.c.alert_key == al.c.alert_key)
            .where(a.c.status == "open", al.c.link.in_(people[start : start + 500]))
        )
        for link, rule_id in found:
            rules.setdefault(link, set()).add(rule_id)
    items = [
        QueueItem(
            r.id,
            r.mention_a,
            r.mention_b,
            r.match_probability,
            read_evidence(r.evidence),
            r.created_at,
            [
                (person, rule_id)
                for person in dict.fromkeys(e for e in (r.entity_a, r.entity_b) if e is not None)
                for rule_id in sorted(rules.get(person, ()))
            ],
        )
        for r in rows
    ]
    return sorted(items, key=lambda i: (not i.at_stake, -i.match_probability, i.id))


def _entity_of(conn: Connection, mention: str) -> str:
    entity = conn.execute(
        select(t.entity_members.c.entity_id).where(t.entity_members.c.mention_key == mention)
    ).scalar()
    if entity is None:
        raise ReviewError(f"mention {mention} has not been resolved to an entity")
    return str(entity)


def _members(conn: Connection, entity_id: str) -> list[str]:
    return list(
        conn.execute(
            select(t.entity_members.c.mention_key).where(t.entity_members.c.entity_id == entity_id)
        ).scalars()
    )


def _event(
    conn: Connection,
    now: datetime,
    action: str,
    entity_id: str,
    mentions: list[str],
    by: str,
    note: str | None,
) -> None:
    conn.execute(
        insert(t.entity_events).values(
            at=now,
            action=action,
            entity_id=entity_id,
            mention_keys=sorted(mentions),
            by=by,
            note=note,
        )
    )


def _move(
    conn: Connection, mentions: list[str], entity_id: str, now: datetime, by: str, note: str
) -> None:
    conn.execute(
        update(t.entity_members)
        .where(t.entity_members.c.mention_key.in_(mentions))
        .values(
            entity_id=entity_id,
            assigned_at=now,
            assigned_by=by,
            match_probability=None,
            evidence=[note],
        )
    )
    keep_parties_of_mentions(conn, mentions)


@dataclass(frozen=True)
class Judgement:
    """A reviewer's judgement as it is kept: on ``a`` and ``b`` (two mention keys, or a sender's
    key and a mention key), one of :data:`JUDGEMENTS` (:class:`ReviewError` otherwise), by
    ``user`` at ``at``, and why."""

    a: str
    b: str
    judgement: str
    user: str
    at: datetime
    note: str | None = None

    def __post_init__(self) -> None:
        if self.judgement not in JUDGEMENTS:
            raise ReviewError(f"judgement {self.judgement!r} is not one of {', '.join(JUDGEMENTS)}")

    def row(self) -> dict[str, Any]:
        """The ``judgements`` row, the pair in key order."""
        left, right = ordered(self.a, self.b)
        return {
            "mention_a": left,
            "mention_b": right,
            "judgement": self.judgement,
            "user": self.user,
            "created_at": self.at,
            "note": self.note,
        }


def keep_judgement(conn: Connection, judged: Judgement) -> None:
    """Append a reviewer's judgement and take the pair off the review queue. What follows from
    it is the caller's: :func:`record_judgement` merges or splits, a sender's is attributed
    again."""
    row = judged.row()
    conn.execute(insert(t.judgements).values(row))
    conn.execute(
        update(t.review_queue)
        .where(
            and_(
                t.review_queue.c.mention_a == row["mention_a"],
                t.review_queue.c.mention_b == row["mention_b"],
            )
        )
        .values(status="decided")
    )


def record_judgement(conn: Connection, judged: Judgement) -> dict[str, Any]:
    """Store a reviewer's judgement on two mentions and act on it.

    "same" merges their entities (the older id stays); "different" on one entity splits ``b``
    out to a new entity; "unsure" only records the judgement. The pair leaves the queue.
    """
    a, b, judgement, note = judged.a, judged.b, judged.judgement, judged.note
    if a == b:
        raise ReviewError("a mention cannot be judged against itself")
    entity_a, entity_b = _entity_of(conn, a), _entity_of(conn, b)
    keep_judgement(conn, judged)
    now, by = judged.at, f"reviewer:{judged.user}"
    outcome: dict[str, Any] = {"judgement": judgement, "entities": sorted({entity_a, entity_b})}
    if judgement == "same" and entity_a != entity_b:
        keep, gone = sorted((entity_a, entity_b))
        moving = _members(conn, gone)
        _move(
            conn, moving, keep, now, by, f"judged the same person as {a if keep == entity_a else b}"
        )
        _event(conn, now, "merged", keep, moving, by, note or f"{gone} merged into {keep}")
        _event(conn, now, "retired", gone, [], by, f"merged into {keep}")
        outcome["entity"] = keep
    elif judgement == "different" and entity_a == entity_b:
        outcome["entity"] = split_entity(conn, entity_a, [b], judged.user, now, note or f"not {a}")
    return outcome


def split_entity(
    conn: Connection,
    entity_id: str,
    mention_keys: list[str],
    user: str,
    now: datetime,
    reason: str,
) -> str:
    """Move ``mention_keys`` out of ``entity_id`` into a new entity; return the new id.

    Each moved mention is judged "different" from each one left behind, so that no later
    resolution puts them back together.
    """
    members = set(_members(conn, entity_id))
    moving = sorted(set(mention_keys))
    if not moving:
        raise ReviewError("nothing to split off")
    stray = [m for m in moving if m not in members]
    if stray:
        raise ReviewError(f"{', '.join(stray)} not in entity {entity_id}")
    staying = sorted(members - set(moving))
    if not staying:
        raise ReviewError(f"splitting off every record of {entity_id} would leave it empty")
    new_id = format_entity_id(next_entity_number(conn))
    label = conn.execute(select(t.entities.c.label).where(t.entities.c.id == entity_id)).scalar()
    conn.execute(
        insert(t.entities).values(
            id=new_id, kind="person", label=label, created_at=now, updated_at=now
        )
    )
    by = f"reviewer:{user}"
    _move(conn, moving, new_id, now, by, f"split from {entity_id}: {reason}")
    note = f"split from {entity_id}"
    rows = [Judgement(m, s, "different", user, now, note).row() for m in moving for s in staying]
    if rows:
        conn.execute(insert(t.judgements), rows)
    _event(conn, now, "split", entity_id, moving, by, f"{reason}; moved to {new_id}")
    _event(conn, now, "created", new_id, moving, by, f"split from {entity_id}: {reason}")
    return new_id


def entity_history(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    """Everything that happened to an entity, oldest first."""
    rows = conn.execute(
        select(t.entity_events)
        .where(or_(t.entity_events.c.entity_id == entity_id))
        .order_by(t.entity_events.c.id)
    )
    return [dict(r._mapping) for r in rows]
