"""incidents.stalking_signs, risk_assessments.grade and yes_count: the facts the owed list and
the MARAC list read, kept with each record when it is written

Issue 24: the dashboard's owed list and the MARAC page read every incident's narrative and graded
every stored assessment on each view. Whether an incident shows a stalking behaviour
(threadline.recognise.shows_stalking) and an assessment's final grade and "yes" count
(threadline.risk.graded_facts) depend on the record alone, so they are kept beside it, with
indexes for the few incidents the lists act on (domestic ones, those with stalking signs) and
for the assessments by checklist and time. The stored records are filled in here, in the
migration's one transaction.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from threadline.model import RiskAssessment, parse_record
from threadline.recognise import shows_stalking
from threadline.risk import graded_facts

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: Rows read and written per round of the fill.
_CHUNK = 5_000


def _fill() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    incidents = sa.Table(
        "incidents",
        meta,
        sa.Column("id", sa.Integer()),
        sa.Column("ref", sa.String()),
        sa.Column("category", sa.String()),
        sa.Column("closing_category", sa.String()),
        sa.Column("narrative", sa.Text()),
        sa.Column("stalking_signs", sa.Boolean()),
    )
    assessments = sa.Table(
        "risk_assessments",
        meta,
        sa.Column("id", sa.Integer()),
        sa.Column("document", sa.JSON()),
        sa.Column("grade", sa.String()),
        sa.Column("yes_count", sa.Integer()),
    )
    i, a = incidents.c, assessments.c
    last = 0
    while True:
        rows = bind.execute(
            sa.select(i.id, i.ref, i.category, i.closing_category, i.narrative)
            .where(i.id > last)
            .order_by(i.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        updates = [{"b_id": r.id, "stalking_signs": shows_stalking(*r[1:])} for r in rows]
        bind.execute(incidents.update().where(i.id == sa.bindparam("b_id")), updates)
    last = 0
    while True:
        found = bind.execute(
            sa.select(a.id, a.document).where(a.id > last).order_by(a.id).limit(_CHUNK)
        ).all()
        if not found:
            break
        last = found[-1].id
        graded = []
        for r in found:
            record = parse_record(r.document)
            assert isinstance(record, RiskAssessment)
            facts, _problem = graded_facts(record)
            grade = facts.grade.value if facts.grade else None
            graded.append({"b_id": r.id, "grade": grade, "yes_count": facts.yes_count})
        bind.execute(assessments.update().where(a.id == sa.bindparam("b_id")), graded)


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stalking_signs", sa.Boolean(), nullable=True))
        batch_op.create_index("ix_incidents_domestic", ["domestic"], unique=False)
        batch_op.create_index("ix_incidents_stalking_signs", ["stalking_signs"], unique=False)
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("yes_count", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_risk_assessments_checklist_assessed_at", ["checklist", "assessed_at"], unique=False
        )
    _fill()


def downgrade() -> None:
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_assessments_checklist_assessed_at")
        batch_op.drop_column("yes_count")
        batch_op.drop_column("grade")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_stalking_signs")
        batch_op.drop_index("ix_incidents_domestic")
        batch_op.drop_column("stalking_signs")
