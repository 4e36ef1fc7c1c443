"""incident_parties: each incident's victim (else caller) and suspect as people, kept, with
its stalking signs (true where not yet read)

Issue 24: the dashboard's owed list grouped the incidents with stalking signs by victim and
suspect through every incident's mentions and memberships (10 s at a million incidents). The
pair is kept (threadline.store.parties) wherever a membership or an incident's people are
written, and filled here from the stored mentions and memberships, in the migration's one
transaction.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from threadline.store.parties import rebuild_parties

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_parties",
        sa.Column("record_key", sa.String(length=318), nullable=False),
        sa.Column("victim_entity", sa.String(length=40), nullable=True),
        sa.Column("suspect_entity", sa.String(length=40), nullable=True),
        sa.Column("maybe_stalking", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("record_key", name=op.f("pk_incident_parties")),
    )
    with op.batch_alter_table("incident_parties", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_parties_courses",
            ["maybe_stalking", "victim_entity", "suspect_entity", "record_key"],
            unique=False,
        )
    rebuild_parties(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("incident_parties", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_parties_courses")
    op.drop_table("incident_parties")
