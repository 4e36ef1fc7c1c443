"""The supervisor's accountability report as JSON (the twin of the ``/accountability`` page)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime

from threadline.api.deps import ActingDep, require, signoff_hours
from threadline.api.responses import AccountabilityOut
from threadline.guard.users import User
from threadline.usecases.accountability import view_accountability

router = APIRouter(tags=["alert actions"])


@router.get("/api/accountability", response_model=AccountabilityOut)
def accountability_report(
    user: Annotated[User, require("dashboard.view")],
    request: Request,
    acting: ActingDep,
    team: Annotated[str | None, Query(max_length=80, description="One team")] = None,
    since: Annotated[AwareDatetime | None, Query(description="Period start")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Period end (excluded)")] = None,
) -> AccountabilityOut:
    """Per team and period: breach alerts without an arrest decision, 'not arrested' decisions
    without sign-off (escalated once past their time), actions past due, DASH owed by officer
    and calls without the research check. Audited (``dashboard.view``) with the people named."""
    start: datetime | None = since
    hours = signoff_hours(request)
    report = view_accountability(*acting.reading, hours, team=team, since=start, until=until)
    return AccountabilityOut.model_validate(report.to_dict())
