"""The supervisor's dashboard: open alerts, unresearched incidents, owed risk work, the queue
(:func:`threadline.usecases.supervision.dashboard`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from threadline.api.deps import ActingDep, BoardDep, require
from threadline.api.responses import Dashboard
from threadline.guard.users import User
from threadline.usecases import supervision

router = APIRouter(tags=["dashboard"])


@router.get("/api/dashboard")
def dashboard(
    user: Annotated[User, require("dashboard.view")], acting: ActingDep, board: BoardDep
) -> Dashboard:
    """Open alerts counted by rule and by rule and severity (all of them), one page of the open
    alerts matching the filters (the most severe first, then the most recently changed),
    incidents with linked history and no research check, risk assessments owed now, the review
    queue's size and repeat victims.

    It names victims and their histories: the ``purpose`` is required and each read writes an
    audit row naming the people shown."""
    figures = supervision.dashboard(*acting.reading, acting.clock(), board)
    return Dashboard.model_validate(figures)
