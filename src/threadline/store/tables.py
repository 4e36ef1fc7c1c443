"""The store's tables: one row per record as received, plus the rows that make it searchable.

Each record (incident, crime, order, risk assessment) is kept whole as a JSON document, exactly as
validated, beside the columns that queries need. People, phones, e-mails, accounts and vehicles
mentioned in a record become rows of ``mentions`` and ``identifiers``, keyed by the record's
``record_key`` (``incident:cad:INC-1``) so that a re-import can replace them without renumbering.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from threadline.store.types import Document, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _record_columns() -> list[Column[Any]]:
    return [
        Column("id", Integer, primary_key=True),
        Column("record_key", String(160), nullable=False, unique=True),
        Column("source", String(40), nullable=False),
        Column("ref", String(60), nullable=False),
        Column("document", Document, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    ]


incidents = Table(
    "incidents",
    metadata,
    *_record_columns(),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("occurred_from", UTCDateTime),
    Column("occurred_to", UTCDateTime),
    Column("channel", String(20), nullable=False),
    Column("category", String(40), nullable=False),
    Column("closing_category", String(40)),
    Column("domestic", Boolean, nullable=False),
    Column("location_text", String(300)),
    Column("postcode", String(10)),
    Column("narrative", Text, nullable=False),
    Column("officer", String(60)),
    UniqueConstraint("source", "ref", name="uq_incidents_source_ref"),
    Index("ix_incidents_reported_at", "reported_at"),
)

crimes = Table(
    "crimes",
    metadata,
    *_record_columns(),
    Column("offence", String(200), nullable=False),
    Column("offence_code", String(10)),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("narrative", Text, nullable=False),
    Column("officer", String(60)),
    UniqueConstraint("source", "ref", name="uq_crimes_source_ref"),
)

#: Which incidents a crime was recorded from (by incident reference, as the crime gives it).
crime_incidents = Table(
    "crime_incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_key", String(160), nullable=False, index=True),
    Column("incident_ref", String(60), nullable=False, index=True),
)

orders = Table(
    "orders",
    metadata,
    *_record_columns(),
    Column("order_type", String(40), nullable=False),
    Column("interim", Boolean, nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date),
    Column("conditions", Text, nullable=False),
    Column("court", String(200)),
    UniqueConstraint("source", "ref", name="uq_orders_source_ref"),
)

risk_assessments = Table(
    "risk_assessments",
    metadata,
    *_record_columns(),
    Column("checklist", String(20), nullable=False),
    Column("checklist_version", String(20), nullable=False),
    Column("incident_ref", String(60), nullable=False, index=True),
    Column("assessed_at", UTCDateTime, nullable=False),
    Column("officer", String(60)),
    Column("answers", Document, nullable=False),
    Column("judgement_grade", String(10)),
    Column("safety_plan", Boolean, nullable=False),
    UniqueConstraint("source", "ref", name="uq_risk_assessments_source_ref"),
)

#: One row per person as written in one record.
mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mention_key", String(200), nullable=False, unique=True),
    Column("record_kind", String(20), nullable=False),
    Column("record_key", String(160), nullable=False, index=True),
    Column("position", String(20), nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("role", String(20), nullable=False),
    Column("forenames", String(120)),
    Column("surname", String(120)),
    Column("dob", String(10)),
    Column("sex", String(10)),
    Column("address_text", String(300)),
    Column("postcode", String(10)),
    Column("relationship_to_victim", String(30)),
    Column("description", String(300)),
)

#: Objects (POLE "O") named in a record: phones, e-mails, accounts, vehicles. ``value`` is the
#: normalised form (E.164, ``platform:handle``, ...) that links records; ``raw`` is as written.
identifiers = Table(
    "identifiers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_key", String(160), nullable=False, index=True),
    Column("mention_key", String(200), index=True),
    Column("kind", String(20), nullable=False),
    Column("raw", String(300), nullable=False),
    Column("value", String(300)),
    Index("ix_identifiers_kind_value", "kind", "value"),
)

#: What a record was and what it became, each time a re-import changed it.
record_history = Table(
    "record_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_key", String(160), nullable=False, index=True),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("before", Document, nullable=False),
    Column("after", Document, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id")),
)

#: Each import run, with its counts; a batch is acknowledged when its transaction commits.
imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("files", Document, nullable=False),
    Column("stored", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("batches", Integer, nullable=False, default=0),
)

__all__ = [
    "crime_incidents",
    "crimes",
    "identifiers",
    "imports",
    "incidents",
    "mentions",
    "metadata",
    "orders",
    "record_history",
    "risk_assessments",
]
