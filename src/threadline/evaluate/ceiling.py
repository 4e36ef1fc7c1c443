"""How much of the truth the records can show: the evidence ceiling of resolution.

Many mentions carry nothing but a name ("Jordan Hughes", no date of birth, no address, no
phone). In a force where several people share most names, no method can join such a mention to
the right person without joining namesakes too. This module measures how far resolution can go
without ever linking on a name alone: it joins two mentions of the *same true person* (the
synthetic truth decides who is who) only when the records themselves connect them:

* the same full date of birth (or its day and month swapped), address (or house: "4 Forge
  Lane, ST16 3PE" and "4 Forge Lane, Stafford"), postcode, phone, e-mail, account or vehicle;
* a crime and the incident it was recorded from, naming the person in the same role;
* the same victim: both are suspects in records whose victim is one true person;
* a name that nobody else in the force has (the same formal forename and surname): then the
  name alone is evidence enough.

The result is a clustering with no false links: the share of the truth that the records
themselves make plain. It is a reference, not a bound: it knows from the truth that nobody else
has a name, which no model can know (only how rare the name is in the records), while a model
can also join a name two people share when everything recorded about the other contradicts it.
What neither reaches is the rest, mentions with only a name that several people in the force
share. ``threadline eval`` prints it beside Threadline, and how many true pairs one or the other
joins (:func:`~threadline.evaluate.metrics.joined_by_either`): 100k seed 3, 2026-12-03,
Threadline's pairwise recall 0.954, the ceiling's 0.960, either's 0.9655.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from networkx.utils import UnionFind
from sqlalchemy import Engine, select

from threadline.resolve.comparisons import house_of
from threadline.store import tables as t

__all__ = ["MentionId", "evidence_ceiling", "mention_id"]

#: A mention as the force's truth names it: (record kind, ref, position).
MentionId = tuple[str, str, str]


def mention_id(record_key: str, position: str) -> MentionId:
    """The truth's name of the mention at ``position`` of the record ``kind:source:ref``."""
    kind, _source, ref = record_key.split(":", 2)
    return (kind, ref, position)


def _values(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if row["dob_year"] is not None and row["dob_month"] is not None and row["dob_day"] is not None:
        day, month = sorted((int(row["dob_day"]), int(row["dob_month"])))
        found.append(("dob", f"{int(row['dob_year'])}|{day}|{month}"))
    for column in ("address_key", "postcode"):
        if row[column]:
            found.append((column, str(row[column])))
    if row["address_key"]:  # one house, whether its key ends with the postcode or the town
        found.append(("house", str(house_of(row["address_key"]))))
    for kind, values in (row["identifiers"] or {}).items():
        found.extend((kind, str(v)) for v in values or ())
    return found


def evidence_ceiling(engine: Engine, truth_map: Mapping[MentionId, str]) -> dict[MentionId, str]:
    """A cluster label for each mention of ``truth_map``: its true person's mentions, split
    where the records do not connect them (see the module docstring)."""
    m, mf, ci, inc = t.mentions, t.mention_features, t.crime_incidents, t.incidents
    with engine.connect() as conn:
        columns = [
            mf.c[name]
            for name in (
                "forename", "forename_canonical", "surname", "dob_year", "dob_month", "dob_day",
                "address_key", "postcode", "identifiers",
            )
        ]  # fmt: skip
        rows = conn.execute(
            select(m.c.record_key, m.c.position, m.c.role, *columns).outerjoin(
                mf, mf.c.mention_key == m.c.mention_key
            )
        ).all()
        sources = conn.execute(
            select(ci.c.crime_key, inc.c.record_key).join(inc, inc.c.ref == ci.c.incident_ref)
        ).all()

    sets = UnionFind()
    by_value: dict[tuple[str, str, str], MentionId] = {}
    people_of: dict[str, list[tuple[MentionId, str]]] = defaultdict(list)
    for row in rows:
        mention = mention_id(row.record_key, row.position)
        people_of[row.record_key].append((mention, row.role))
        person = truth_map.get(mention)
        if person is None:
            continue
        sets[mention]
        for kind, value in _values(dict(row._mapping)):
            first = by_value.setdefault((person, kind, value), mention)
            if first != mention:
                sets.union(mention, first)

    def same_person_pairs(a: str, b: str, same_role: bool) -> None:
        for x, role_x in people_of.get(a, []):
            for y, role_y in people_of.get(b, []):
                person = truth_map.get(x)
                if person is not None and person == truth_map.get(y):
                    if not same_role or role_x == role_y:
                        sets.union(x, y)

    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    named: dict[tuple[str, str], list[MentionId]] = defaultdict(list)
    for row in rows:
        mention = mention_id(row.record_key, row.position)
        forename = row.forename_canonical or row.forename
        if mention in truth_map and forename and row.surname:
            holders[(forename, row.surname)].add(truth_map[mention])
            named[(forename, row.surname)].append(mention)
    for name, holding in holders.items():
        if len(holding) == 1:
            for other in named[name][1:]:
                sets.union(other, named[name][0])
    for crime_key, incident_key in sources:
        same_person_pairs(crime_key, incident_key, same_role=True)
    by_victim: dict[str, list[MentionId]] = defaultdict(list)
    for people in people_of.values():
        victims = {truth_map.get(x) for x, role in people if role == "victim"} - {None}
        for x, role in people:
            if role == "suspect" and x in truth_map:
                for victim in victims:
                    by_victim[f"{victim}|{truth_map[x]}"].append(x)
    for suspects in by_victim.values():
        for other in suspects[1:]:
            sets.union(other, suspects[0])
    return {mention: f"{person}|{sets[mention]}" for mention, person in truth_map.items()}
