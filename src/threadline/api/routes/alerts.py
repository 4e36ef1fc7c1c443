"""Alerts: what the rules have raised, filtered by status, rule or person."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from threadline.api.deps import Audited, EngineDep, Purpose, require
from threadline.crossref.alerts import _jsonable, list_alerts
from threadline.guard.disclosure import alert_records, disclose_alerts
from threadline.guard.users import User

router = APIRouter(tags=["alerts"])


@router.get("/api/alerts")
def alerts(
    user: Annotated[User, require("alerts.view")],
    engine: EngineDep,
    purpose: Purpose,
    audited: Audited,
    status: Annotated[
        Literal["open", "cleared", "all"], Query(description="open (default), cleared or all")
    ] = "open",
    rule: Annotated[str | None, Query(max_length=60, description="A rule id")] = None,
    entity: Annotated[str | None, Query(max_length=40, description="A person's entity id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Alerts, most recently changed first, each with its reason, what it cites and what to do.

    Alerts name people and their histories: the ``purpose`` is required and each read writes an
    audit row naming the people of the alerts returned."""
    with engine.connect() as conn:
        rows = list_alerts(
            conn,
            status=None if status == "all" else status,
            rule_id=rule,
            entity_id=entity,
            limit=limit,
        )
    audited(
        "alerts.view",
        alert_records(rows, entity),
        purpose,
        detail={"status": status, "rule": rule, "entity": entity, "alerts": len(rows)},
    )
    return {"alerts": disclose_alerts(_jsonable(rows), user.role)}
