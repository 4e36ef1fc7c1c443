"""records, mentions, identifiers, history

Revision ID: 0001
Revises:
Create Date: 2026-11-29 10:32:44.073874
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import threadline.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "crime_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crime_key", sa.String(length=160), nullable=False),
        sa.Column("incident_ref", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_incidents")),
    )
    with op.batch_alter_table("crime_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crime_incidents_crime_key"), ["crime_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_crime_incidents_incident_ref"), ["incident_ref"], unique=False
        )

    op.create_table(
        "crimes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("offence", sa.String(length=200), nullable=False),
        sa.Column("offence_code", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("officer", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crimes")),
        sa.UniqueConstraint("record_key", name=op.f("uq_crimes_record_key")),
        sa.UniqueConstraint("source", "ref", name="uq_crimes_source_ref"),
    )
    op.create_table(
        "identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("mention_key", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("raw", sa.String(length=300), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifiers")),
    )
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_identifiers_kind_value", ["kind", "value"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_identifiers_mention_key"), ["mention_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_identifiers_record_key"), ["record_key"], unique=False)

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", threadline.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "occurred_from", threadline.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("occurred_to", threadline.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("closing_category", sa.String(length=40), nullable=True),
        sa.Column("domestic", sa.Boolean(), nullable=False),
        sa.Column("location_text", sa.String(length=300), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("officer", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("record_key", name=op.f("uq_incidents_record_key")),
        sa.UniqueConstraint("source", "ref", name="uq_incidents_source_ref"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_reported_at", ["reported_at"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_key", sa.String(length=200), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("event_time", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("forenames", sa.String(length=120), nullable=True),
        sa.Column("surname", sa.String(length=120), nullable=True),
        sa.Column("dob", sa.String(length=10), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("address_text", sa.String(length=300), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("relationship_to_victim", sa.String(length=30), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint("mention_key", name=op.f("uq_mentions_mention_key")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_record_key"), ["record_key"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("order_type", sa.String(length=40), nullable=False),
        sa.Column("interim", sa.Boolean(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("record_key", name=op.f("uq_orders_record_key")),
        sa.UniqueConstraint("source", "ref", name="uq_orders_source_ref"),
    )
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checklist", sa.String(length=20), nullable=False),
        sa.Column("checklist_version", sa.String(length=20), nullable=False),
        sa.Column("incident_ref", sa.String(length=60), nullable=False),
        sa.Column("assessed_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("officer", sa.String(length=60), nullable=True),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("judgement_grade", sa.String(length=10), nullable=True),
        sa.Column("safety_plan", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
        sa.UniqueConstraint("record_key", name=op.f("uq_risk_assessments_record_key")),
        sa.UniqueConstraint("source", "ref", name="uq_risk_assessments_source_ref"),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_assessments_incident_ref"), ["incident_ref"], unique=False
        )

    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("changed_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_record_history_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_history")),
    )
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_history_record_key"), ["record_key"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_history_record_key"))

    op.drop_table("record_history")
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessments_incident_ref"))

    op.drop_table("risk_assessments")
    op.drop_table("orders")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_record_key"))

    op.drop_table("mentions")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_reported_at")

    op.drop_table("incidents")
    op.drop_table("imports")
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identifiers_record_key"))
        batch_op.drop_index(batch_op.f("ix_identifiers_mention_key"))
        batch_op.drop_index("ix_identifiers_kind_value")

    op.drop_table("identifiers")
    op.drop_table("crimes")
    with op.batch_alter_table("crime_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crime_incidents_incident_ref"))
        batch_op.drop_index(batch_op.f("ix_crime_incidents_crime_key"))

    op.drop_table("crime_incidents")
