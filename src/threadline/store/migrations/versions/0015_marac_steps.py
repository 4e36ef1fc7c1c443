"""MARAC referrals: each step (made, heard, an action agreed, an action done, closed) a row

Each step taken on a MARAC referral is one row of ``marac_steps``, append-only, written in the
same transaction as its audit row; a referral's state is folded from them
(threadline.risk.referral_steps).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from threadline.store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "marac_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_ref", sa.String(length=40), nullable=False),
        sa.Column("victim", sa.String(length=40), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("detail", DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marac_steps")),
    )
    with op.batch_alter_table("marac_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_marac_steps_referral_ref"), ["referral_ref"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_marac_steps_victim"), ["victim"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("marac_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_marac_steps_victim"))
        batch_op.drop_index(batch_op.f("ix_marac_steps_referral_ref"))
    op.drop_table("marac_steps")
