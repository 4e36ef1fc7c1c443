"""incidents.first_dash_at: each incident's first DASH, kept, with an index for the DASH owed

Issue 24: the dashboard's owed list counted the domestic incidents owed a DASH by joining each
to the first of its DASH assessments (100 ms at a million incidents). The earliest DASH of an
incident is kept beside it (threadline.store.first_dash) whenever it or an assessment is
written, and filled here for the stored incidents, in the migration's one transaction; the
count and the count by officer are then read from one index.

The fill is written out here, on the tables as they stand at this revision, not imported from
threadline.store.first_dash: a migration does the same thing for as long as it exists, whatever
the live code later becomes. tests/store/test_kept_facts_migration.py checks it fills the times
the live writers keep.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from threadline.store.types import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _fill() -> None:
    """Each incident's earliest DASH (none where it has none)."""
    incidents = sa.table(
        "incidents", sa.column("ref", sa.String()), sa.column("first_dash_at", sa.DateTime())
    )
    assessments = sa.table(
        "risk_assessments",
        sa.column("incident_ref", sa.String()),
        sa.column("checklist", sa.String()),
        sa.column("assessed_at", sa.DateTime()),
    )
    a = assessments.c
    first = (
        sa.select(sa.func.min(a.assessed_at))
        .where(a.checklist == "dash", a.incident_ref == incidents.c.ref)
        .scalar_subquery()
    )
    op.get_bind().execute(sa.update(incidents).values(first_dash_at=first))


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_dash_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_incidents_domestic_reported_at_first_dash",
            ["domestic", "reported_at", "first_dash_at", "officer"],
            unique=False,
        )
    _fill()


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_domestic_reported_at_first_dash")
        batch_op.drop_column("first_dash_at")
