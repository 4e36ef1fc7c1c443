"""The supervisor's dashboard: open alerts, unresearched incidents, owed risk work, the queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from threadline.api.deps import ClockDep, EngineDep, require
from threadline.crossref.supervision import dashboard as dashboard_figures
from threadline.guard.users import User

router = APIRouter(tags=["dashboard"])


@router.get("/api/dashboard")
def dashboard(
    _: Annotated[User, require("dashboard.view")], engine: EngineDep, clock: ClockDep
) -> dict[str, Any]:
    """Open alerts by rule, incidents with linked history and no research check, risk
    assessments owed now, the review queue's size and repeat victims."""
    return dashboard_figures(engine, clock())
