"""indexes for the owed list counted and paged by the database: the domestic incidents by time
(with the reference and officer the rule reads), the assessments by checklist and incident

Issue 24: the dashboard's owed list and the accountability page's DASH owed by officer are asked
of the database (threadline.crossref.owed_list). Its DASH rule reads, for each domestic incident,
the first DASH of that incident: without an index by incident under the checklist, SQLite
searched every DASH for each incident (two minutes at 50,000 incidents). The domestic incidents
are counted from an index that holds what the rule reads, and a page is read newest first from it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incidents_domestic_reported_at",
            ["domestic", "reported_at", "ref", "officer"],
            unique=False,
        )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_assessments_checklist_incident_ref",
            ["checklist", "incident_ref", "assessed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_assessments_checklist_incident_ref")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_domestic_reported_at")
