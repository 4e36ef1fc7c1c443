"""drop the mention features' index on postcode and forename

The postcode + forename blocking key was dropped (threadline.resolve.comparisons.KEY_PAIRS): on
the synthetic force of 100,000 incidents it found no true pair that the address keys, the date
of birth or the name did not find too, and made 30,000 pairs of its own (bench/bench_blocking.py).
Nothing reads mentions by postcode and forename since, neither batch blocking nor call time's
candidate retrieval (threadline.resolve.candidates), so the index only cost every import and
every submission one more index entry per person mention.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_features_postcode_forename")


def downgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mention_features_postcode_forename",
            ["postcode", "forename_canonical"],
            unique=False,
        )
