"""index the mention features on the forename's and the surname's sound together

A forename and a surname typed into each other's boxes ("SMITH JOHN" for John Smith) is compared
by a crossed blocking key (threadline.resolve.comparisons.CROSSED_PAIRS): one mention's forename
sounding like the other's surname, and its surname like the other's forename. Call time's
candidate retrieval (threadline.resolve.candidates) reads it through this index, with the new
mention's phonetic codes the other way round.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mention_features_forename_surname_sound",
            ["forename_phonetic", "surname_phonetic"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_features_forename_surname_sound")
