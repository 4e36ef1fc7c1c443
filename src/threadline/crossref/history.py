"""From the store to recognition's input: the linked history of a set of entities.

Everything here reads; nothing writes. A :class:`~threadline.recognise.History` holds the
incidents and crimes the entities appear in (with every party resolved), the orders that bind or
protect them, their known associations, the incidents with a DASH assessment and display labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, true

from threadline.recognise import Association, Event, History, Order, Party
from threadline.store import tables as t

CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def records_of_entities(conn: Connection, entity_ids: Iterable[str]) -> dict[str, set[str]]:
    """record kind → record keys in which any of ``entity_ids`` appears."""
    ids = sorted(set(entity_ids))
    found: dict[str, set[str]] = defaultdict(set)
    m, em = t.mentions, t.entity_members
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(m.c.record_kind, m.c.record_key)
            .join(em, em.c.mention_key == m.c.mention_key)
            .where(em.c.entity_id.in_(chunk))
        )
        for row in rows:
            found[row.record_kind].add(row.record_key)
    return found


def parties_of(conn: Connection, record_keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """record key → its people (mention key, position, role, relationship, entity id)."""
    keys = sorted(set(record_keys))
    parties: dict[str, list[dict[str, Any]]] = defaultdict(list)
    m, em = t.mentions, t.entity_members
    for chunk in _chunks(keys):
        rows = conn.execute(
            select(
                m.c.record_key,
                m.c.mention_key,
                m.c.position,
                m.c.role,
                m.c.relationship_to_victim,
                em.c.entity_id,
            )
            .outerjoin(em, em.c.mention_key == m.c.mention_key)
            .where(m.c.record_key.in_(chunk))
            .order_by(m.c.id)
        )
        for row in rows:
            parties[row.record_key].append(dict(row._mapping))
    return parties


def _party_tuple(rows: list[dict[str, Any]]) -> tuple[Party, ...]:
    return tuple(
        Party(r["entity_id"], r["role"], r["relationship_to_victim"])
        for r in rows
        if r["entity_id"]
    )


def incident_events(
    conn: Connection,
    record_keys: Iterable[str],
    parties: dict[str, list[dict[str, Any]]],
    viewed: set[str],
    until: datetime | None = None,
) -> list[Event]:
    keys = sorted(set(record_keys))
    events = []
    i = t.incidents
    for chunk in _chunks(keys):
        query = (
            select(
                i.c.record_key,
                i.c.ref,
                i.c.reported_at,
                i.c.category,
                i.c.closing_category,
                i.c.channel,
                i.c.narrative,
                i.c.location_key,
                i.c.document,
            )
            .where(i.c.record_key.in_(chunk))
            .where(i.c.reported_at <= until if until is not None else true())
        )
        rows = conn.execute(query)
        for row in rows:
            document = row.document
            events.append(
                Event(
                    ref=row.ref,
                    kind="incident",
                    reported_at=row.reported_at,
                    category=row.category,
                    closing_category=row.closing_category,
                    qualifiers=frozenset(document.get("qualifiers") or ()),
                    channel=row.channel,
                    narrative=row.narrative,
                    location_key=row.location_key,
                    parties=_party_tuple(parties.get(row.record_key, [])),
                    crime_refs=tuple(document.get("crime_refs") or ()),
                    history_viewed=True if row.ref in viewed else None,
                )
            )
    return events


def crime_events(
    conn: Connection,
    record_keys: Iterable[str],
    parties: dict[str, list[dict[str, Any]]],
    until: datetime | None = None,
) -> list[Event]:
    keys = sorted(set(record_keys))
    events = []
    c = t.crimes
    for chunk in _chunks(keys):
        query = (
            select(
                c.c.record_key,
                c.c.ref,
                c.c.recorded_at,
                c.c.offence,
                c.c.offence_code,
                c.c.narrative,
                c.c.document,
            )
            .where(c.c.record_key.in_(chunk))
            .where(c.c.recorded_at <= until if until is not None else true())
        )
        rows = conn.execute(query)
        for row in rows:
            events.append(
                Event(
                    ref=row.ref,
                    kind="crime",
                    reported_at=row.recorded_at,
                    narrative=row.narrative,
                    parties=_party_tuple(parties.get(row.record_key, [])),
                    incident_refs=tuple(row.document.get("incident_refs") or ()),
                    offence=row.offence,
                    offence_code=row.offence_code,
                )
            )
    return events


def orders_of(
    conn: Connection, record_keys: Iterable[str], parties: dict[str, list[dict[str, Any]]]
) -> list[Order]:
    keys = sorted(set(record_keys))
    orders = []
    o = t.orders
    for chunk in _chunks(keys):
        for row in conn.execute(select(o).where(o.c.record_key.in_(chunk))):
            people = parties.get(row.record_key, [])
            respondent = next(
                (p["entity_id"] for p in people if p["position"] == "respondent"), None
            )
            protected = tuple(
                p["entity_id"]
                for p in people
                if p["position"].startswith("protected") and p["entity_id"]
            )
            if not respondent or not protected:
                continue
            orders.append(
                Order(
                    ref=row.ref,
                    order_type=row.order_type,
                    respondent=respondent,
                    protected=protected,
                    starts=row.starts,
                    ends=row.ends,
                    interim=row.interim,
                    conditions=row.conditions,
                    court=row.court,
                )
            )
    return orders


def associations_of(
    conn: Connection, record_keys: Iterable[str], parties: dict[str, list[dict[str, Any]]]
) -> list[Association]:
    keys = sorted(set(record_keys))
    found = []
    a = t.associations
    for chunk in _chunks(keys):
        for row in conn.execute(select(a.c.record_key, a.c.kind).where(a.c.record_key.in_(chunk))):
            people = {p["position"]: p["entity_id"] for p in parties.get(row.record_key, [])}
            if people.get("a") and people.get("b"):
                found.append(Association(people["a"], people["b"], row.kind))
    return found


def viewed_incidents(conn: Connection, refs: Iterable[str]) -> set[str]:
    refs = sorted(set(refs))
    seen: set[str] = set()
    for chunk in _chunks(refs):
        rows = conn.execute(
            select(t.history_views.c.incident_ref).where(t.history_views.c.incident_ref.in_(chunk))
        )
        seen.update(rows.scalars())
    return seen


def dash_assessed(
    conn: Connection, refs: Iterable[str], until: datetime | None = None
) -> frozenset[str]:
    refs = sorted(set(refs))
    found: set[str] = set()
    r = t.risk_assessments
    for chunk in _chunks(refs):
        query = select(r.c.incident_ref).where(r.c.checklist == "dash", r.c.incident_ref.in_(chunk))
        if until is not None:
            query = query.where(r.c.assessed_at <= until)
        rows = conn.execute(query)
        found.update(rows.scalars())
    return frozenset(found)


def entity_labels(conn: Connection, entity_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(entity_ids))
    labels: dict[str, str] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(t.entities.c.id, t.entities.c.label).where(t.entities.c.id.in_(chunk))
        )
        labels.update({row.id: row.label or row.id for row in rows})
    return labels


def ref_of_key(record_key: str) -> str:
    return record_key.split(":", 2)[2]


def incidents_at(conn: Connection, location_key: str | None) -> set[str]:
    """Record keys of incidents at one location (however its address was written)."""
    if not location_key:
        return set()
    rows = conn.execute(
        select(t.incidents.c.record_key).where(t.incidents.c.location_key == location_key)
    )
    return set(rows.scalars())


def load_history(
    conn: Connection,
    entity_ids: Iterable[str],
    location_key: str | None = None,
    until: datetime | None = None,
) -> History:
    """The linked history of ``entity_ids`` (and of a location): events, orders, associations.

    ``until`` leaves out events and assessments after that time, so that a store already holding
    a whole case can be swept through as it was on each day.
    """
    ids = set(entity_ids)
    records = records_of_entities(conn, ids)
    records.setdefault("incident", set()).update(incidents_at(conn, location_key))
    everything = set().union(*records.values()) if records else set()
    parties = parties_of(conn, everything)
    incident_refs = [ref_of_key(k) for k in records.get("incident", ())]
    viewed = viewed_incidents(conn, incident_refs)
    events = incident_events(conn, records.get("incident", ()), parties, viewed, until)
    events += crime_events(conn, records.get("crime", ()), parties, until)
    orders = orders_of(conn, records.get("order", ()), parties)
    associations = associations_of(conn, records.get("association", ()), parties)
    people = {p["entity_id"] for rows in parties.values() for p in rows if p["entity_id"]}
    return History(
        events=tuple(events),
        orders=tuple(orders),
        associations=tuple(associations),
        dash_assessed=dash_assessed(conn, incident_refs, until),
        labels=entity_labels(conn, people),
    )


def event_of_record(conn: Connection, record_key: str) -> Event | None:
    """The recognition event for one stored incident or crime (None for other records)."""
    kind = record_key.split(":", 1)[0]
    parties = parties_of(conn, [record_key])
    if kind == "incident":
        viewed = viewed_incidents(conn, [ref_of_key(record_key)])
        events = incident_events(conn, [record_key], parties, viewed)
    elif kind == "crime":
        events = crime_events(conn, [record_key], parties)
    else:
        return None
    return events[0] if events else None
