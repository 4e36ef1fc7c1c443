"""address blocking keys indexed as pairs

Call time finds the stored mentions that share a key pair with a new one. The address key with the
surname sound, and with the formal forename, had only the address key's own index, and SQLite,
which keeps no statistics here, read them through the name indexes instead: every stored "John"
to find the Johns at one house. At a million incidents that put call-time resolution at a p95 of
317 ms. Indexes on the two pairs serve those look-ups and the house range the old index served.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PAIRS = {
    "ix_mention_features_address_surname": ["address_key", "surname_phonetic"],
    "ix_mention_features_address_forename": ["address_key", "forename_canonical"],
}


def upgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        for name, columns in PAIRS.items():
            batch_op.create_index(name, columns, unique=False)
        batch_op.drop_index("ix_mention_features_address_key")


def downgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.create_index("ix_mention_features_address_key", ["address_key"], unique=False)
        for name in reversed(PAIRS):
            batch_op.drop_index(name)
