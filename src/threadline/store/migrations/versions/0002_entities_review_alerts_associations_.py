"""entities, review, alerts, associations, users, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:38:43.733025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import threadline.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=300), nullable=False),
        sa.Column("at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("incident_ref", sa.String(length=60), nullable=False),
        sa.Column("change", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_events_alert_key"), ["alert_key"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=300), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("first_incident_ref", sa.String(length=60), nullable=False),
        sa.Column("incident_ref", sa.String(length=60), nullable=False),
        sa.Column(
            "people",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column(
            "cited",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("severity", sa.String(length=12), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("raised_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("alert_key", name=op.f("uq_alerts_alert_key")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_incident_ref"), ["incident_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_rule_id"), ["rule_id"], unique=False)

    op.create_table(
        "associations",
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
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_associations")),
        sa.UniqueConstraint("record_key", name=op.f("uq_associations_record_key")),
        sa.UniqueConstraint("source", "ref", name="uq_associations_source_ref"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column(
            "records",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=250), nullable=True),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
    )
    op.create_table(
        "entity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column(
            "mention_keys",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_events")),
    )
    with op.batch_alter_table("entity_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_events_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "history_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_ref", sa.String(length=60), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("viewed_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_views")),
    )
    with op.batch_alter_table("history_views", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_history_views_incident_ref"), ["incident_ref"], unique=False
        )

    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_a", sa.String(length=200), nullable=False),
        sa.Column("mention_b", sa.String(length=200), nullable=False),
        sa.Column("judgement", sa.String(length=10), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgements")),
    )
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_judgements_mention_a"), ["mention_a"], unique=False)
        batch_op.create_index(batch_op.f("ix_judgements_mention_b"), ["mention_b"], unique=False)

    op.create_table(
        "mention_features",
        sa.Column("mention_key", sa.String(length=200), nullable=False),
        sa.Column("record_key", sa.String(length=160), nullable=False),
        sa.Column("forename", sa.String(length=120), nullable=True),
        sa.Column("forename_canonical", sa.String(length=120), nullable=True),
        sa.Column(
            "forename_nicknames",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("forename_phonetic", sa.String(length=40), nullable=True),
        sa.Column("forename_initial", sa.String(length=4), nullable=True),
        sa.Column("surname", sa.String(length=120), nullable=True),
        sa.Column("surname_phonetic", sa.String(length=40), nullable=True),
        sa.Column("dob", sa.String(length=10), nullable=True),
        sa.Column("dob_year", sa.Integer(), nullable=True),
        sa.Column("dob_month", sa.Integer(), nullable=True),
        sa.Column("dob_day", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("postcode_sector", sa.String(length=10), nullable=True),
        sa.Column("address_key", sa.String(length=300), nullable=True),
        sa.Column(
            "phones",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "emails",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "accounts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "vehicles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("mention_key", name=op.f("pk_mention_features")),
    )
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.create_index("ix_mention_features_address_key", ["address_key"], unique=False)
        batch_op.create_index(
            "ix_mention_features_dob_forename", ["dob", "forename_canonical"], unique=False
        )
        batch_op.create_index(
            "ix_mention_features_forename_surname",
            ["forename_canonical", "surname_phonetic"],
            unique=False,
        )
        batch_op.create_index(
            "ix_mention_features_postcode_forename",
            ["postcode", "forename_canonical"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_mention_features_record_key"), ["record_key"], unique=False
        )
        batch_op.create_index(
            "ix_mention_features_surname_phonetic_dob_year",
            ["surname_phonetic", "dob_year"],
            unique=False,
        )

    op.create_table(
        "review_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_a", sa.String(length=200), nullable=False),
        sa.Column("mention_b", sa.String(length=200), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_queue")),
        sa.UniqueConstraint("mention_a", "mention_b", name="uq_review_queue_pair"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "entity_members",
        sa.Column("mention_key", sa.String(length=200), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("assigned_at", threadline.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_entity_members_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("mention_key", name=op.f("pk_entity_members")),
    )
    with op.batch_alter_table("entity_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_members_entity_id"), ["entity_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("entity_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_members_entity_id"))

    op.drop_table("entity_members")
    op.drop_table("users")
    op.drop_table("review_queue")
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_features_surname_phonetic_dob_year")
        batch_op.drop_index(batch_op.f("ix_mention_features_record_key"))
        batch_op.drop_index("ix_mention_features_postcode_forename")
        batch_op.drop_index("ix_mention_features_forename_surname")
        batch_op.drop_index("ix_mention_features_dob_forename")
        batch_op.drop_index("ix_mention_features_address_key")

    op.drop_table("mention_features")
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judgements_mention_b"))
        batch_op.drop_index(batch_op.f("ix_judgements_mention_a"))

    op.drop_table("judgements")
    with op.batch_alter_table("history_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_views_incident_ref"))

    op.drop_table("history_views")
    with op.batch_alter_table("entity_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_events_entity_id"))

    op.drop_table("entity_events")
    op.drop_table("entities")
    op.drop_table("audit_log")
    op.drop_table("associations")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_rule_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_incident_ref"))

    op.drop_table("alerts")
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_events_alert_key"))

    op.drop_table("alert_events")
