"""the audit log keeps the client address of each row

Data Protection Act 2018 s62 logs must establish who looked and from where: each audit row now
keeps the address the request came from (``client``; at most 64 characters, an IPv6 address with
a zone is about 50). Rows written before have none, and their hash is what it always was: the
address is hashed only when a row has one (see threadline.guard.audit).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("client")
