"""From the store to recognition's input: the linked history of a set of entities.

Everything here reads; nothing writes. A :class:`~threadline.recognise.History` holds the
incidents and crimes the entities appear in (with every party resolved), the orders that bind or
protect them, their known associations, the incidents with a DASH assessment and display labels.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Select,
    String,
    bindparam,
    literal,
    select,
    union_all,
)

from threadline.recognise import Assessment, Association, Event, History, Order, Party
from threadline.recognise.history import CitedMessage, ContactEvidence
from threadline.store import tables as t
from threadline.store.queries import chunks, fetch, fetch_together
from threadline.store.senders import attributed_reads, attributed_rows

CHUNK = 500
#: Statements are built once and reused with these parameters (an expanding list of keys, and a
#: cut-off time): building SQLAlchemy statements afresh for every call was most of the cost.
KEYS = "keys"
UNTIL = "until"


def expanding_keys() -> Any:
    return bindparam(KEYS, expanding=True)


@cache
def _records_of_entities() -> Select[Any]:
    m, em = t.mentions, t.entity_members
    return (
        select(m.c.record_kind, m.c.record_key)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(em.c.entity_id.in_(expanding_keys()))
    )


@cache
def mentions_with_entities(columns: tuple[str, ...]) -> Select[Any]:
    """``columns`` of the mentions of the records in ``keys``, each with its entity id."""
    m, em = t.mentions, t.entity_members
    return (
        select(*(m.c[c] for c in columns), em.c.entity_id)
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.record_key.in_(expanding_keys()))
        .order_by(m.c.id)
    )


def _parties() -> Select[Any]:
    return mentions_with_entities(
        ("record_key", "mention_key", "position", "role", "relationship_to_victim")
    )


@cache
def _incidents(until: bool) -> Select[Any]:
    """The incidents ``keys``, each with whether its linked history was viewed (read with it,
    not by a statement of its own)."""
    i, v = t.incidents, t.history_views
    viewed = select(v.c.incident_ref).where(v.c.incident_ref == i.c.ref).exists()
    query = select(
        i.c.record_key,
        i.c.ref,
        i.c.reported_at,
        i.c.category,
        i.c.closing_category,
        i.c.channel,
        i.c.narrative,
        i.c.location_key,
        i.c.document,
        viewed.label("viewed"),
    ).where(i.c.record_key.in_(expanding_keys()))
    return query.where(i.c.reported_at <= bindparam(UNTIL)) if until else query


@cache
def _crimes(until: bool) -> Select[Any]:
    c = t.crimes
    query = select(
        c.c.record_key,
        c.c.ref,
        c.c.recorded_at,
        c.c.offence,
        c.c.offence_code,
        c.c.narrative,
        c.c.document,
    ).where(c.c.record_key.in_(expanding_keys()))
    return query.where(c.c.recorded_at <= bindparam(UNTIL)) if until else query


@cache
def _orders() -> Select[Any]:
    return select(t.orders).where(t.orders.c.record_key.in_(expanding_keys()))


@cache
def _associations() -> Select[Any]:
    a = t.associations
    return select(a.c.record_key, a.c.kind).where(a.c.record_key.in_(expanding_keys()))


@cache
def _viewed() -> Select[Any]:
    v = t.history_views
    return select(v.c.incident_ref).where(v.c.incident_ref.in_(expanding_keys()))


@cache
def _assessments(until: bool) -> Select[Any]:
    """The checklists completed on the incidents ``keys`` (refs), each with its subject's
    entity (``None`` when the subject is not resolved)."""
    r, m, em = t.risk_assessments, t.mentions, t.entity_members
    query = (
        select(
            r.c.ref,
            r.c.checklist,
            r.c.incident_ref,
            r.c.assessed_at,
            r.c.document,
            em.c.entity_id,
        )
        .outerjoin(m, (m.c.record_key == r.c.record_key) & (m.c.position == "subject"))
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .where(r.c.incident_ref.in_(expanding_keys()))
    )
    return query.where(r.c.assessed_at <= bindparam(UNTIL)) if until else query


@cache
def _labels() -> Select[Any]:
    return select(t.entities.c.id, t.entities.c.label).where(t.entities.c.id.in_(expanding_keys()))


@cache
def _labels_in_records() -> Select[Any]:
    """The labels of the people in the records ``keys`` (those :func:`_parties` reads)."""
    m, em, e = t.mentions, t.entity_members, t.entities
    people = (
        select(em.c.entity_id)
        .join(m, m.c.mention_key == em.c.mention_key)
        .where(m.c.record_key.in_(expanding_keys()))
    )
    return select(e.c.id, e.c.label).where(e.c.id.in_(people))


@cache
def _at_location(since: bool = False) -> Select[Any]:
    i = t.incidents
    query = select(i.c.record_key).where(i.c.location_key == bindparam("location"))
    return query.where(i.c.reported_at >= bindparam("since")) if since else query


@cache
def _records_and_place(since: bool) -> CompoundSelect[Any]:
    """:func:`_records_of_entities` and the incidents at a place (:func:`_at_location`, as
    incident rows) in one statement."""
    place = _at_location(since).subquery()
    at_place = select(literal("incident", String).label("record_kind"), place.c.record_key)
    return union_all(_records_of_entities(), at_place)


_Read = tuple[Select[Any], dict[str, Any]]


def _reads(
    statement: Select[Any], keys: Iterable[str], until: datetime | None = None
) -> list[_Read]:
    """``statement`` for every key, in chunks the database can take (none for no keys)."""
    reads = []
    for chunk in chunks(sorted(set(keys)), CHUNK):
        params: dict[str, Any] = {KEYS: list(chunk)}
        if until is not None:
            params[UNTIL] = until
        reads.append((statement, params))
    return reads


def _run_together(conn: Connection, jobs: Sequence[list[_Read]]) -> list[list[Any]]:
    """The rows of each job's reads, all sent together (one round trip on PostgreSQL)."""
    answers = iter(fetch_together(conn, [read for job in jobs for read in job]))
    return [[row for _read in job for row in next(answers)] for job in jobs]


def _run(
    conn: Connection, statement: Select[Any], keys: Iterable[str], until: datetime | None = None
) -> list[Any]:
    """Rows of ``statement`` for every key, in chunks the database can take."""
    return _run_together(conn, [_reads(statement, keys, until)])[0]


def records_of_entities(conn: Connection, entity_ids: Iterable[str]) -> dict[str, set[str]]:
    """record kind → record keys in which any of ``entity_ids`` appears."""
    return records_by_kind(_run(conn, _records_of_entities(), entity_ids))


def records_of_entities_reads(entity_ids: Iterable[str]) -> list[_Read]:
    """The reads of :func:`records_of_entities`, for a caller that sends them with others;
    :func:`records_by_kind` makes their rows its answer."""
    return _reads(_records_of_entities(), entity_ids)


def records_by_kind(rows: Iterable[Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        found[row.record_kind].add(row.record_key)
    return found


def parties_of(conn: Connection, record_keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """record key → its people (mention key, position, role, relationship, entity id)."""
    return _parties_by_record(_run(conn, _parties(), record_keys))


def _parties_by_record(rows: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    parties: dict[str, list[dict[str, Any]]] = defaultdict(list)
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
    until: datetime | None = None,
    places: dict[str, str] | None = None,
) -> list[Event]:
    """Incidents as recognition events (whether each one's history was viewed read with it);
    ``places`` collects each location key's address."""
    rows = _run(conn, _incidents(until is not None), record_keys, until)
    return _incident_events(rows, parties, places)


def _incident_events(
    rows: Iterable[Any], parties: dict[str, list[dict[str, Any]]], places: dict[str, str] | None
) -> list[Event]:
    events = []
    for row in rows:
        document = row.document
        location = document.get("location") or {}
        if places is not None and row.location_key and location.get("text"):
            postcode = f", {location['postcode']}" if location.get("postcode") else ""
            places[row.location_key] = f"{location['text']}{postcode}"
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
                history_viewed=True if row.viewed else None,
            )
        )
    return events


def crime_events(
    conn: Connection,
    record_keys: Iterable[str],
    parties: dict[str, list[dict[str, Any]]],
    until: datetime | None = None,
) -> list[Event]:
    return _crime_events(_run(conn, _crimes(until is not None), record_keys, until), parties)


def _crime_events(rows: Iterable[Any], parties: dict[str, list[dict[str, Any]]]) -> list[Event]:
    events = []
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
    return _orders_of(_run(conn, _orders(), record_keys), parties)


def _orders_of(rows: Iterable[Any], parties: dict[str, list[dict[str, Any]]]) -> list[Order]:
    orders = []
    for row in rows:
        people = parties.get(row.record_key, [])
        respondent = next((p["entity_id"] for p in people if p["position"] == "respondent"), None)
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
                served=_day(row.document.get("served")),
                on_notice=row.document.get("on_notice"),
            )
        )
    return orders


def _day(value: Any) -> date | None:
    """A day as the order's document keeps it (ISO 8601 text), or ``None``."""
    return date.fromisoformat(value) if isinstance(value, str) else None


def associations_of(
    conn: Connection, record_keys: Iterable[str], parties: dict[str, list[dict[str, Any]]]
) -> list[Association]:
    return _associations_of(_run(conn, _associations(), record_keys), parties)


def _associations_of(
    rows: Iterable[Any], parties: dict[str, list[dict[str, Any]]]
) -> list[Association]:
    found = []
    for row in rows:
        people = {p["position"]: p["entity_id"] for p in parties.get(row.record_key, [])}
        if people.get("a") and people.get("b"):
            found.append(Association(people["a"], people["b"], row.kind))
    return found


def viewed_incidents(conn: Connection, refs: Iterable[str]) -> set[str]:
    return {row.incident_ref for row in _run(conn, _viewed(), refs)}


def assessments_on(
    conn: Connection, refs: Iterable[str], until: datetime | None = None
) -> list[Assessment]:
    """The checklists completed on the incidents ``refs`` (by ``until``, if given), each with its
    "yes" answers, oldest first."""
    return _assessments_of(_run(conn, _assessments(until is not None), refs, until))


def _assessments_of(rows: Iterable[Any]) -> list[Assessment]:
    found = []
    for row in rows:
        answers = (row.document or {}).get("answers") or {}
        found.append(
            Assessment(
                ref=row.ref,
                checklist=row.checklist,
                incident_ref=row.incident_ref,
                assessed_at=row.assessed_at,
                subject=row.entity_id,
                yes=frozenset(q for q, a in answers.items() if a == "yes"),
            )
        )
    return sorted(found, key=lambda a: (a.assessed_at, a.ref))


def dash_assessed(
    conn: Connection, refs: Iterable[str], until: datetime | None = None
) -> frozenset[str]:
    return frozenset(
        a.incident_ref for a in assessments_on(conn, refs, until) if a.checklist == "dash"
    )


def entity_labels(conn: Connection, entity_ids: Iterable[str]) -> dict[str, str]:
    return _labels_of(_run(conn, _labels(), entity_ids))


def _labels_of(rows: Iterable[Any]) -> dict[str, str]:
    return {row.id: row.label or row.id for row in rows}


def ref_of_key(record_key: str) -> str:
    return record_key.split(":", 2)[2]


def incidents_at(
    conn: Connection, location_key: str | None, since: datetime | None = None
) -> set[str]:
    """Record keys of incidents at one location (however its address was written), reported
    ``since`` that time if given."""
    if not location_key:
        return set()
    params: dict[str, Any] = {"location": location_key}
    if since is not None:
        params["since"] = since
    return set(fetch(conn, _at_location(since is not None), params).scalars())


def load_history(
    conn: Connection,
    entity_ids: Iterable[str],
    location_key: str | None = None,
    until: datetime | None = None,
    location_since: datetime | None = None,
) -> History:
    """The linked history of ``entity_ids`` (and of a location): events, orders, associations.
    (:func:`load_history_with`, with no reads of the caller's.)"""
    return load_history_with(conn, entity_ids, location_key, until, location_since)[0]


def load_history_with(
    conn: Connection,
    entity_ids: Iterable[str],
    location_key: str | None = None,
    until: datetime | None = None,
    location_since: datetime | None = None,
    also: Sequence[_Read] = (),
) -> tuple[History, list[Any]]:
    """The linked history of ``entity_ids`` (and of a location): events, orders, associations;
    and the rows of the caller's reads ``also`` (statements built once, with their parameters),
    sent with the history's own (one round trip on PostgreSQL).

    ``until`` leaves out events and assessments after that time, so that a store already holding
    a whole case can be swept through as it was on each day. ``location_since`` keeps only the
    location's incidents reported since then (the people's histories stay whole): a street of
    a large force holds hundreds of incidents over the years, and what a place's incidents mean
    (a repeat location) is read over the last year.
    """
    ids = set(entity_ids)
    if location_key and len(ids) <= CHUNK:  # the people's records and the place's at once
        params: dict[str, Any] = {KEYS: sorted(ids), "location": location_key}
        if location_since is not None:
            params["since"] = location_since
        records: dict[str, set[str]] = defaultdict(set)
        for row in fetch(conn, _records_and_place(location_since is not None), params):
            records[row.record_kind].add(row.record_key)
    else:
        records = records_of_entities(conn, ids)
        records["incident"].update(incidents_at(conn, location_key, location_since))
    records.setdefault("incident", set())
    everything = set().union(*records.values()) if records else set()
    incident_refs = [ref_of_key(k) for k in records.get("incident", ())]
    # everything else needs only the records: read together (one round trip on PostgreSQL)
    party_rows, incident_rows, crime_rows, order_rows, association_rows, *rest = _run_together(
        conn,
        [
            _reads(_parties(), everything),
            _reads(_incidents(until is not None), records.get("incident", ()), until),
            _reads(_crimes(until is not None), records.get("crime", ()), until),
            _reads(_orders(), records.get("order", ())),
            _reads(_associations(), records.get("association", ())),
            _reads(_assessments(until is not None), incident_refs, until),
            _reads(_labels_in_records(), everything),
            attributed_reads(ids),
            list(also),
        ],
    )
    assessment_rows, label_rows, sender_rows, also_rows = rest
    parties = _parties_by_record(party_rows)
    places: dict[str, str] = {}
    events = _incident_events(incident_rows, parties, places)
    events += _crime_events(crime_rows, parties)
    assessments = _assessments_of(assessment_rows)
    history = History(
        events=tuple(events),
        orders=tuple(_orders_of(order_rows, parties)),
        associations=tuple(_associations_of(association_rows, parties)),
        dash_assessed=frozenset(a.incident_ref for a in assessments if a.checklist == "dash"),
        # the labels of the people of the records (those of ``parties``)
        labels={**places, **_labels_of(label_rows)},
        assessments=tuple(assessments),
        contacts=tuple(_contact_evidence(sender_rows, until)),
    )
    return history, also_rows


def _cited(items: Iterable[Any]) -> tuple[CitedMessage, ...]:
    return tuple(
        CitedMessage(datetime.fromisoformat(m["at"]), m["channel"], m["file"], m["line"])
        for m in items
    )


def contact_evidence(
    conn: Connection, entity_ids: Iterable[str], until: datetime | None = None
) -> list[ContactEvidence]:
    """The communications attributed to ``entity_ids`` (``comms_senders``), one
    :class:`ContactEvidence` per (sender's person, victim), their senders' counts added up and
    the first messages cited. The counts are as imported: with ``until`` (a sweep through a
    case as it was), evidence whose first contact is later is left out, the rest kept whole."""
    return _contact_evidence(attributed_rows(conn, entity_ids), until)


def _contact_evidence(rows: Iterable[Any], until: datetime | None) -> list[ContactEvidence]:
    by_pair: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        if row.victim and row.current_entity != row.victim:
            by_pair[(row.current_entity, row.victim)].append(row)
    found = []
    for (sender, victim), rows in sorted(by_pair.items()):
        first = min(r.first_at for r in rows if r.first_at is not None)
        if until is not None and first > until:
            continue
        channels: Counter[str] = Counter()
        weeks: Counter[str] = Counter()
        bound: Counter[str] = Counter()
        bound_cited: dict[str, list[CitedMessage]] = defaultdict(list)
        after_cited: list[CitedMessage] = []
        bursts: list[tuple[datetime, datetime, int]] = []
        told: tuple[datetime, Any] | None = None
        for r in rows:
            detail = r.detail or {}
            channels.update(detail.get("per_channel") or {})
            weeks.update(detail.get("per_week") or {})
            bound.update(r.while_bound or {})
            cited = detail.get("cited") or {}
            after_cited.extend(_cited(cited.get("after_stop") or ()))
            for ref, items in (cited.get("while_bound") or {}).items():
                bound_cited[ref].extend(_cited(items))
            bursts.extend(
                (datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"]), b["count"])
                for b in detail.get("bursts") or ()
            )
            if r.told_to_stop_at is not None and (told is None or r.told_to_stop_at < told[0]):
                told = (r.told_to_stop_at, detail.get("told_how") or {})
        how = told[1] if told else {}
        message = how.get("message")
        found.append(
            ContactEvidence(
                sender=sender,
                victim=victim,
                contacts=sum(r.contacts for r in rows),
                first=first,
                last=max(r.last_at for r in rows if r.last_at is not None),
                channels=dict(channels.most_common()),
                per_week=dict(sorted(weeks.items())),
                night=sum(r.night for r in rows),
                bursts=tuple(sorted(bursts)),
                told_to_stop_at=told[0] if told else None,
                told_by_report=how.get("report"),
                told_by_message=_cited([message])[0] if message else None,
                after_stop=sum(r.after_stop for r in rows),
                after_stop_cited=tuple(sorted(after_cited, key=lambda m: m.at)[:5]),
                while_bound=dict(bound),
                while_bound_cited={
                    ref: tuple(sorted(items, key=lambda m: m.at)[:5])
                    for ref, items in bound_cited.items()
                },
                senders=len(rows),
            )
        )
    return found


def event_of_record(conn: Connection, record_key: str) -> Event | None:
    """The recognition event for one stored incident or crime (None for other records)."""
    kind = record_key.split(":", 1)[0]
    if kind not in ("incident", "crime"):
        return None
    # the record's people and the record itself in one round trip
    statement = _incidents(False) if kind == "incident" else _crimes(False)
    party_rows, rows = _run_together(
        conn, [_reads(_parties(), [record_key]), _reads(statement, [record_key])]
    )
    parties = _parties_by_record(party_rows)
    events = (
        _incident_events(rows, parties, None)
        if kind == "incident"
        else _crime_events(rows, parties)
    )
    return events[0] if events else None
