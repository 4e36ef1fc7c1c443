"""People described but not named: "her ex" is the victim's recorded former partner.

A call handler often writes "her ex" where a name should be. Nothing in such a mention can be
compared, but the record says who the victim is, and her other records may say who her former
partner is. When exactly one person has been recorded, by name, as the victim's former partner (or
partner) in her other records, the nameless mention is joined to him, with the reason in words.
Two or more candidates, or none, leave it alone: a guess is worse than a gap.

:func:`infer_ex_partners` is pure (rows and a mention → entity map in, inferences out); the
batch path feeds it every mention, the call-time path only the victim's records.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, bindparam, select, union, update

from threadline.store import tables as t
from threadline.store.lookups import mention_columns
from threadline.store.parties import keep_parties_of_mentions
from threadline.store.queries import fetch

INFERENCE = "inference:former-partner"
#: How a call handler writes "her former partner" when no name is given.
EX_PARTNER = re.compile(
    r"\b(?:ex|ex-partner|ex partner|ex-boyfriend|ex boyfriend|ex-girlfriend|ex girlfriend|"
    r"ex-husband|ex husband|ex-wife|ex wife|former partner)\b",
    re.IGNORECASE,
)
PARTNER_KINDS = frozenset({"former_partner", "partner"})


class MentionRow(NamedTuple):
    """A mention as the rules after clustering read it. A tuple, not a frozen dataclass: a
    batch run makes one for every mention in the store, and a frozen dataclass's ``__init__``
    sets each field through ``object.__setattr__``."""

    mention_key: str
    record_key: str
    role: str
    named: bool
    description: str | None = None
    relationship: str | None = None


@dataclass(frozen=True)
class Inferred:
    mention_key: str
    entity_id: str
    evidence: list[str]


def describes_ex_partner(row: MentionRow) -> bool:
    """A nameless suspect the record calls the victim's (former) partner."""
    if row.named or row.role != "suspect":
        return False
    if row.relationship in PARTNER_KINDS:
        return True
    return bool(row.description and EX_PARTNER.search(row.description))


def infer_ex_partners(
    rows: Sequence[MentionRow],
    entity_of: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
) -> list[Inferred]:
    """For each nameless "her ex" in ``rows``, the victim's only recorded former partner."""
    labels = labels or {}
    by_record: dict[str, list[MentionRow]] = defaultdict(list)
    for row in rows:
        by_record[row.record_key].append(row)
    victim_of: dict[str, set[str]] = defaultdict(set)
    for record, people in by_record.items():
        for person in people:
            entity = entity_of.get(person.mention_key)
            if person.role == "victim" and entity:
                victim_of[entity].add(record)
    found: list[Inferred] = []
    for row in rows:
        if not describes_ex_partner(row):
            continue
        victims = {
            entity_of[p.mention_key]
            for p in by_record[row.record_key]
            if p.role == "victim" and p.mention_key in entity_of
        }
        if len(victims) != 1:
            continue
        [victim] = victims
        partners: dict[str, set[str]] = defaultdict(set)
        for record in victim_of[victim] - {row.record_key}:
            for person in by_record[record]:
                partner = entity_of.get(person.mention_key)
                if (
                    partner
                    and partner != victim
                    and person.role == "suspect"
                    and person.named
                    and person.relationship in PARTNER_KINDS
                ):
                    partners[partner].add(record.split(":", 2)[2])
        if len(partners) != 1:
            continue
        [(partner, refs)] = partners.items()
        shown = sorted(refs)
        evidence = [
            f'described as "{row.description or "former partner"}", not named',
            f"the victim's only recorded former partner is {labels.get(partner, partner)} "
            f"({', '.join(shown[:5])}{' ...' if len(shown) > 5 else ''})",
        ]
        found.append(Inferred(row.mention_key, partner, evidence))
    return found


def mention_row(r: object) -> MentionRow:
    """A row of :func:`~threadline.store.lookups.mention_columns` as a :class:`MentionRow`."""
    return MentionRow(
        mention_key=r.mention_key,  # type: ignore[attr-defined]
        record_key=r.record_key,  # type: ignore[attr-defined]
        role=r.role,  # type: ignore[attr-defined]
        named=bool(r.forenames or r.surname),  # type: ignore[attr-defined]
        description=r.description,  # type: ignore[attr-defined]
        relationship=r.relationship_to_victim,  # type: ignore[attr-defined]
    )


def all_mention_rows(conn: Connection) -> list[MentionRow]:
    """Every mention, as inference needs it (batch)."""
    return all_mentions(conn)[0]


def all_mentions(conn: Connection) -> tuple[list[MentionRow], dict[str, str]]:
    """Every mention, as inference needs it, and the name written in each (forenames and
    surname, title case: "Gareth TREGOTHNAN" → "Gareth Tregothnan"; "" if none): what batch
    resolution reads of the mentions, in one pass over them."""
    rows, names = [], {}
    for key, record, role, forenames, surname, description, relationship in conn.execute(
        select(*mention_columns())
    ):
        rows.append(
            MentionRow(key, record, role, bool(forenames or surname), description, relationship)
        )
        name = " ".join(p for p in (forenames, surname) if p)
        names[key] = name.title() if name else ""
    return rows, names


@cache
def _mentions_of_records_of(role: str) -> Select[Any]:
    """The mentions of record ``b_record`` and of every other record of its ``role``s."""
    m, em = t.mentions, t.entity_members
    record_key: Any = bindparam("b_record")
    victims = (
        select(em.c.entity_id)
        .join(m, m.c.mention_key == em.c.mention_key)
        .where(m.c.record_key == record_key, m.c.role == role)
    )
    # the record itself as a member of the union, not "IN (...) OR record_key = ...": that OR
    # keeps PostgreSQL off the record_key index (a scan of every mention, 25 ms a submission)
    records = union(
        select(m.c.record_key)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(em.c.entity_id.in_(victims), m.c.role == role),
        select(record_key.label("record_key")),
    )
    return (
        select(*mention_columns(), em.c.entity_id)
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.record_key.in_(records))
    )


def victim_mention_rows(
    conn: Connection, record_key: str, role: str = "victim"
) -> tuple[list[MentionRow], dict[str, str]]:
    """The mentions of one record and of every other record of its victims (call time); with
    ``role="suspect"``, of its suspects."""
    rows, entity_of = [], {}
    for r in fetch(conn, _mentions_of_records_of(role), {"b_record": record_key}):
        rows.append(mention_row(r))
        if r.entity_id:
            entity_of[r.mention_key] = r.entity_id
    return rows, entity_of


def apply_inferences(
    conn: Connection, inferred: Iterable[Inferred], now: datetime, by: str = INFERENCE
) -> int:
    """Move each inferred mention into its entity (call time), recording why; return how many.

    The entity the mention leaves, if it is left with no records (a call-time mention given a
    fresh entity before the inference), is retired as batch resolution retires one."""
    moved = 0
    em = t.entity_members
    items = list(inferred)
    for item in items:
        left = conn.execute(
            select(em.c.entity_id).where(em.c.mention_key == item.mention_key)
        ).scalar()
        conn.execute(
            update(t.entity_members)
            .where(t.entity_members.c.mention_key == item.mention_key)
            .values(
                entity_id=item.entity_id,
                match_probability=None,
                evidence=item.evidence,
                assigned_at=now,
                assigned_by=by,
            )
        )
        conn.execute(
            t.entity_events.insert().values(
                at=now,
                action="joined",
                entity_id=item.entity_id,
                mention_keys=[item.mention_key],
                by=by,
                note="; ".join(item.evidence),
            )
        )
        still = conn.execute(select(em.c.mention_key).where(em.c.entity_id == left).limit(1))
        if left and left != item.entity_id and still.first() is None:
            conn.execute(
                t.entity_events.insert().values(
                    at=now,
                    action="retired",
                    entity_id=left,
                    mention_keys=[],
                    by=by,
                    note="its only record now belongs to another entity",
                )
            )
        moved += 1
    keep_parties_of_mentions(conn, [item.mention_key for item in items])
    return moved
