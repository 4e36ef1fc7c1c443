"""The picture: everything the force knows that is linked to one incident, as a timeline.

For each person in the incident: who they probably are (their entity, with the evidence), every
other incident, crime, order and risk assessment they appear in and their part in each. Beside
that, the records linked through the same phones, e-mails, accounts, vehicles and addresses, and
the open alerts. This is what a call handler sees while the caller is still on the line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, select

from threadline.crossref.actions import with_actions
from threadline.crossref.alerts import alerts_read
from threadline.crossref.contacts import attachments_for, communications_summary
from threadline.crossref.history import (
    CHUNK,
    KEYS,
    expanding_keys,
    mentions_with_entities,
    records_by_kind,
    records_of_entities_reads,
)
from threadline.crossref.strip import StripItem, summary_strip
from threadline.export.plain import plain
from threadline.recognise.history import ORDER_LABELS, binds_from
from threadline.resolve.explain import member_evidence
from threadline.store import tables as t
from threadline.store.queries import chunks, fetch, fetch_together

#: How many records linked by one shared object the picture lists (the rest are counted).
OBJECT_LINK_LIMIT = 25


class NotFound(LookupError):
    """No such incident (or person) in the store."""


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    record_key: str
    ref: str
    kind: str
    title: str
    roles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OrderView:
    ref: str
    label: str
    role: str
    starts: date
    ends: date | None
    active: bool
    conditions: str
    court: str | None
    #: the first day it binds the respondent (made on notice, or served), ``None`` while it
    #: does not (:func:`threadline.recognise.history.binds_from`)
    binds_from: date | None = None


@dataclass(frozen=True)
class AssessmentView:
    ref: str
    checklist: str
    incident_ref: str
    assessed_at: datetime
    yes_count: int
    judgement_grade: str | None
    safety_plan: bool


@dataclass(frozen=True)
class PersonPicture:
    mention_key: str
    position: str
    role: str
    written_as: str
    entity_id: str | None
    entity_label: str | None
    resolved_by: str | None
    match_probability: float | None
    evidence: list[str]
    records: list[TimelineEntry]
    orders: list[OrderView]
    assessments: list[AssessmentView]
    #: the person's communications evidence counted (crossref.contacts), None when there is none
    communications: dict[str, Any] | None = None
    #: the one line to read aloud about them (crossref.strip), from their open alerts
    summary: list[StripItem] = field(default_factory=list)


@dataclass(frozen=True)
class ObjectLink:
    kind: str
    value: str
    records: list[TimelineEntry]
    more: int


@dataclass(frozen=True)
class Picture:
    incident: dict[str, Any]
    people: list[PersonPicture]
    linked_by_objects: list[ObjectLink]
    alerts: list[dict[str, Any]]
    timeline: list[TimelineEntry]

    def to_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = plain(self)
        return answer

    @property
    def audit_records(self) -> list[str]:
        """What the audit row of a read of this picture names: the incident and each person."""
        people = sorted({f"person:{p.entity_id}" for p in self.people if p.entity_id})
        return [str(self.incident["record_key"]), *people]

    @property
    def linked_record_keys(self) -> set[str]:
        keys = {e.record_key for p in self.people for e in p.records}
        keys |= {e.record_key for link in self.linked_by_objects for e in link.records}
        return keys


def written_name(forenames: str | None, surname: str | None, description: str | None) -> str:
    name = " ".join(p for p in (forenames, surname) if p)
    if name:
        return name
    return f'"{description}"' if description else "(no name given)"


# The picture is built for every submission: its statements are built once, with parameters.


@cache
def _incident_by_ref(with_source: bool) -> Select[Any]:
    i = t.incidents
    query = select(i).where(i.c.ref == bindparam("b_ref"))
    if with_source:
        query = query.where(i.c.source == bindparam("b_source"))
    return query.order_by(i.c.id)


def find_incident(conn: Connection, ref: str, source: str | None = None) -> Any:
    params = {"b_ref": ref, "b_source": source} if source else {"b_ref": ref}
    row = fetch(conn, _incident_by_ref(bool(source)), params).first()
    if row is None:
        raise NotFound(f"no incident {ref}")
    return row


@cache
def _entries_query(kind: str) -> Select[Any]:
    """The rows of records of one kind whose keys are in ``b_keys``."""
    if kind == "incident":
        i = t.incidents
        columns = [i.c.record_key, i.c.ref, i.c.reported_at, i.c.category, i.c.closing_category]
        return select(*columns).where(i.c.record_key.in_(expanding_keys()))
    if kind == "crime":
        c = t.crimes
        columns = [c.c.record_key, c.c.ref, c.c.recorded_at, c.c.offence, c.c.offence_code]
        return select(*columns).where(c.c.record_key.in_(expanding_keys()))
    table = {"order": t.orders, "risk_assessment": t.risk_assessments}.get(kind, t.associations)
    return select(table).where(table.c.record_key.in_(expanding_keys()))


def _incident_entry(r: Any) -> tuple[datetime, str]:
    return r.reported_at, (r.closing_category or r.category).replace("_", " ")


def _crime_entry(r: Any) -> tuple[datetime, str]:
    code = f" ({r.offence_code})" if r.offence_code else ""
    return r.recorded_at, f"crime recorded: {r.offence}{code}"


def _order_entry(r: Any) -> tuple[datetime, str]:
    label = ORDER_LABELS.get(r.order_type, r.order_type)
    when = datetime.combine(r.starts, time(), tzinfo=UTC)
    return when, f"{'interim ' if r.interim else ''}{label} granted"


def _assessment_entry(r: Any) -> tuple[datetime, str]:
    return r.assessed_at, f"{r.checklist.upper()} risk assessment for {r.incident_ref}"


def _association_entry(r: Any) -> tuple[datetime, str]:
    return r.created_at, f"known link: {r.kind}"


#: For each kind of record, its row (:func:`_entries_query`) to its time and title on a timeline.
_TIMELINE_ENTRY: dict[str, Callable[[Any], tuple[datetime, str]]] = {
    "incident": _incident_entry,
    "crime": _crime_entry,
    "order": _order_entry,
    "risk_assessment": _assessment_entry,
    "association": _association_entry,
}


_Read = tuple[Select[Any], dict[str, Any]]


def _together(conn: Connection, jobs: list[list[_Read]]) -> list[list[Any]]:
    """The rows of each job's reads (each job one or more reads), all sent together: one
    round trip on PostgreSQL."""
    answers = iter(fetch_together(conn, [read for job in jobs for read in job]))
    return [[row for _read in job for row in next(answers)] for job in jobs]


def _chunked(statement: Select[Any], keys: set[str]) -> list[_Read]:
    return [(statement, {KEYS: list(chunk)}) for chunk in chunks(sorted(keys), CHUNK)]


def record_entries(conn: Connection, record_keys: set[str]) -> dict[str, TimelineEntry]:
    """A timeline entry for each record key (incidents, crimes, orders, assessments)."""
    kinds = _entry_reads(record_keys)
    answers = fetch_together(conn, [read for _kind, read in kinds])
    return _entries_of(zip((kind for kind, _read in kinds), answers, strict=True))


def _entry_reads(record_keys: set[str]) -> list[tuple[str, _Read]]:
    """The reads of :func:`record_entries`, each with the kind of record it reads."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for key in record_keys:
        by_kind[key.split(":", 1)[0]].append(key)
    return [
        (kind, read)
        for kind in _TIMELINE_ENTRY
        for read in _chunked(_entries_query(kind), set(by_kind.get(kind, [])))
    ]


def _entries_of(kinds_and_rows: Iterable[tuple[str, Iterable[Any]]]) -> dict[str, TimelineEntry]:
    entries: dict[str, TimelineEntry] = {}
    for kind, rows in kinds_and_rows:
        entry = _TIMELINE_ENTRY[kind]
        for r in rows:
            when, title = entry(r)
            entries[r.record_key] = TimelineEntry(when, r.record_key, r.ref, kind, title)
    return entries


def _roles_query() -> Select[Any]:
    columns = ("record_key", "role", "position", "forenames", "surname", "description")
    return mentions_with_entities(columns)


def roles_in(
    conn: Connection, record_keys: set[str]
) -> dict[str, list[tuple[str | None, str, str]]]:
    """record key → (entity id, role or position, name as written) for each person in it."""
    answers = fetch_together(conn, _chunked(_roles_query(), record_keys))
    return _roles_of(row for rows in answers for row in rows)


def _roles_of(rows: Iterable[Any]) -> dict[str, list[tuple[str | None, str, str]]]:
    found: dict[str, list[tuple[str | None, str, str]]] = defaultdict(list)
    for r in rows:
        role = r.position if r.position in ("respondent", "subject", "a", "b") else r.role
        if r.position.startswith("protected"):
            role = "protected"
        found[r.record_key].append(
            (r.entity_id, role, written_name(r.forenames, r.surname, r.description))
        )
    return found


def _with_roles(entry: TimelineEntry, people: list[tuple[str | None, str, str]]) -> TimelineEntry:
    return TimelineEntry(
        entry.when,
        entry.record_key,
        entry.ref,
        entry.kind,
        entry.title,
        [f"{name} ({role})" for _e, role, name in people],
    )


@cache
def _people_query() -> Select[Any]:
    m, em = t.mentions, t.entity_members
    return (
        select(
            m,
            em.c.entity_id,
            em.c.match_probability,
            em.c.evidence,
            em.c.linked_to,
            em.c.assigned_by,
        )
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.record_key == bindparam("b_record"))
        .order_by(m.c.id)
    )


@cache
def _labels_query() -> Select[Any]:
    return select(t.entities.c.id, t.entities.c.label).where(t.entities.c.id.in_(expanding_keys()))


def build_picture(
    conn: Connection, ref: str, *, today: date | None = None, source: str | None = None
) -> Picture:
    """The picture for incident ``ref`` (see the module docstring)."""
    incident = find_incident(conn, ref, source)
    mention_rows = fetch(conn, _people_query(), {"b_record": incident.record_key}).all()
    entity_ids = sorted({r.entity_id for r in mention_rows if r.entity_id})
    # the people's labels and each one's records in one round trip (PostgreSQL)
    label_rows, *records_each = _together(
        conn,
        [
            [(_labels_query(), {KEYS: entity_ids})],
            *(records_of_entities_reads([entity]) for entity in entity_ids),
        ],
    )
    labels = {r.id: r.label for r in label_rows}
    per_entity: dict[str, set[str]] = {}
    for entity, rows in zip(entity_ids, records_each, strict=True):
        keys = set().union(*records_by_kind(rows).values())
        keys.discard(incident.record_key)
        per_entity[entity] = keys

    links = object_links(conn, incident)
    all_keys = set().union(*per_entity.values()) if per_entity else set()
    all_keys |= {key for _kind, _value, keys, _more in links for key in keys}
    # the records' entries and people, and each person's open alerts, in one round trip
    shown = all_keys | {incident.record_key}
    kinds = _entry_reads(shown)
    role_rows, *answers = _together(
        conn,
        [
            _chunked(_roles_query(), shown),
            *([read] for _kind, read in kinds),
            *([alerts_read(entity_id=entity)] for entity in entity_ids),
        ],
    )
    entry_rows, alert_rows = answers[: len(kinds)], answers[len(kinds) :]
    entries = _entries_of(zip((kind for kind, _read in kinds), entry_rows, strict=True))
    roles = _roles_of(role_rows)
    entries = {k: _with_roles(e, roles.get(k, [])) for k, e in entries.items()}
    day = today or incident.reported_at.date()
    open_alerts = {
        entity: [dict(row._mapping) for row in rows]
        for entity, rows in zip(entity_ids, alert_rows, strict=True)
    }

    people = []
    for r in mention_rows:
        keys = per_entity.get(r.entity_id, set()) if r.entity_id else set()
        records = sorted(
            (entries[k] for k in keys if k in entries), key=lambda e: e.when, reverse=True
        )
        orders = orders_for(conn, r.entity_id, keys, day) if r.entity_id else []
        assessments = assessments_for(conn, keys)
        theirs = open_alerts.get(r.entity_id, []) if r.entity_id else []
        people.append(
            PersonPicture(
                mention_key=r.mention_key,
                position=r.position,
                role=r.role,
                written_as=written_name(r.forenames, r.surname, r.description),
                entity_id=r.entity_id,
                entity_label=labels.get(r.entity_id) if r.entity_id else None,
                resolved_by=r.assigned_by,
                match_probability=r.match_probability,
                evidence=member_evidence(r.linked_to, r.evidence),
                records=[e for e in records if e.kind in ("incident", "crime")],
                orders=orders,
                assessments=assessments,
                summary=summary_strip(orders, theirs, assessments),
                communications=communications_summary(
                    conn,
                    attachments_for(r.entity_id, r.mention_key, incident.record_key, r.role),
                    r.entity_id,
                    keys,
                ),
            )
        )
    object_views = [
        ObjectLink(
            kind,
            value,
            sorted((entries[k] for k in keys if k in entries), key=lambda e: e.when, reverse=True),
            more,
        )
        for kind, value, keys, more in links
    ]
    timeline = sorted(
        (entries[k] for k in all_keys if k in entries and entries[k].kind in ("incident", "crime")),
        key=lambda e: e.when,
        reverse=True,
    )
    alerts = []
    seen = set()
    for entity in sorted(entity_ids):
        for alert in open_alerts[entity]:
            if alert["alert_key"] not in seen:
                seen.add(alert["alert_key"])
                alerts.append(alert)
    return Picture(
        incident=incident_summary(incident),
        people=people,
        linked_by_objects=object_views,
        alerts=with_actions(conn, alerts),
        timeline=timeline,
    )


def incident_summary(row: Any) -> dict[str, Any]:
    document = row.document
    return {
        "record_key": row.record_key,
        "ref": row.ref,
        "source": row.source,
        "reported_at": row.reported_at,
        "channel": row.channel,
        "category": row.category,
        "closing_category": row.closing_category,
        "qualifiers": document.get("qualifiers", []),
        "location": row.location_text,
        "postcode": row.postcode,
        "narrative": row.narrative,
        "officer": row.officer,
        "crime_refs": document.get("crime_refs", []),
    }


@cache
def _orders_query() -> Select[Any]:
    m, em, o = t.mentions, t.entity_members, t.orders
    party = and_(em.c.mention_key == m.c.mention_key, em.c.entity_id == bindparam("b_entity"))
    return (
        select(o, m.c.position)
        .join(m, m.c.record_key == o.c.record_key)
        .join(em, party)
        .where(o.c.record_key.in_(expanding_keys()))
    )


def orders_for(
    conn: Connection, entity_id: str, record_keys: set[str], day: date
) -> list[OrderView]:
    """Orders this entity is party to, as respondent or protected person."""
    order_keys = sorted(k for k in record_keys if k.startswith("order:"))
    if not order_keys:
        return []
    rows = fetch(conn, _orders_query(), {"b_entity": entity_id, KEYS: order_keys})
    views = []
    for r in rows:
        label = ORDER_LABELS.get(r.order_type, r.order_type)
        views.append(
            OrderView(
                ref=r.ref,
                label=f"interim {label}" if r.interim else label,
                role="respondent" if r.position == "respondent" else "protected",
                starts=r.starts,
                ends=r.ends,
                active=r.starts <= day and (r.ends is None or day <= r.ends),
                conditions=r.conditions,
                court=r.court,
                binds_from=binds_from(
                    r.starts, _served_day(r.document.get("served")), r.document.get("on_notice")
                ),
            )
        )
    return sorted(views, key=lambda v: v.starts, reverse=True)


def _served_day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def assessments_for(conn: Connection, record_keys: set[str]) -> list[AssessmentView]:
    keys = sorted(k for k in record_keys if k.startswith("risk_assessment:"))
    if not keys:
        return []
    views = []
    for r in fetch(conn, _entries_query("risk_assessment"), {KEYS: keys}):
        yes = sum(1 for v in (r.answers or {}).values() if v == "yes")
        views.append(
            AssessmentView(
                r.ref,
                r.checklist,
                r.incident_ref,
                r.assessed_at,
                yes,
                r.judgement_grade,
                r.safety_plan,
            )
        )
    return sorted(views, key=lambda v: v.assessed_at)


@cache
def _object_statements() -> dict[str, Select[Any]]:
    idf, i = t.identifiers, t.incidents
    record: Any = bindparam("b_record")
    return {
        "values": select(idf.c.kind, idf.c.value)
        .where(idf.c.record_key == record, idf.c.value.is_not(None))
        .distinct(),
        "sharing": select(idf.c.record_key)
        .where(
            idf.c.kind == bindparam("b_kind"),
            idf.c.value == bindparam("b_value"),
            idf.c.record_key != record,
        )
        .distinct()
        .limit(OBJECT_LINK_LIMIT + 200),
        "at": select(i.c.record_key)
        .where(i.c.location_key == bindparam("b_location"), i.c.record_key != record)
        .limit(OBJECT_LINK_LIMIT + 200),
    }


def object_links(conn: Connection, incident: Any) -> list[tuple[str, str, set[str], int]]:
    """Records sharing a phone, e-mail, account, vehicle or address with this incident."""
    statements = _object_statements()
    record = {"b_record": incident.record_key}
    values = fetch(conn, statements["values"], record).all()
    links = []
    for kind, value in sorted(values):
        params = {**record, "b_kind": kind, "b_value": value}
        keys = set(fetch(conn, statements["sharing"], params).scalars())
        if keys:
            ordered = sorted(keys)
            links.append(
                (
                    kind,
                    value,
                    set(ordered[:OBJECT_LINK_LIMIT]),
                    max(0, len(ordered) - OBJECT_LINK_LIMIT),
                )
            )
    if incident.location_key:
        params = {**record, "b_location": incident.location_key}
        keys = set(fetch(conn, statements["at"], params).scalars())
        if keys:
            ordered = sorted(keys)
            links.append(
                (
                    "location",
                    incident.location_text or incident.location_key,
                    set(ordered[:OBJECT_LINK_LIMIT]),
                    max(0, len(ordered) - OBJECT_LINK_LIMIT),
                )
            )
    return links
