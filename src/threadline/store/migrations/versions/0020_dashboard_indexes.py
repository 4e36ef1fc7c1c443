"""indexes for the dashboard's board and review queue at a force's size

Issue 24: at a million incidents the dashboard counted the open alerts per rule and severity from
the table (315 ms), sorted every open alert by a computed severity rank for one page (224 ms),
sorted a rule's open alerts for the newest hundred (68 ms), and looked up for every open review
pair whether its people are in an open alert before ordering them (720 ms). The counts are read
from an index on rule, severity and status; each severity's page, and a rule's newest alerts,
from an index in their order; the open queue most probable first from an index on status and
probability (threadline.store.alert_board, threadline.resolve.review.open_queue); the assessments
graded high, whose people may be owed a safety plan, from an index on the grade (46 ms as a scan).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

#: None starts with the status: SQLite, which keeps no statistics here, would then read a
#: person's open alerts (the picture, the person page, the live path) through every open alert
#: rather than through the person's links (the picture at a million incidents: 36 ms -> 1.1 s).
_ALERTS = {
    "ix_alerts_rule_severity_status": ["rule_id", "severity", "status"],
    "ix_alerts_severity_status_updated_at": ["severity", "status", "updated_at", "id"],
    "ix_alerts_rule_status_updated_at": ["rule_id", "status", "updated_at", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for name, columns in _ALERTS.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_assessments_grade_assessed_at", ["grade", "assessed_at"], unique=False
        )
    op.create_index(
        "ix_review_queue_status_probability",
        "review_queue",
        ["status", sa.text("match_probability DESC"), "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_review_queue_status_probability", table_name="review_queue")
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_assessments_grade_assessed_at")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for name in reversed(_ALERTS):
            batch_op.drop_index(name)
