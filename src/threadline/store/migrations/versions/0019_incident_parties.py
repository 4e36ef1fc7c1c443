"""incident_parties: each incident's victim (else caller) and suspect as people, kept, with
its stalking signs (true where not yet read)

Issue 24: the dashboard's owed list grouped the incidents with stalking signs by victim and
suspect through every incident's mentions and memberships (10 s at a million incidents). The
pair is kept (threadline.store.parties) wherever a membership or an incident's people are
written, and filled here from the stored mentions and memberships, in the migration's one
transaction.

The fill is written out here, on the tables as they stand at this revision, not imported from
threadline.store.parties: a migration does the same thing for as long as it exists, whatever
the live code later becomes. tests/store/test_kept_facts_migration.py checks it fills the rows
the live writers keep.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


#: The tables the fill reads and writes, as they stand at this revision.
_incidents = sa.table(
    "incidents", sa.column("record_key", sa.String()), sa.column("stalking_signs", sa.Boolean())
)
_mentions = sa.table(
    "mentions",
    sa.column("id", sa.Integer()),
    sa.column("mention_key", sa.String()),
    sa.column("record_key", sa.String()),
    sa.column("record_kind", sa.String()),
    sa.column("role", sa.String()),
)
_members = sa.table(
    "entity_members", sa.column("mention_key", sa.String()), sa.column("entity_id", sa.String())
)
_parties = sa.table(
    "incident_parties",
    sa.column("record_key", sa.String()),
    sa.column("victim_entity", sa.String()),
    sa.column("suspect_entity", sa.String()),
    sa.column("maybe_stalking", sa.Boolean()),
)


def _first(roles: tuple[str, ...]) -> sa.ScalarSelect[object]:
    """The person of the incident's first resolved mention in ``roles`` (the earlier role
    first, then the mention written first)."""
    i, m, em = _incidents.c, _mentions.c, _members.c
    rank = sa.case({role: n for n, role in enumerate(roles)}, value=m.role)
    return (
        sa.select(em.entity_id)
        .select_from(_mentions.join(_members, em.mention_key == m.mention_key))
        .where(m.record_key == i.record_key, m.record_kind == "incident", m.role.in_(roles))
        .order_by(rank, m.id)
        .limit(1)
        .scalar_subquery()
    )


def _fill() -> None:
    """Every incident with a victim (else a caller) or a suspect resolved to a person: the
    first of each, and its stalking signs (true where not yet read)."""
    i = _incidents.c
    named = sa.select(
        i.record_key,
        _first(("victim", "caller")).label("victim"),
        _first(("suspect",)).label("suspect"),
        sa.func.coalesce(i.stalking_signs, sa.true()).label("maybe"),
    ).subquery()
    rows = sa.select(named.c.record_key, named.c.victim, named.c.suspect, named.c.maybe).where(
        sa.or_(named.c.victim.is_not(None), named.c.suspect.is_not(None))
    )
    columns = ["record_key", "victim_entity", "suspect_entity", "maybe_stalking"]
    op.get_bind().execute(sa.insert(_parties).from_select(columns, rows))


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
    _fill()


def downgrade() -> None:
    with op.batch_alter_table("incident_parties", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_parties_courses")
    op.drop_table("incident_parties")
