"""The supervisor's accountability report as JSON (the twin of the ``/accountability`` page)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime

from threadline.api.deps import Audited, ClockDep, EngineDep, Purpose, require
from threadline.crossref.accountability import accountability
from threadline.guard.users import User
from threadline.settings import Settings

router = APIRouter(tags=["alert actions"])


def signoff_hours(request: Request) -> float:
    """The force's time for signing off a 'not arrested' decision (settings)."""
    settings: Settings = getattr(request.app.state, "settings", None) or Settings()
    return settings.not_arrested_signoff_hours


@router.get("/api/accountability")
def accountability_report(
    user: Annotated[User, require("dashboard.view")],
    request: Request,
    engine: EngineDep,
    clock: ClockDep,
    purpose: Purpose,
    audited: Audited,
    team: Annotated[str | None, Query(max_length=80, description="One team")] = None,
    since: Annotated[AwareDatetime | None, Query(description="Period start")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Period end (excluded)")] = None,
) -> dict[str, Any]:
    """Per team and period: breach alerts without an arrest decision, 'not arrested' decisions
    without sign-off (escalated once past their time), actions past due, DASH owed by officer
    and calls without the research check. Audited (``dashboard.view``) with the people named."""
    start: datetime | None = since
    report = accountability(
        engine, clock(), signoff_hours(request), team=team, since=start, until=until
    )
    items = [*report.breaches_without_decision, *report.not_arrested_unsigned, *report.past_due]
    people = sorted({p for item in items for p in item.people})
    audited(
        "dashboard.view",
        [f"person:{p}" for p in people],
        purpose,
        detail={"report": "accountability", "team": team, "items": len(items)},
    )
    return report.to_dict()
