"""alert links, incident location keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:42:16.565148
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "alert_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_links")),
    )
    with op.batch_alter_table("alert_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_links_alert_key"), ["alert_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_links_link"), ["link"], unique=False)

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_key", sa.String(length=300), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_incidents_location_key"), ["location_key"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_location_key"))
        batch_op.drop_column("location_key")

    with op.batch_alter_table("alert_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_links_link"))
        batch_op.drop_index(batch_op.f("ix_alert_links_alert_key"))

    op.drop_table("alert_links")
