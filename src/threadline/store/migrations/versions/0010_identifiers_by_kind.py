"""a mention's identifiers stored by kind, not a column per kind

The linkage features kept a column per identifier kind (``phones``, ``emails``, ``accounts``,
``vehicles``). They are now one JSON object, ``identifiers``, keyed by the kind's name
(``{"phone": ["+447700900123"], "vehicle": ["AB12CDE"]}``; see threadline.model.kinds), so a new
kind (an IMEI, a chat handle) is a registry entry with no schema change. Existing rows are
converted here, in pages of mention keys, in this migration's one transaction.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:40:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
#: The kind columns as they were up to this revision (frozen: the registry may grow).
COLUMNS = {"phones": "phone", "emails": "email", "accounts": "account", "vehicles": "vehicle"}
PAGE = 5000


def _features() -> sa.TableClause:
    return sa.table(
        "mention_features",
        sa.column("mention_key", sa.String),
        sa.column("identifiers", DOCUMENT),
        *(sa.column(name, DOCUMENT) for name in COLUMNS),
    )


def _pages(conn: sa.Connection, columns: list[str]) -> Any:
    """The rows of ``mention_features`` (mention key and ``columns``), a page at a time."""
    f = _features()
    after = None
    while True:
        query = sa.select(f.c.mention_key, *(f.c[c] for c in columns))
        if after is not None:
            query = query.where(f.c.mention_key > after)
        rows = conn.execute(query.order_by(f.c.mention_key).limit(PAGE)).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identifiers", DOCUMENT, nullable=True))
    conn = op.get_bind()
    f = _features()
    for rows in _pages(conn, list(COLUMNS)):
        updates = []
        for key, *lists in rows:
            ids = {COLUMNS[c]: list(v) for c, v in zip(COLUMNS, lists, strict=True) if v}
            updates.append({"b_key": key, "identifiers": ids})
        conn.execute(f.update().where(f.c.mention_key == sa.bindparam("b_key")), updates)
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, DOCUMENT, nullable=True))
    conn = op.get_bind()
    f = _features()
    for rows in _pages(conn, ["identifiers"]):
        updates = []
        for key, ids in rows:
            ids = ids or {}
            values = {c: list(ids.get(kind) or []) for c, kind in COLUMNS.items()}
            updates.append({"b_key": key, **values})
        conn.execute(f.update().where(f.c.mention_key == sa.bindparam("b_key")), updates)
    with op.batch_alter_table("mention_features", schema=None) as batch_op:
        batch_op.drop_column("identifiers")
