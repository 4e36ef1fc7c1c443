"""Entities in the store: stable ids, memberships, and the append-only history of both.

A clustering says which mentions belong together; this module turns that into entity ids that
stay put. An entity keeps its id when records join it; when clusters merge, the entity with most
of the members keeps its id; when one splits, the largest part keeps it and the rest get new ids.
Every change is written to ``entity_events`` with who or what made it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Select,
    String,
    Table,
    bindparam,
    func,
    literal,
    select,
    union_all,
    update,
)

from threadline.resolve.explain import stored_evidence
from threadline.store import tables as t
from threadline.store.parties import keep_parties_of_mentions, rebuild_parties
from threadline.store.queries import fetch
from threadline.store.writers import Writer, writer_for

ENTITY_PREFIX = "P"


def format_entity_id(number: int) -> str:
    return f"{ENTITY_PREFIX}{number:07d}"


@cache
def highest_entity() -> Select[Any]:
    """The highest entity id issued so far (one row; None if there is none)."""
    return select(func.max(t.entities.c.id))


def next_entity_number(conn: Connection) -> int:
    """One more than the highest entity number issued so far."""
    return number_after(fetch(conn, highest_entity()).scalar())


def number_after(highest: str | None) -> int:
    """One more than the number of the entity id ``highest`` (:func:`highest_entity`'s answer)."""
    return int(highest[len(ENTITY_PREFIX) :]) + 1 if highest else 1


def stable_ids(
    clusters: Mapping[str, str],
    previous: Mapping[str, str],
    first_new: int,
) -> dict[str, str]:
    """Entity id for each cluster label: the previous entity most of its members had, else new.

    Greedy by overlap: the (cluster, old entity) pairs sharing most members are matched first,
    each old id to at most one cluster, ties broken by the smaller id (the older entity).
    """
    overlap: Counter[tuple[str, str]] = Counter()
    for mention, label in clusters.items():
        old = previous.get(mention)
        if old is not None:
            overlap[(label, old)] += 1
    assigned: dict[str, str] = {}
    used: set[str] = set()
    for (label, old), _count in sorted(
        overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])
    ):
        if label in assigned or old in used:
            continue
        assigned[label] = old
        used.add(old)
    number = first_new
    for label in sorted(set(clusters.values())):
        if label not in assigned:
            assigned[label] = format_entity_id(number)
            number += 1
    return assigned


@dataclass
class Membership:
    """Where a mention now belongs, and the evidence for it."""

    entity_id: str
    probability: float | None = None
    evidence: list[str] | None = None
    #: the member mention it was linked to (batch resolution), kept in its own column
    linked_to: str | None = None


@dataclass
class Changes:
    created: int = 0
    retired: int = 0
    moved: int = 0
    joined: int = 0
    unchanged: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    #: the entities made, and those that members joined (made or not)
    created_entities: set[str] = field(default_factory=set)
    joined_entities: set[str] = field(default_factory=set)


@cache
def _memberships(of_keys: bool) -> Select[Any]:
    em = t.entity_members
    query = select(em.c.mention_key, em.c.entity_id)
    if not of_keys:
        return query
    return query.where(em.c.mention_key.in_(bindparam("keys", expanding=True)))


@cache
def _existing_entities() -> Select[Any]:
    return select(t.entities.c.id).where(t.entities.c.id.in_(bindparam("keys", expanding=True)))


@cache
def _memberships_and_entities() -> CompoundSelect[Any]:
    """The memberships of the mentions ``keys`` and, with no mention, those of the entities
    ``entities`` that exist: what call time's :func:`apply_memberships` reads, in one
    statement."""
    em, e = t.entity_members, t.entities
    return union_all(
        select(em.c.mention_key, em.c.entity_id).where(
            em.c.mention_key.in_(bindparam("keys", expanding=True))
        ),
        select(literal(None, String).label("mention_key"), e.c.id.label("entity_id")).where(
            e.c.id.in_(bindparam("entities", expanding=True))
        ),
    )


@cache
def _membership_statements() -> dict[str, Any]:
    em, e = t.entity_members, t.entities
    return {
        "move": update(em).where(em.c.mention_key == bindparam("b_mention")),
        "label": update(e).where(e.c.id == bindparam("b_entity")),
    }


def load_memberships(conn: Connection, keys: list[str] | None = None) -> dict[str, str]:
    """mention → entity, for every mention or for ``keys`` only."""
    if keys is None:
        return {row.mention_key: row.entity_id for row in fetch(conn, _memberships(False))}
    found: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = fetch(conn, _memberships(True), {"keys": chunk})
        found.update({row.mention_key: row.entity_id for row in rows})
    return found


def apply_memberships(
    conn: Connection,
    members: Mapping[str, Membership],
    labels: Mapping[str, str],
    now: datetime,
    by: str,
    partial: bool = False,
    keep: bool = True,
) -> Changes:
    """Write ``members`` (mention → membership) as the new state, recording what changed, and
    the kept victim and suspect of the incidents that mention them
    (:mod:`threadline.store.parties`).

    ``partial`` (call time) touches only the given mentions and retires nothing; otherwise the
    memberships are the whole store's and entities left with no members are retired. ``keep``
    false (call time, mention by mention) leaves the incidents' parties to the caller, who
    keeps them once the record's people are all written.
    """
    changes = Changes()
    wanted = {m.entity_id for m in members.values()}
    if partial and members and len(members) <= 500 and len(wanted) <= 500:
        previous, existing = {}, set()
        params = {"keys": sorted(members), "entities": sorted(wanted)}
        for found in fetch(conn, _memberships_and_entities(), params):
            if found.mention_key is None:
                existing.add(found.entity_id)
            else:
                previous[found.mention_key] = found.entity_id
    elif partial:
        previous = load_memberships(conn, list(members))
        existing = set(fetch(conn, _existing_entities(), {"keys": sorted(wanted)}).scalars())
    else:
        previous = load_memberships(conn, None)
        existing = set(conn.execute(select(t.entities.c.id)).scalars())
    writer = writer_for(conn)
    # Call time's inserts (no membership moved: no other statement among them) go together:
    # on PostgreSQL one round trip for the entity, the membership and its event.
    alone = partial and all(previous.get(m) in (None, v.entity_id) for m, v in members.items())
    with writer.together() if alone else nullcontext():
        _write_memberships(
            conn, writer, members, labels, now, by, partial, previous, existing, wanted, changes
        )
    if not partial:
        rebuild_parties(conn)
    elif keep and (written := [m for m, v in members.items() if previous.get(m) != v.entity_id]):
        keep_parties_of_mentions(conn, written)
    relabelled = [  # an entity made just now already has its label
        {"b_entity": entity_id, "label": label, "updated_at": now}
        for entity_id, label in labels.items()
        if entity_id in changes.joined_entities and entity_id not in changes.created_entities
    ]
    if relabelled:
        conn.execute(_membership_statements()["label"], relabelled)
    return changes


def _write_memberships(
    conn: Connection,
    writer: Writer,
    members: Mapping[str, Membership],
    labels: Mapping[str, str],
    now: datetime,
    by: str,
    partial: bool,
    previous: Mapping[str, str],
    existing: set[str],
    wanted: set[str],
    changes: Changes,
) -> None:
    new_entities = sorted(wanted - existing)
    created = set(new_entities)
    changes.created_entities = created
    if new_entities:
        _insert(
            conn,
            writer,
            t.entities,
            [
                {
                    "id": e,
                    "kind": "person",
                    "label": labels.get(e),
                    "created_at": now,
                    "updated_at": now,
                }
                for e in new_entities
            ],
        )
        changes.created = len(new_entities)
    joined: dict[str, list[str]] = defaultdict(list)
    moves: dict[tuple[str, str], list[str]] = defaultdict(list)
    inserts: list[tuple[Any, ...]] = []
    for mention, membership in members.items():
        old = previous.get(mention)
        if old == membership.entity_id:
            changes.unchanged += 1
            continue
        row = (
            mention,
            membership.entity_id,
            membership.probability,
            stored_evidence(membership.evidence),
            membership.linked_to,
            now,
            by,
        )
        if old is None:
            inserts.append(row)
            changes.joined += 1
        else:
            values = dict(zip(_MEMBER_COLUMNS, row, strict=True))
            conn.execute(_membership_statements()["move"], {"b_mention": mention, **values})
            changes.moved += 1
            if not partial:
                moves[(old, membership.entity_id)].append(mention)
                if membership.entity_id not in created:
                    continue
        joined[membership.entity_id].append(mention)
    if inserts:
        insert_rows(conn, t.entity_members, _MEMBER_COLUMNS, inserts, writer)
    for entity_id, mentions in sorted(joined.items()):
        action = "created" if entity_id in created else "joined"
        changes.events.append(
            {
                "at": now,
                "action": action,
                "entity_id": entity_id,
                "mention_keys": sorted(mentions),
                "by": by,
                "note": None,
            }
        )
    retired = [] if partial else sorted(existing - (set(members_entity_ids(conn)) | wanted))
    changes.events.extend(reconciliation_events(moves, members, set(retired), now, by))
    for entity_id in retired:
        changes.events.append(
            {
                "at": now,
                "action": "retired",
                "entity_id": entity_id,
                "mention_keys": [],
                "by": by,
                "note": "all its records now belong to other entities",
            }
        )
    changes.retired = len(retired)
    if changes.events:
        _insert(conn, writer, t.entity_events, changes.events)
    changes.joined_entities = set(joined)


#: The history action of a batch run that moved records a earlier decision (call time's, or a
#: previous run's) had put elsewhere; see docs/reconciliation.md.
RECONCILED = "reconciled"


def reconciliation_events(
    moves: Mapping[tuple[str, str], list[str]],
    members: Mapping[str, Membership],
    retired: set[str],
    now: datetime,
    by: str,
) -> list[dict[str, Any]]:
    """The history of a batch run's disagreements with what was decided before: for each
    (person left, person joined) and the records moved, one event in each person's history
    naming the other and the reason (the moved records' evidence for where they now are)."""
    events: list[dict[str, Any]] = []
    for (old, new), mentions in sorted(moves.items()):
        mentions = sorted(mentions)
        evidence = [line for m in mentions for line in (members[m].evidence or [])]
        reason = "; ".join(dict.fromkeys(evidence)) or (
            f"no link at the match threshold to {old}'s other records"
        )
        whole = " (all its records)" if old in retired else ""
        count = f"{len(mentions)} record{'s' if len(mentions) != 1 else ''}"
        events.append(
            {"at": now, "action": RECONCILED, "entity_id": new, "mention_keys": mentions,
             "by": by, "note": f"batch re-resolution moved {count} here from {old}{whole}: "
             f"{reason}"}
        )  # fmt: skip
        events.append(
            {"at": now, "action": RECONCILED, "entity_id": old, "mention_keys": mentions,
             "by": by, "note": f"batch re-resolution moved {count} from here to {new}: {reason}"}
        )  # fmt: skip
    return events


_MEMBER_COLUMNS = (
    "mention_key",
    "entity_id",
    "match_probability",
    "evidence",
    "linked_to",
    "assigned_at",
    "assigned_by",
)


def _insert(conn: Connection, writer: Writer, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) with the dialect's fastest writer, bound
    column by column (:func:`insert_rows`)."""
    columns = tuple(rows[0])
    insert_rows(conn, table, columns, [tuple(r[c] for c in columns) for r in rows], writer)


def insert_rows(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    writer: Writer | None = None,
) -> None:
    """Insert plain tuples (values of ``columns``) in one ``executemany``. Where the writer
    binds (SQLite), the values are bound column by column, and a column holding one value in
    every row (the run's time stamp, who ran it) is bound once, not once a row. ``writer``: the
    one the caller writes ``together`` with (its statements sent in one go on PostgreSQL)."""
    writer = writer or writer_for(conn)
    binder = writer.binder
    if binder is None or not rows:
        writer.insert(table, columns, rows, None)
        return
    bound_columns: list[list[Any] | tuple[Any, ...]] = []
    for name, values in zip(columns, zip(*rows, strict=True), strict=True):
        first = values[0]
        if not binder.binds(table, name):
            bound_columns.append(values)
        elif all(value is first for value in values):
            bound_columns.append([binder.value(table, name, first)] * len(values))
        else:  # a missing value (most memberships' evidence) is bound once too
            none = binder.value(table, name, None)
            given = binder.bind_all(table, ((v,) for v in values if v is not None), (name,))
            bound = iter(row[0] for row in given)
            bound_columns.append([none if v is None else next(bound) for v in values])
    writer.insert(table, columns, list(zip(*bound_columns, strict=True)), binder.name)


def members_entity_ids(conn: Connection) -> list[str]:
    return list(conn.execute(select(t.entity_members.c.entity_id).distinct()).scalars())


def merge_entities(
    conn: Connection, keep: str, gone: str, now: datetime, by: str, note: str
) -> list[str]:
    """Move every member of ``gone`` into ``keep`` and retire ``gone``, recording why in both
    people's history; return the mentions moved. Each keeps its own evidence."""
    em = t.entity_members
    moving = sorted(conn.execute(select(em.c.mention_key).where(em.c.entity_id == gone)).scalars())
    if not moving:
        return []
    conn.execute(
        update(em)
        .where(em.c.entity_id == gone)
        .values(entity_id=keep, assigned_at=now, assigned_by=by)
    )
    events = [
        {"at": now, "action": "merged", "entity_id": keep, "mention_keys": moving, "by": by,
         "note": f"{gone} merged into {keep}: {note}"},
        {"at": now, "action": "retired", "entity_id": gone, "mention_keys": [], "by": by,
         "note": f"merged into {keep}: {note}"},
    ]  # fmt: skip
    _insert(conn, writer_for(conn), t.entity_events, events)
    conn.execute(update(t.entities).where(t.entities.c.id == keep).values(updated_at=now))
    keep_parties_of_mentions(conn, moving)
    return moving
