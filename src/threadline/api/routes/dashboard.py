"""The supervisor's dashboard: open alerts, unresearched incidents, owed risk work, the queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from threadline.api.deps import Audited, ClockDep, EngineDep, Purpose, require
from threadline.crossref.supervision import dashboard as dashboard_figures
from threadline.guard.disclosure import alert_records, disclose_alerts
from threadline.guard.users import User

router = APIRouter(tags=["dashboard"])


@router.get("/api/dashboard")
def dashboard(
    user: Annotated[User, require("dashboard.view")],
    engine: EngineDep,
    clock: ClockDep,
    purpose: Purpose,
    audited: Audited,
) -> dict[str, Any]:
    """Open alerts by rule, incidents with linked history and no research check, risk
    assessments owed now, the review queue's size and repeat victims.

    It names victims and their histories: the ``purpose`` is required and each read writes an
    audit row naming the people shown."""
    figures = dashboard_figures(engine, clock())
    victims = [o["victim_entity"] for o in figures["owed_assessments"] if o["victim_entity"]]
    records = sorted(
        set(alert_records(figures["repeat_victims"])) | {f"person:{v}" for v in victims}
    )
    audited(
        "dashboard.view",
        records,
        purpose,
        detail={"page": "api", "open_alerts": figures["open_alerts"]},
    )
    figures["repeat_victims"] = disclose_alerts(figures["repeat_victims"], user.role)
    return figures
