"""Alerts: what the rules have raised, filtered by status, rule or person
(:func:`threadline.usecases.supervision.alerts`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from threadline.api.deps import ActingDep, require
from threadline.api.responses import AlertList
from threadline.guard.users import User
from threadline.usecases import supervision

router = APIRouter(tags=["alerts"])


@router.get("/api/alerts")
def alerts(
    user: Annotated[User, require("alerts.view")],
    acting: ActingDep,
    status: Annotated[
        Literal["open", "cleared", "all"], Query(description="open (default), cleared or all")
    ] = "open",
    rule: Annotated[str | None, Query(max_length=60, description="A rule id")] = None,
    entity: Annotated[str | None, Query(max_length=40, description="A person's entity id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AlertList:
    """Alerts, most recently changed first, each with its reason, what it cites and what to do.

    Alerts name people and their histories: the ``purpose`` is required and each read writes an
    audit row naming the people of the alerts returned."""
    rows = supervision.alerts(*acting.reading, status=status, rule=rule, entity=entity, limit=limit)
    return AlertList.model_validate({"alerts": rows})
