"""Acting on an alert: assign, acknowledge, act, decide (arrest), sign off, close, reopen.

Each step is one route with its own body, checked by :mod:`threadline.recognise.actions` (the
state machine) through :func:`threadline.crossref.actions.take_step`, stored with its audit row
in one transaction. Who may take a step is the policy's ``alert.<step>`` (403); a step the
alert's state does not allow is a 409 naming why; a field that does not do is a 422 naming it.
Steps name people, so the ``purpose`` is required, as for any read of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, Field, StrictBool

from threadline.api.deps import Acting, ActingDep, require, signoff_hours
from threadline.api.errors import ApiError, error_answer
from threadline.api.schemas import RequestBody
from threadline.api.steps import StepRoute, add_step_routes
from threadline.crossref.actions import AlertNotFound, show_alert
from threadline.guard.disclosure import alert_records, disclose_alerts
from threadline.guard.users import User
from threadline.recognise.actions import OUTCOMES, Step
from threadline.store.tables import ALERT_KEY
from threadline.usecases.actions import take_alert_step

router = APIRouter(tags=["alert actions"])

_TEXT = 2000
_NAME = 80


class StepPublic(BaseModel):
    """One step taken on an alert: which, by whom (and their role), when, and its details."""

    step: str
    by: str
    role: str
    at: str
    detail: dict[str, Any]


class DecisionPublic(BaseModel):
    """The arrest decision on a breach alert, and its sign-off."""

    arrested: bool
    by: str
    at: str
    arrested_at: str | None
    arrested_by: str | None
    grounds: list[str]
    rationale: str | None
    signed_off_by: str | None
    signed_off_at: str | None


class ActionsPublic(BaseModel):
    """Where an alert's actions stand, and every step taken."""

    status: Literal["open", "assigned", "acknowledged", "closed"]
    assignee: str | None
    assignee_kind: str | None
    team: str | None
    due_at: str | None
    overdue: bool
    acknowledged_by: str | None
    breach: bool
    decision: DecisionPublic | None
    decision_owed: bool
    signoff_due: str | None
    escalated: bool
    outcome: str | None
    reason: str | None
    reopened: int
    steps: list[StepPublic]


class AlertActionsPublic(BaseModel):
    """An alert with where its actions stand."""

    alert_key: str
    rule_id: str
    status: str
    incident_ref: str
    first_incident_ref: str
    people: list[str]
    reason: str
    action: str | None
    severity: str | None
    raised_at: str
    updated_at: str
    actions: ActionsPublic


class StepBody(RequestBody):
    """The body of a step: the alert it is taken on, and the step's own fields."""

    alert_key: str = Field(min_length=1, max_length=ALERT_KEY.length, description="The alert's key")


class AssignRequest(StepBody):
    assignee: str = Field(min_length=1, max_length=_NAME, description="An officer or a team")
    kind: Literal["officer", "team"]
    team: str | None = Field(default=None, max_length=_NAME, description="The officer's team")
    due_at: AwareDatetime | None = Field(default=None, description="When the action is due")


class AcknowledgeRequest(StepBody):
    pass


class ActRequest(StepBody):
    note: str = Field(max_length=_TEXT, description="What was done")


class DecideRequest(StepBody):
    arrested: StrictBool
    arrested_at: AwareDatetime | None = None
    arrested_by: str | None = Field(default=None, max_length=_NAME)
    grounds: list[str] = Field(
        default_factory=list, max_length=10, description="PACE s24(5) paragraphs: a, b, c_i..f"
    )
    rationale: str | None = Field(
        default=None,
        max_length=_TEXT,
        description="Not arrested: why no PACE s24(5) ground made arrest necessary, and the "
        "positive action taken instead",
    )


class SignoffRequest(StepBody):
    approve: bool = Field(description="true signs the decision off, false overturns it")
    note: str | None = Field(default=None, max_length=_TEXT)


class CloseRequest(StepBody):
    outcome: str = Field(
        max_length=40,
        description="How the alert ended",
        json_schema_extra={"enum": list(OUTCOMES)},
    )
    reason: str = Field(max_length=_TEXT)


class ReopenRequest(StepBody):
    reason: str = Field(max_length=_TEXT)


_STEP_ERRORS: dict[int | str, dict[str, Any]] = {
    404: error_answer("No alert with that key"),
    409: error_answer("The alert's state does not allow the step"),
    422: error_answer("A field is missing or not valid (named)"),
}


@dataclass(frozen=True)
class StepContext(Acting):
    """What each route here needs beside the user's permission and its own input: the store,
    the clock, the auditor, the purpose stated and the force's time for a sign-off."""

    signoff_hours: float

    def take(self, step: Step, body: StepBody) -> AlertActionsPublic:
        """Take ``step`` on the alert ``body`` names, with the rest of ``body`` as its fields."""
        given = body.model_dump(exclude={"alert_key"}, exclude_none=True)
        view = take_alert_step(
            self.engine,
            self.audited,
            body.alert_key,
            step,
            self.clock(),
            self.signoff_hours,
            self.purpose,
            **given,
        )
        return AlertActionsPublic.model_validate(view)


async def step_context(request: Request, acting: ActingDep) -> StepContext:
    return StepContext(
        acting.engine, acting.clock, acting.audited, acting.purpose, signoff_hours(request)
    )


Context = Annotated[StepContext, Depends(step_context)]


add_step_routes(
    router,
    "alert",
    [
        StepRoute(
            "assign",
            "/api/alert-actions/assign",
            AssignRequest,
            "Assign an alert to an officer or a team, with a due time. Audited (``alert.assign``).",
        ),
        StepRoute(
            "acknowledge",
            "/api/alert-actions/acknowledge",
            AcknowledgeRequest,
            "Acknowledge an alert assigned to you (take it on). Audited (``alert.acknowledge``).",
        ),
        StepRoute(
            "act",
            "/api/alert-actions/act",
            ActRequest,
            "Record an action taken on an alert you own. Audited (``alert.act``).",
        ),
        StepRoute(
            "decide",
            "/api/alert-actions/decide",
            DecideRequest,
            "Record the arrest decision on a breach alert: arrested (when, by whom, on which "
            "PACE s24(5) ground) or not arrested with the rationale, which a supervisor signs "
            "off. Audited (``alert.decide``).",
        ),
        StepRoute(
            "signoff",
            "/api/alert-actions/signoff",
            SignoffRequest,
            "Sign off or overturn a 'not arrested' decision: a supervisor, never its maker. "
            "Audited (``alert.signoff``).",
        ),
        StepRoute(
            "close",
            "/api/alert-actions/close",
            CloseRequest,
            "Close an alert with an outcome and a reason; a breach alert only with a settled "
            "arrest decision. Audited (``alert.close``).",
        ),
        StepRoute(
            "reopen",
            "/api/alert-actions/reopen",
            ReopenRequest,
            "Reopen a closed alert: the pattern continues. Audited (``alert.reopen``).",
        ),
    ],
    context=Context,
    take=StepContext.take,
    answer=AlertActionsPublic,
    responses=_STEP_ERRORS,
)


@router.get(
    "/api/alert-actions",
    response_model=AlertActionsPublic,
    responses={404: error_answer("No alert with that key")},
)
def alert_actions(
    user: Annotated[User, require("alerts.view")],
    context: Context,
    alert: Annotated[str, Query(min_length=1, max_length=ALERT_KEY.length)],
) -> AlertActionsPublic:
    """An alert with every step taken on it, who owns it, its arrest decision and sign-off, and
    whether it is overdue or escalated. Audited (``alerts.view``): it names people."""
    try:
        view = show_alert(context.engine, alert, context.clock(), context.signoff_hours)
    except AlertNotFound as missing:
        raise ApiError(404, str(missing), field="alert") from None
    context.audited("alerts.view", alert_records([view]), context.purpose, detail={"alert": alert})
    return AlertActionsPublic.model_validate(disclose_alerts([view], user.role)[0])
