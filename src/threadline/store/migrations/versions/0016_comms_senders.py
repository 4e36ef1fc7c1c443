"""comms_senders: each sender of a victim's communications evidence, attributed and counted

One row per sender as written under an attachment (issue 25, parts 2 and 3): whose it is and the
evidence (JSON), its contacts, after being told to stop, while an order bound (by order), with
the messages cited. One new table, made in the migration's one transaction.

Revision ID: 0016
Revises: 0013 (re-chained when 0014-0015 land)
Create Date: 2026-12-06 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from threadline.store.types import UTCDateTime

revision = "0016"
down_revision = "0013"  # re-chained when 0014-0015 land (was 0012 until 0013 landed)
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "comms_senders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment", sa.String(length=318), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=True),
        sa.Column("mention_key", sa.String(length=339), nullable=True),
        sa.Column("victim", sa.String(length=40), nullable=True),
        sa.Column("review_key", sa.String(length=40), nullable=False),
        sa.Column("evidence", DOCUMENT, nullable=False),
        sa.Column("candidates", DOCUMENT, nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("first_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("night", sa.Integer(), nullable=False),
        sa.Column("told_to_stop_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("after_stop", sa.Integer(), nullable=False),
        sa.Column("while_bound", DOCUMENT, nullable=False),
        sa.Column("detail", DOCUMENT, nullable=False),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comms_senders")),
        sa.UniqueConstraint("attachment", "sender", name="uq_comms_senders_attachment_sender"),
    )
    with op.batch_alter_table("comms_senders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comms_senders_review_key"), ["review_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("comms_senders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comms_senders_review_key"))
    op.drop_table("comms_senders")
