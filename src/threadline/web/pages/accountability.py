"""The supervisor's accountability page: per team and period, breach alerts without an arrest
decision, "not arrested" without sign-off, actions past due, DASH owed by officer (the most owed
first, each a link to the officer's own owed list on the dashboard) and calls without the
research check (:func:`threadline.crossref.accountability.accountability`, the same
report as ``threadline accountability`` and ``GET /api/accountability``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, ClockDep, EngineDep, require, signoff_hours
from threadline.crossref.owed_list import NO_OFFICER
from threadline.guard.users import User
from threadline.usecases.accountability import view_accountability
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Supervisor = Annotated[User, require("dashboard.view")]
#: The period shown when none is asked for: the last 28 days.
DEFAULT_DAYS = 28
#: How many officers the "DASH owed by officer" list names, the most owed first.
OFFICERS_SHOWN = 20


def most_owed_first(by_officer: dict[str, int], shown: int = OFFICERS_SHOWN) -> dict[str, Any]:
    """The officers who owe a DASH, the most owed first (then by name), the first ``shown``,
    each with whether their own owed list can be asked for (an officer is recorded), and how
    many more there are."""
    ranked = sorted(by_officer.items(), key=lambda item: (-item[1], item[0]))
    return {
        "officers": [
            {"officer": officer, "count": count, "listed": officer != NO_OFFICER}
            for officer, count in ranked[:shown]
        ],
        "more": max(0, len(ranked) - shown),
        "total": sum(by_officer.values()),
    }


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
        "dash_owed": most_owed_first(report.dash_owed_by_officer),
        "team": team or "",
        "days": days,
        "purpose": stated,
    }
    return render(request, "accountability.html", user, context)
