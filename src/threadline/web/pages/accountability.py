"""The supervisor's accountability page: per team and period, breach alerts without an arrest
decision, "not arrested" without sign-off, actions past due, DASH owed by officer and calls
without the research check (:func:`threadline.crossref.accountability.accountability`, the same
report as ``threadline accountability`` and ``GET /api/accountability``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, ClockDep, EngineDep, require, signoff_hours
from threadline.guard.users import User
from threadline.usecases.accountability import view_accountability
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Supervisor = Annotated[User, require("dashboard.view")]
#: The period shown when none is asked for: the last 28 days.
DEFAULT_DAYS = 28


@router.get("/accountability", response_class=HTMLResponse)
def accountability_page(
    request: Request,
    user: Supervisor,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    purpose: PurposeQuery = None,
    team: Annotated[str | None, Query(max_length=80)] = None,
    days: Annotated[int, Query(ge=1, le=3660)] = DEFAULT_DAYS,
) -> HTMLResponse:
    """The purpose prompt, then the report for the team (every team) over the last ``days``;
    the look is audited with the people it shows."""
    what = "the accountability report"
    stated = purpose_for(request, user, purpose, what, "/accountability", "shift review")
    report = view_accountability(
        engine,
        audited,
        stated,
        signoff_hours(request),
        team=team or None,
        since=clock() - timedelta(days=days),
        detail={"page": "accountability", "days": days},
    )
    context = {
        "report": report,
        "team": team or "",
        "days": days,
        "purpose": stated,
    }
    return render(request, "accountability.html", user, context)
