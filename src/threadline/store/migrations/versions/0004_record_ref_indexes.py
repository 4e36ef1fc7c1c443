"""record references indexed alone

Records are looked up by their reference alone (the picture of an incident, the incident a crime
was recorded from); the unique (source, ref) index cannot serve that, so at a million incidents
each look-up scanned the table (about 470 ms).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 19:55:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("incidents", "crimes", "orders", "risk_assessments", "associations")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_ref"), ["ref"], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_ref"))
