"""references up to 256 characters, and the keys built from them

A record's reference was held to 60 characters, so every crime of the public Neo4j POLE demo (ids
are 64-character hashes) was refused, as would be a force's UUIDs and long composite references.
References now take up to 256 characters (:mod:`threadline.model.refs`), and the columns that hold
them or keys built from them widen to match: a record key (``kind:source:ref``) to 318, a mention
key (``...#position``) to 339, an alert key (``rule:subject``, a subject of up to two references)
to 574. PostgreSQL widens a ``varchar`` in place, without rewriting the table; SQLite does not
enforce widths, but the declared type is rewritten (batch mode) so that the store says what the
code declares.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REF, RECORD_KEY, MENTION_KEY, ALERT_KEY = 256, 318, 339, 574
_RECORD = {"record_key": (160, RECORD_KEY), "ref": (60, REF)}
#: table -> column -> (old width, new width)
WIDTHS: dict[str, dict[str, tuple[int, int]]] = {
    "incidents": _RECORD,
    "crimes": _RECORD,
    "orders": _RECORD,
    "risk_assessments": {**_RECORD, "incident_ref": (60, REF)},
    "associations": _RECORD,
    "crime_incidents": {"crime_key": (160, RECORD_KEY), "incident_ref": (60, REF)},
    "mentions": {"mention_key": (200, MENTION_KEY), "record_key": (160, RECORD_KEY)},
    "identifiers": {"record_key": (160, RECORD_KEY), "mention_key": (200, MENTION_KEY)},
    "record_history": {"record_key": (160, RECORD_KEY)},
    "entity_members": {"mention_key": (200, MENTION_KEY)},
    "judgements": {"mention_a": (200, MENTION_KEY), "mention_b": (200, MENTION_KEY)},
    "review_queue": {"mention_a": (200, MENTION_KEY), "mention_b": (200, MENTION_KEY)},
    "mention_features": {"mention_key": (200, MENTION_KEY), "record_key": (160, RECORD_KEY)},
    "alerts": {
        "alert_key": (300, ALERT_KEY),
        "first_incident_ref": (60, REF),
        "incident_ref": (60, REF),
    },
    "alert_events": {"alert_key": (300, ALERT_KEY), "incident_ref": (60, REF)},
    "alert_links": {"alert_key": (300, ALERT_KEY)},
    "history_views": {"incident_ref": (60, REF)},
}


def _alter(new: bool) -> None:
    for table, columns in WIDTHS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, (old_width, new_width) in columns.items():
                batch_op.alter_column(
                    column,
                    existing_type=sa.String(length=old_width if new else new_width),
                    type_=sa.String(length=new_width if new else old_width),
                )


def upgrade() -> None:
    _alter(new=True)


def downgrade() -> None:
    """Narrows the columns again; fails on PostgreSQL if a stored value no longer fits."""
    _alter(new=False)
