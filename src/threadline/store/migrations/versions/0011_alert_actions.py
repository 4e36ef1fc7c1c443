"""alert actions: who owns an alert, what was done, the arrest decision and its sign-off

Each step taken on an alert (assign, acknowledge, act, decide, sign off, close, reopen) is one
row of ``alert_actions``, append-only, written in the same transaction as its audit row; the
state of an alert's actions is folded from them (threadline.recognise.actions).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from threadline.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "alert_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=574), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("detail", DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_actions")),
    )
    with op.batch_alter_table("alert_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_actions_alert_key"), ["alert_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_actions_alert_key"))
    op.drop_table("alert_actions")
