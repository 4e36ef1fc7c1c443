"""The supervisor's accountability report, as the API (``GET /api/accountability``) and the page
(``/accountability``) both show it: the report of :func:`threadline.crossref.accountability.
accountability`, and the look audited (``dashboard.view``) with every person it names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.crossref.accountability import Accountability, accountability
from threadline.usecases.auditor import Auditor


def view_accountability(
    engine: Engine,
    auditor: Auditor,
    purpose: str,
    signoff_hours: float,
    *,
    team: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    detail: dict[str, Any] | None = None,
) -> Accountability:
    """Per team and period: breach alerts without an arrest decision, 'not arrested' decisions
    without sign-off, actions past due, DASH owed by officer and calls without the research
    check; audited with the people the report names and ``detail``."""
    report = accountability(
        engine, auditor.clock(), signoff_hours, team=team, since=since, until=until
    )
    items = [*report.breaches_without_decision, *report.not_arrested_unsigned, *report.past_due]
    people = sorted({p for item in items for p in item.people})
    auditor(
        "dashboard.view",
        [f"person:{p}" for p in people],
        purpose,
        detail={"report": "accountability", "team": team, "items": len(items), **(detail or {})},
    )
    return report
