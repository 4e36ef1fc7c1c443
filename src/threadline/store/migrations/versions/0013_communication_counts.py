"""communication_counts: the stored messages and calls counted per attachment, hour, channel,
kind, direction and sender

Issue 25 part 5: the picture of a victim with 100,000 messages reads these counts instead of
every message. Each hour's local day and night are those of the force's zone and night hours
as they were at this revision (Europe/London, night from 23:00 to 06:00: what
threadline.store.comms.COUNTED_IN then held, written here so that a later change to the live
code cannot change what this migration does; a change of zone or night hours is a migration of
its own). The table is made and filled
from the messages already stored, in the migration's one transaction (kill-safe: a kill leaves
0012 or 0013, never a table with half its counts).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from threadline.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: Rows read and counts written per round of the fill.
_CHUNK = 20_000

#: The force's zone and night hours at this revision (a night runs over midnight).
_ZONE = ZoneInfo("Europe/London")
_NIGHT_FROM, _NIGHT_UNTIL = time(23, 0), time(6, 0)


def _day_and_night(hour_start: datetime) -> tuple[date, bool]:
    """The local day an hour starting at ``hour_start`` falls on, and whether it is at night."""
    local = hour_start.astimezone(_ZONE)
    return local.date(), local.time() >= _NIGHT_FROM or local.time() < _NIGHT_UNTIL


def _fill() -> None:
    """Count the messages stored before this revision (as store_communications counts them)."""
    bind = op.get_bind()
    meta = sa.MetaData()
    messages = sa.Table(
        "communications",
        meta,
        sa.Column("id", sa.Integer()),
        sa.Column("attachment", sa.String()),
        sa.Column("at", UTCDateTime(timezone=True)),
        sa.Column("channel", sa.String()),
        sa.Column("kind", sa.String()),
        sa.Column("direction", sa.String()),
        sa.Column("sender", sa.Text()),
    )
    counts = sa.Table(
        "communication_counts",
        meta,
        sa.Column("attachment", sa.String()),
        sa.Column("hour", sa.Integer()),
        sa.Column("day", sa.Date()),
        sa.Column("night", sa.Boolean()),
        sa.Column("channel", sa.String()),
        sa.Column("kind", sa.String()),
        sa.Column("direction", sa.String()),
        sa.Column("sender", sa.Text()),
        sa.Column("count", sa.Integer()),
    )
    c = messages.c
    tally: Counter[tuple[Any, ...]] = Counter()
    query = sa.select(c.attachment, c.at, c.channel, c.kind, c.direction, c.sender)
    for row in bind.execute(query.order_by(c.id)):
        at: datetime = row.at
        hour = int(at.timestamp() // 3600)
        key = (row.attachment, hour, row.channel, row.kind, row.direction or "", row.sender or "")
        tally[key] += 1
    names = ("attachment", "hour", "channel", "kind", "direction", "sender")
    rows = []
    for key, n in tally.items():
        values = dict(zip(names, key, strict=True))
        day, night = _day_and_night(datetime.fromtimestamp(values["hour"] * 3600, UTC))
        rows.append({**values, "day": day, "night": night})
        rows[-1]["count"] = n
    for start in range(0, len(rows), _CHUNK):
        bind.execute(sa.insert(counts), rows[start : start + _CHUNK])


def upgrade() -> None:
    op.create_table(
        "communication_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment", sa.String(length=318), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("night", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communication_counts")),
        sa.UniqueConstraint(
            "attachment",
            "hour",
            "channel",
            "kind",
            "direction",
            "sender",
            name="uq_communication_counts_key",
        ),
    )
    _fill()


def downgrade() -> None:
    op.drop_table("communication_counts")
