"""Taking a step on an alert (assign, acknowledge, act, decide, sign off, close, reopen), for
the API (``POST /api/alert-actions/{step}``) and the pages' forms alike.

The signed-in user is the actor; the step is checked by the state machine
(:mod:`threadline.recognise.actions`) and stored with its audit row
(:func:`threadline.crossref.actions.take_step`). Refusals: 404 for an unknown alert, 403 when the
role may not (or a supervisor signs off their own decision), 409 when the alert's state does
not allow the step, 422 naming the field at fault.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.actions import AlertNotFound, take_step
from threadline.recognise.actions import Actor, Step
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import refused_steps


def take_alert_step(
    engine: Engine,
    auditor: Auditor,
    alert_key: str,
    step: Step,
    now: datetime,
    signoff_hours: float,
    purpose: str,
    **given: Any,
) -> dict[str, Any]:
    """The auditor's user takes ``step`` on ``alert_key``; the alert as it then stands."""

    def audit(conn: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        auditor.within(conn, action, records, purpose, detail)

    user = auditor.user
    with refused_steps(user.role.value, {AlertNotFound: "alert_key"}):
        return take_step(
            engine,
            alert_key,
            step,
            Actor(user.username, user.role.value),
            now,
            audit,
            signoff_hours,
            **given,
        )
