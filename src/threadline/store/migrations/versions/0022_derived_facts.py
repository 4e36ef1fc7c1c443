"""derived_facts: the fingerprint of the code that derived each kind of kept fact

Migration 0017 kept beside each incident whether it shows a stalking behaviour and beside each
assessment its grade and "yes" count, derived by the recognition rules and the checklists. A
later release whose rules read a narrative or grade a checklist otherwise left the kept values
as the older release derived them. This table holds, for each kind of derived fact, the
fingerprint of the code that derived the stored values; threadline.store.derived derives them
again whenever it differs (and after this revision, when there is none yet).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from threadline.store.types import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived_facts",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("derived_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_derived_facts")),
    )


def downgrade() -> None:
    op.drop_table("derived_facts")
