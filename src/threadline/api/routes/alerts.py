"""Alerts: what the rules have raised, filtered by status, rule or person."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from threadline.api.deps import EngineDep, require
from threadline.crossref.alerts import _jsonable, list_alerts
from threadline.crossref.person import redact_alerts
from threadline.guard.users import User

router = APIRouter(tags=["alerts"])


@router.get("/api/alerts")
def alerts(
    user: Annotated[User, require("alerts.view")],
    engine: EngineDep,
    status: Annotated[
        Literal["open", "cleared", "all"], Query(description="open (default), cleared or all")
    ] = "open",
    rule: Annotated[str | None, Query(max_length=60, description="A rule id")] = None,
    entity: Annotated[str | None, Query(max_length=40, description="A person's entity id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Alerts, most recently changed first, each with its reason, what it cites and what to do."""
    with engine.connect() as conn:
        rows = list_alerts(
            conn,
            status=None if status == "all" else status,
            rule_id=rule,
            entity_id=entity,
            limit=limit,
        )
    return {"alerts": redact_alerts(_jsonable(rows), user.role)}
