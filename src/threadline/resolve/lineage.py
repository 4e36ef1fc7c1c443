"""A crime's people are the people of the incident it was recorded from.

A crime is recorded from an incident (NCRS): the victim and suspect of the crime are the victim
and suspect of the incident, written down a second time, often with less in them (no address,
no date of birth). Comparing the two mentions as strangers throws that away. Here a crime's
mention is joined to the mention of its source incident that has the same role and a name that
does not differ ("Jordan Hughes" and "J Hughes"), with the reason in words. A name that
differs, a date of birth or sex that contradicts, or two candidates in the incident, leave it
to the model: a guess is worse than a gap.

:func:`lineage_links` is pure (feature rows in, links out); :func:`lineage_rows` and
:func:`record_lineage_rows` read what it needs from the store, for batch and call time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from threadline.resolve.described import MentionRow
from threadline.resolve.victims import fits
from threadline.store import tables as t

__all__ = ["LINEAGE", "LineageLink", "lineage_links", "lineage_rows", "record_lineage_rows"]

LINEAGE = "lineage:crime-from-incident"


@dataclass(frozen=True)
class LineageLink:
    """A crime's mention and the mention of its source incident that is the same person."""

    crime_mention: str
    incident_mention: str
    evidence: list[str]


def _name(row: Mapping[str, Any]) -> str:
    return " ".join(str(row[c]) for c in ("forename", "surname") if row.get(c)).title()


def _same_person(crime: Mapping[str, Any], incident: Mapping[str, Any]) -> bool:
    return crime["role"] == incident["role"] and fits(crime, incident)


def lineage_links(
    crime_ref: str,
    crime_people: Sequence[Mapping[str, Any]],
    incident_ref: str,
    incident_people: Sequence[Mapping[str, Any]],
) -> list[LineageLink]:
    """The crime's mentions that are, one to one, mentions of the incident it came from.

    Each row is a mention's feature row (``unique_id`` and the model's feature columns) with
    its ``role``. A crime mention is linked only when exactly one mention of the incident fits
    it and that mention fits no other of the crime's mentions.
    """
    fits: dict[str, list[str]] = defaultdict(list)
    claimed: dict[str, list[str]] = defaultdict(list)
    by_id = {str(row["unique_id"]): row for row in incident_people}
    for crime in crime_people:
        if crime["surname"] is None:
            continue
        for incident in incident_people:
            if _same_person(crime, incident):
                fits[str(crime["unique_id"])].append(str(incident["unique_id"]))
                claimed[str(incident["unique_id"])].append(str(crime["unique_id"]))
    links = []
    for crime in crime_people:
        key = str(crime["unique_id"])
        candidates = fits.get(key, [])
        if len(candidates) != 1 or len(claimed[candidates[0]]) != 1:
            continue
        incident = by_id[candidates[0]]
        evidence = [
            f"crime {crime_ref} was recorded from incident {incident_ref}",
            f"both record {_name(incident)} as the {crime['role']}"
            + (f' ("{_name(crime)}" in the crime)' if _name(crime) != _name(incident) else ""),
        ]
        links.append(LineageLink(key, candidates[0], evidence))
    return links


# Store adapters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordPair:
    """A crime and one incident it was recorded from, with their mentions' keys and roles."""

    crime_ref: str
    crime_mentions: dict[str, str]  # mention key -> role
    incident_ref: str
    incident_mentions: dict[str, str]


def _pairs(
    conn: Connection, crime_keys: Sequence[str] | None, mentions: Iterable[MentionRow] | None = None
) -> list[RecordPair]:
    ci, inc, m = t.crime_incidents, t.incidents, t.mentions
    query = select(ci.c.crime_key, ci.c.incident_ref, inc.c.record_key).join(
        inc, inc.c.ref == ci.c.incident_ref
    )
    if crime_keys is not None:
        query = query.where(ci.c.crime_key.in_(list(crime_keys)))
    links = conn.execute(query).all()
    if not links:
        return []
    wanted = {row.crime_key for row in links} | {row.record_key for row in links}
    roles: dict[str, dict[str, str]] = defaultdict(dict)
    rows: Iterable[Sequence[Any]]
    if mentions is None:
        mention_query = select(m.c.mention_key, m.c.record_key, m.c.role)
        if crime_keys is not None:
            mention_query = mention_query.where(m.c.record_key.in_(sorted(wanted)))
        rows = conn.execute(mention_query)
    else:
        rows = mentions
    for key, record, role, *_ in rows:
        if record in wanted:
            roles[record][key] = role
    return [
        RecordPair(
            crime_ref=row.crime_key.split(":", 2)[-1],
            crime_mentions=roles.get(row.crime_key, {}),
            incident_ref=row.incident_ref,
            incident_mentions=roles.get(row.record_key, {}),
        )
        for row in links
    ]


def links_for(
    pairs: Sequence[RecordPair], features: Mapping[str, Mapping[str, Any]]
) -> list[LineageLink]:
    """Lineage links of each crime–incident pair, given every mention's feature row by key."""

    def rows(mentions: Mapping[str, str]) -> list[dict[str, Any]]:
        return [{**features[k], "role": role} for k, role in mentions.items() if k in features]

    found = []
    for pair in pairs:
        crime, incident = rows(pair.crime_mentions), rows(pair.incident_mentions)
        found += lineage_links(pair.crime_ref, crime, pair.incident_ref, incident)
    return found


def lineage_rows(
    conn: Connection, mentions: Iterable[MentionRow] | None = None
) -> list[RecordPair]:
    """Every crime in the store with each incident it was recorded from (batch); ``mentions``:
    every mention, if the caller has read them already (:func:`.described.all_mentions`)."""
    return _pairs(conn, None, mentions)


def record_lineage_rows(conn: Connection, crime_key: str) -> list[RecordPair]:
    """One crime with each incident it was recorded from (call time)."""
    return _pairs(conn, [crime_key])
