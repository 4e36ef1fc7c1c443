"""cases: one investigation for one course of conduct, its incidents, steps and notifications

A case gathers the incidents of one suspect's course of conduct against one victim (issue 23:
"one case for one course of conduct"). It is keyed on the suspect's and the victim's *mentions*
in the incident that founded it (``record_key#position``, which never change), not on entity ids
(which a re-run of resolution may renumber): see :mod:`threadline.crossref.cases`.

- ``cases``: the case, its anchors, officer in the case, team, status, opened and closed.
- ``case_incidents``: which incidents are in it, from which report they joined.
- ``case_steps``: append-only, each step (open, join, assign, note, close, reopen) with who and
  when; written in the same transaction as its audit row.
- ``notifications``: an officer (or team) told that an incident joined their case.

Four new tables and their indexes, made in the migration's one transaction.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from threadline.store.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MENTION_KEY = 339  # threadline.model.refs.MENTION_KEY_MAX_LENGTH, as of this revision
REF = 256  # threadline.model.refs.REF_MAX_LENGTH


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_key", sa.String(length=2 * MENTION_KEY + 2), nullable=False),
        sa.Column("suspect_mention", sa.String(length=MENTION_KEY), nullable=False),
        sa.Column("victim_mention", sa.String(length=MENTION_KEY), nullable=False),
        sa.Column("suspect", sa.String(length=40), nullable=False),
        sa.Column("victim", sa.String(length=40), nullable=False),
        sa.Column("officer", sa.String(length=80), nullable=True),
        sa.Column("team", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_on", sa.String(length=REF), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_series_key"), ["series_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_officer"), ["officer"], unique=False)
    op.create_table(
        "case_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("incident_ref", sa.String(length=REF), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("joined_on", sa.String(length=REF), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_incidents_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_incidents")),
        sa.UniqueConstraint("case_id", "incident_ref", name="uq_case_incidents_case_ref"),
    )
    with op.batch_alter_table("case_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_incidents_incident_ref"), ["incident_ref"], unique=False
        )
    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("detail", DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_steps_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_steps")),
    )
    with op.batch_alter_table("case_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_steps_case_id"), ["case_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=80), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("incident_ref", sa.String(length=REF), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("read_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notifications_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_recipient"), ["recipient"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_recipient"))
    op.drop_table("notifications")
    with op.batch_alter_table("case_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_steps_case_id"))
    op.drop_table("case_steps")
    with op.batch_alter_table("case_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_incidents_incident_ref"))
    op.drop_table("case_incidents")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_officer"))
        batch_op.drop_index(batch_op.f("ix_cases_series_key"))
    op.drop_table("cases")
