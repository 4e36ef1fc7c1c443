"""incidents.stalking_signs, risk_assessments.grade and yes_count: the facts the owed list and
the MARAC list read, kept with each record when it is written

Issue 24: the dashboard's owed list and the MARAC page read every incident's narrative and graded
every stored assessment on each view. Whether an incident shows a stalking behaviour
(threadline.recognise.shows_stalking) and an assessment's final grade and "yes" count
(threadline.risk.graded_facts) depend on the record alone, so they are kept beside it, with
indexes for the few incidents the lists act on (domestic ones, those with stalking signs) and
for the assessments by checklist and time.

The columns are made here and left empty: the values are derived by the live rules, which a
migration may not import (what a migration does must not change with the code), so
threadline.store.derived fills them when the store is next opened, as it derives them again
whenever a release's rules derive them otherwise (migration 0022 keeps the fingerprint of the
code that derived them).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stalking_signs", sa.Boolean(), nullable=True))
        batch_op.create_index("ix_incidents_domestic", ["domestic"], unique=False)
        batch_op.create_index("ix_incidents_stalking_signs", ["stalking_signs"], unique=False)
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("yes_count", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_risk_assessments_checklist_assessed_at", ["checklist", "assessed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_assessments_checklist_assessed_at")
        batch_op.drop_column("yes_count")
        batch_op.drop_column("grade")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_stalking_signs")
        batch_op.drop_index("ix_incidents_domestic")
        batch_op.drop_column("stalking_signs")
