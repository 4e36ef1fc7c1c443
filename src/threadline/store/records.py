"""Writing validated records into the store: insert, update with history, or leave unchanged.

A batch is written in one transaction by :func:`write_batch`; the caller commits it. Re-importing
a record with the same key and content changes nothing; a changed record is updated in place, its
people and objects are replaced, and what it was and what it became are kept in ``record_history``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from functools import cache
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Connection, Select, Table, bindparam, delete, select

from threadline.features import features_of, to_stored
from threadline.model import (
    Association,
    CourtOrder,
    Crime,
    Incident,
    PersonMention,
    Record,
    RiskAssessment,
)
from threadline.model.kinds import VEHICLE, identifier_kind, written_identifiers
from threadline.model.pole import Qualifier
from threadline.normalise import address_key
from threadline.store import tables as t
from threadline.store.derived import graded_columns
from threadline.store.first_dash import first_dash_updates
from threadline.store.parties import keep_parties
from threadline.store.queries import chunks, fetch
from threadline.store.rows import Binder, Row, columns_of, row_of
from threadline.store.writers import Writer, writer_for

RECORD_TABLES: dict[str, Table] = {
    "incident": t.incidents,
    "crime": t.crimes,
    "order": t.orders,
    "risk_assessment": t.risk_assessments,
    "association": t.associations,
}


def record_key(record: Record) -> str:
    """The store-wide key of a record: kind, source system and that system's reference."""
    return f"{record.kind}:{record.source}:{record.ref}"


def mention_key(key: str, position: str) -> str:
    return f"{key}#{position}"


def document_of(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json")


def content_hash(document: dict[str, Any]) -> str:
    """A digest of the record's canonical JSON (keys sorted), to tell a changed record."""
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


def record_time(record: Record) -> datetime:
    """When the event happened for the purpose of timelines."""
    match record:
        case Incident():
            return record.reported_at
        case Crime():
            return record.recorded_at
        case CourtOrder():
            return datetime.combine(record.starts, time(), tzinfo=UTC)
        case RiskAssessment():
            return record.assessed_at
        case Association():
            return record.recorded_at
    raise TypeError(f"not a record: {record!r}")


def people_of(record: Record) -> Iterator[tuple[str, PersonMention]]:
    """Every person in a record with a stable position label."""
    match record:
        case Incident() | Crime():
            for index, person in enumerate(record.people):
                yield str(index), person
        case CourtOrder():
            yield "respondent", record.respondent
            for index, person in enumerate(record.protected):
                yield f"protected{index}", person
        case RiskAssessment():
            yield "subject", record.subject
        case Association():
            yield "a", record.person_a
            yield "b", record.person_b


#: The columns of each kind's table that hold the record's field of the same name, as it is.
_AS_IT_IS: dict[str, tuple[str, ...]] = {
    "incident": ("reported_at", "occurred_from", "occurred_to", "narrative", "officer"),
    "crime": ("offence", "offence_code", "recorded_at", "narrative", "officer"),
    "order": ("interim", "starts", "ends", "conditions", "court"),
    "risk_assessment": (
        "checklist",
        "checklist_version",
        "incident_ref",
        "assessed_at",
        "officer",
        "judgement_grade",
        "safety_plan",
    ),
    "association": ("since",),
}


def _record_row(record: Record, key: str, document: dict[str, Any], digest: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "source": record.source,
        "ref": record.ref,
        "document": document,
        "content_hash": digest,
    }
    row.update((name, getattr(record, name)) for name in _AS_IT_IS[record.kind])
    match record:
        case Incident():
            row.update(
                channel=record.channel.value,
                category=record.category.value,
                closing_category=record.closing_category.value if record.closing_category else None,
                domestic=record.category.value == "domestic"
                or Qualifier.domestic in record.qualifiers,
                location_text=record.location.text if record.location else None,
                postcode=record.location.postcode if record.location else None,
                location_key=(
                    address_key(record.location.text, record.location.postcode)
                    if record.location and record.location.text
                    else None
                ),
                # not known until recognition reads it (crossref.pipeline): an import stays cheap
                stalking_signs=None,
                # kept from the assessments once the row is written (store.first_dash)
                first_dash_at=None,
            )
        case CourtOrder():
            row["order_type"] = record.order_type.value
        case RiskAssessment():
            row["answers"] = {k: v.value for k, v in record.answers.items()}
            row.update(graded_columns(record))
        case Association():
            row["kind"] = record.link.value
    return row


def identifier_value(kind: str, written: str) -> str | None:
    """The normalised form of an identifier as written (an account as ``platform:handle``), or
    None when it cannot be read; an unknown kind raises
    :class:`~threadline.model.kinds.UnknownIdentifierKind`."""
    return identifier_kind(kind).normalise(written)


def _as_written(person: PersonMention) -> dict[str, Any]:
    """The person's name, date of birth, sex and address as the record has them."""
    address = person.address
    return {
        "forenames": person.forenames,
        "surname": person.surname,
        "dob": person.dob,
        "sex": person.sex.value if person.sex else None,
        "address_text": address.text if address else None,
        "postcode": address.postcode if address else None,
    }


def mention_feature_row(mkey: str, key: str, person: PersonMention) -> dict[str, Any]:
    """The linkage model's view of one mention, stored so batch and call time read the same."""
    written: dict[str, list[str]] = {}
    for kind, text in written_identifiers(person):
        written.setdefault(kind.column, []).append(text)
    features = to_stored(features_of({"mention_id": mkey, **_as_written(person), **written}))
    features["mention_key"] = mkey
    features["record_key"] = key
    return features


@dataclass
class ChildRows:
    """Rows of the tables that make records searchable, as tuples (:func:`columns_of` order)."""

    mentions: list[Row] = field(default_factory=list)
    features: list[Row] = field(default_factory=list)
    identifiers: list[Row] = field(default_factory=list)
    crime_incidents: list[Row] = field(default_factory=list)

    def add(self, rows: Sequence[Sequence[Row]]) -> None:
        """Add one record's rows (:attr:`Prepared.children`)."""
        mentions, features, identifiers, crime_incidents = rows
        self.mentions.extend(mentions)
        self.features.extend(features)
        self.identifiers.extend(identifiers)
        self.crime_incidents.extend(crime_incidents)

    def tables(self) -> list[tuple[Table, list[Row]]]:
        return [
            (t.mentions, self.mentions),
            (t.mention_features, self.features),
            (t.identifiers, self.identifiers),
            (t.crime_incidents, self.crime_incidents),
        ]

    def frozen(self, binder: Binder | None = None) -> tuple[tuple[Row, ...], ...]:
        """The rows as tuples of tuples (bound by ``binder``, if given), table by table."""
        if binder is None:
            return tuple(tuple(rows) for _, rows in self.tables())
        return tuple(tuple(binder.bind_all(table, rows)) for table, rows in self.tables())


def child_rows(record: Record, key: str, into: ChildRows) -> None:
    """The rows that make a record's people and objects searchable."""
    when = record_time(record)
    for position, person in people_of(record):
        mkey = mention_key(key, position)
        mention = {
            "mention_key": mkey,
            "record_kind": record.kind,
            "record_key": key,
            "position": position,
            "event_time": when,
            "role": person.role.value,
            **_as_written(person),
            "relationship_to_victim": (
                person.relationship_to_victim.value if person.relationship_to_victim else None
            ),
            "description": person.description,
        }
        into.mentions.append(row_of(t.mentions, mention))
        into.features.append(row_of(t.mention_features, mention_feature_row(mkey, key, person)))
        for kind, text in written_identifiers(person):
            identifier = {
                "record_key": key,
                "mention_key": mkey,
                "kind": kind.name,
                "raw": text,
                "value": kind.normalise(text),
            }
            into.identifiers.append(row_of(t.identifiers, identifier))
    if isinstance(record, Incident):
        for vehicle in record.vehicles:
            identifier = {
                "record_key": key,
                "mention_key": None,
                "kind": VEHICLE.name,
                "raw": vehicle.registration,
                "value": VEHICLE.normalise(vehicle.registration),
            }
            into.identifiers.append(row_of(t.identifiers, identifier))
    if isinstance(record, Crime):
        for ref in record.incident_refs:
            into.crime_incidents.append(
                row_of(t.crime_incidents, {"crime_key": key, "incident_ref": ref})
            )


@dataclass
class BatchCounts:
    stored: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: BatchCounts) -> None:
        self.stored += other.stored
        self.updated += other.updated
        self.unchanged += other.unchanged


@cache
def record_columns(table: Table) -> tuple[str, ...]:
    """The columns of a record's own row (:attr:`Prepared.row`): all but the two time stamps
    the writer adds (``created_at`` and ``updated_at``)."""
    return tuple(name for name in columns_of(table) if name not in ("created_at", "updated_at"))


class Prepared(NamedTuple):
    """A validated record turned into rows, ready to write (made in a worker process in bulk).

    ``row`` holds the values of :func:`record_columns`; ``children`` the rows of the tables of
    :meth:`ChildRows.tables`, in that order; ``bound`` names the dialect whose driver the values
    are already bound for (:mod:`threadline.store.rows`), or is None for plain values. Tuples
    throughout: they pickle fast, and the garbage collector stops tracking them.
    """

    kind: str
    key: str
    digest: str
    row: Row
    children: tuple[tuple[Row, ...], ...]
    bound: str | None = None

    def document(self, binder: Binder | None = None) -> Any:
        """The record's document as a dict (read back from its bound form if need be)."""
        table = RECORD_TABLES[self.kind]
        value = self.row[record_columns(table).index("document")]
        if self.bound is None:
            return value
        if binder is None or binder.name != self.bound:
            raise ValueError(f"rows bound for {self.bound} need a {self.bound} binder to read")
        return binder.read(table, "document", value)


def prepare(
    record: Record, binder: Binder | None = None, known: Mapping[str, Any] | None = None
) -> Prepared:
    """Everything about ``record`` that does not need the database: its rows and their keys.

    With ``binder``, the values are bound for its dialect's driver, ready for the writer.
    ``known`` sets columns of the record's row that a layer above the store reads from the
    record itself (the live path: an incident's stalking signs), so they are written with the
    row rather than by a later UPDATE; a name that is not a column of its table is refused.
    """
    key = record_key(record)
    document = document_of(record)
    digest = content_hash(document)
    children = ChildRows()
    child_rows(record, key, children)
    table = RECORD_TABLES[record.kind]
    values = _record_row(record, key, document, digest)
    if known:
        unknown = set(known) - set(values)
        if unknown:
            raise ValueError(f"not columns of {table.name}: {', '.join(sorted(unknown))}")
        values.update(known)
    row = tuple(values[name] for name in record_columns(table))
    if binder is None:
        return Prepared(record.kind, key, digest, row, children.frozen())
    return Prepared(
        record.kind,
        key,
        digest,
        binder.bind(table, row, record_columns(table)),
        children.frozen(binder),
        binder.name,
    )


def write_batch(
    conn: Connection,
    records: Sequence[Record],
    now: datetime,
    import_id: int | None = None,
) -> BatchCounts:
    """Write ``records`` (unique keys) in the caller's transaction; return what happened to each."""
    return write_prepared(conn, [prepare(r) for r in records], now, import_id)


def write_prepared(
    conn: Connection,
    items: Sequence[Prepared],
    now: datetime,
    import_id: int | None = None,
) -> BatchCounts:
    """Write prepared records (unique keys): insert new ones, update changed ones with history."""
    writer = writer_for(conn)
    counts = BatchCounts()
    children = ChildRows()
    replaced: list[str] = []
    incident_keys: set[str] = set()
    written: dict[Table, list[str]] = {}  # the incidents and assessments written, by table
    moved_from: set[str] = set()  # the incidents replaced assessments were for
    by_kind: dict[str, list[Prepared]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    fresh: list[tuple[Table, list[Prepared]]] = []
    for kind, group in by_kind.items():
        table = RECORD_TABLES[kind]
        existing: dict[str, str] = {}
        for chunk in chunks([item.key for item in group]):
            for found in fetch(conn, _stored_hashes(table), {"keys": chunk}):
                existing[found[0]] = found[1]
        new: list[Prepared] = []
        changed: list[Prepared] = []
        for item in group:
            if item.key not in existing:
                new.append(item)
                children.add(item.children)
                counts.stored += 1
            elif existing[item.key] == item.digest:
                counts.unchanged += 1
            else:
                changed.append(item)
                replaced.append(item.key)
                if table is t.incidents:
                    incident_keys.add(item.key)
                children.add(item.children)
                counts.updated += 1
        written[table] = [item.key for item in (*new, *changed)]
        if changed and table is t.risk_assessments:
            a = t.risk_assessments
            for chunk in chunks([item.key for item in changed]):
                moved_from.update(
                    conn.execute(select(a.c.incident_ref).where(a.c.record_key.in_(chunk)))
                    .scalars()
                    .all()
                )
        if changed:
            _update(conn, writer, table, changed, now, import_id)
        if new:
            fresh.append((table, new))
    for chunk in chunks(replaced):
        conn.execute(delete(t.mentions).where(t.mentions.c.record_key.in_(chunk)))
        conn.execute(delete(t.mention_features).where(t.mention_features.c.record_key.in_(chunk)))
        conn.execute(delete(t.identifiers).where(t.identifiers.c.record_key.in_(chunk)))
        conn.execute(delete(t.crime_incidents).where(t.crime_incidents.c.crime_key.in_(chunk)))
    # Only inserts from here, and the kept first DASH after them: PostgreSQL sends them
    # together, one round trip for them all.
    bound = _bound(items)
    with writer.together():
        for table, new in fresh:
            stamp = writer.stamp(table, now, bound)
            columns = (*record_columns(table), "created_at", "updated_at")
            writer.insert(table, columns, [(*item.row, stamp, stamp) for item in new], bound)
        for child_table, rows in children.tables():
            if rows:
                writer.insert(child_table, columns_of(child_table), rows, bound)
        assessed = written.get(t.risk_assessments, ())
        for update, params in first_dash_updates(
            written.get(t.incidents, ()), assessed, moved_from
        ):
            writer.execute(update, params)
    # a replaced incident's people may have changed roles under their kept memberships
    if incident_keys:
        keep_parties(conn, incident_keys)
    return counts


@cache
def _stored_hashes(table: Table) -> Select[Any]:
    """The content hash of each stored record of ``table`` among the keys ``keys``."""
    keys: Any = bindparam("keys", expanding=True)
    return select(table.c.record_key, table.c.content_hash).where(table.c.record_key.in_(keys))


def _bound(items: Sequence[Prepared]) -> str | None:
    """The dialect all ``items`` are bound for (None: plain values); they must agree."""
    kinds = {item.bound for item in items}
    if len(kinds) > 1:
        raise ValueError(f"a batch mixes rows bound for {sorted(map(str, kinds))}")
    return kinds.pop() if kinds else None


def _update(
    conn: Connection,
    writer: Writer,
    table: Table,
    changed: list[Prepared],
    now: datetime,
    import_id: int | None,
) -> None:
    """Replace changed records' rows and keep what each was and became in ``record_history``."""
    before: dict[str, Any] = {}
    for chunk in chunks([item.key for item in changed]):
        query = select(table.c.record_key, table.c.document).where(table.c.record_key.in_(chunk))
        for found_key, document in conn.execute(query):
            before[found_key] = document
    bound = _bound(changed)
    stamp = writer.stamp(table, now, bound)
    columns = (*record_columns(table), "updated_at")
    writer.update(table, columns, [(*item.row, stamp) for item in changed], bound)
    binder = writer.binder if bound is not None else None
    history = [
        (item.key, now, before[item.key], item.document(binder), import_id) for item in changed
    ]
    writer.insert(t.record_history, columns_of(t.record_history), history, None)
