"""Cases: one investigation for one course of conduct, its officer, steps and notifications.

A case is opened and joined by Threadline itself, when an incident is recognised as part of a
course of conduct (:mod:`threadline.crossref.cases`); staff assign the officer in the case
(a supervisor), note what was done, close it (the officer in the case or a supervisor) and
reopen it. Each step is the policy's ``case.<step>`` (403), checked by
:mod:`threadline.recognise.cases` (409 when the case's state does not allow it, 422 naming the
field), stored with its audit row. A case names people, so reads and steps need a ``purpose``.
The signed-in officer's notifications (``GET /api/notifications``) name a case and an incident
reference, no person.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from threadline.api.deps import Acting, ActingDep, ClockDep, EngineDep, require
from threadline.api.errors import error_answer
from threadline.api.schemas import JSON_INTEGER, RequestBody
from threadline.api.steps import StepRoute, add_step_routes
from threadline.guard.users import User
from threadline.recognise.actions import MIN_REASON
from threadline.recognise.cases import MAX_NAME, MIN_NOTE, CaseStep
from threadline.usecases.cases import (
    find_cases,
    my_notifications,
    read_notifications,
    take_case_step_as,
    view_case,
)

router = APIRouter(tags=["cases"])

_TEXT = 2000
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The case's number")]


class CaseStepPublic(BaseModel):
    """One step on a case: which, by whom (``threadline``, role ``system``, for Threadline's
    own), when, and its details."""

    step: str
    by: str
    role: str
    at: str
    detail: dict[str, Any]


class CaseIncidentPublic(BaseModel):
    """An incident of the case, and the report at which it joined."""

    incident_ref: str
    reported_at: str | None
    category: str | None
    joined_at: str
    joined_on: str


class NotificationPublic(BaseModel):
    """What an officer (or a team) was told about a case."""

    id: int
    recipient: str
    case_id: int
    incident_ref: str | None
    at: str
    kind: str
    message: str
    read_at: str | None


class BreachPublic(BaseModel):
    """A breach of an order in the case: whether its arrest decision is recorded, and settled
    (arrested, or "not arrested" signed off by a supervisor; a case closes only when all are)."""

    alert_key: str
    incident_ref: str
    decided: bool
    settled: bool
    status: str


class CaseSummaryPublic(BaseModel):
    """A case as listed: its people, officer, team, status and size."""

    id: int
    series_key: str
    suspect_mention: str
    victim_mention: str
    suspect: str
    victim: str
    suspect_label: str
    victim_label: str
    officer: str | None
    team: str | None
    status: Literal["open", "closed"]
    opened_at: str
    opened_on: str
    closed_at: str | None
    updated_at: str


class CaseListItemPublic(CaseSummaryPublic):
    incident_count: int
    decisions_owed: int


class CasePublic(CaseSummaryPublic):
    """A case with its incidents, every step, the notifications sent and its breaches."""

    incidents: list[CaseIncidentPublic]
    steps: list[CaseStepPublic]
    notifications: list[NotificationPublic]
    breaches: list[BreachPublic]


class CaseList(BaseModel):
    cases: list[CaseListItemPublic]


class NotificationList(BaseModel):
    notifications: list[NotificationPublic]


class NotificationsRead(BaseModel):
    read: int = Field(description="How many of them were unread (and are now read)")


class AssignCaseRequest(RequestBody):
    officer: str = Field(min_length=2, max_length=MAX_NAME, description="The officer in the case")
    team: str | None = Field(default=None, min_length=2, max_length=MAX_NAME)


class NoteCaseRequest(RequestBody):
    note: str = Field(min_length=MIN_NOTE, max_length=_TEXT, description="What was done")


class ReasonRequest(RequestBody):
    reason: str = Field(min_length=MIN_REASON, max_length=_TEXT, description="Why")


class ReadRequest(RequestBody):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1), JSON_INTEGER]] = Field(
        min_length=1, max_length=500, description="Notifications to mark read"
    )


_CASE_ERRORS: dict[int | str, dict[str, Any]] = {404: error_answer("No case with that number")}
_STEP_ERRORS: dict[int | str, dict[str, Any]] = {
    **_CASE_ERRORS,
    409: error_answer("The case's state does not allow the step"),
    422: error_answer("A field is missing or not valid (named)"),
}


@router.get("/api/cases", response_model=CaseList)
def cases(
    user: Annotated[User, require("case.view")],
    acting: ActingDep,
    officer: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
    mine: Annotated[bool, Query(description="Only the cases you are the officer in")] = False,
    status: Literal["open", "closed"] | None = None,
    entity: Annotated[str | None, Query(max_length=40, description="A person's id")] = None,
) -> CaseList:
    """Cases, newest first: of an officer (or your own), open or closed, naming a person.
    Audited (``case.view``) with every person listed."""
    found = find_cases(*acting.reading, officer=officer, mine=mine, status=status, entity=entity)
    return CaseList.model_validate({"cases": found})


@router.get("/api/cases/{case_id}", response_model=CasePublic, responses=_CASE_ERRORS)
def case(
    user: Annotated[User, require("case.view")], acting: ActingDep, case_id: CaseId
) -> CasePublic:
    """A case: its victim and suspect, incidents (and the report each joined at), officer in
    the case, every step, the notifications sent and the arrest decisions owed on its
    breaches. Audited (``case.view``)."""
    view = view_case(acting.engine, acting.audited, case_id, acting.purpose)
    return CasePublic.model_validate(view)


def _step(acting: Acting, step: CaseStep, body: BaseModel, case_id: int) -> CasePublic:
    given = body.model_dump(exclude_none=True)
    view = take_case_step_as(
        acting.engine, acting.audited, case_id, step, acting.clock(), acting.purpose, **given
    )
    return CasePublic.model_validate(view)


_CASE = {"case_id": CaseId}

add_step_routes(
    router,
    "case",
    [
        StepRoute(
            "assign",
            "/api/cases/{case_id}/assign",
            AssignCaseRequest,
            "Make an officer the officer in the case (a supervisor); they are told. Audited "
            "(``case.assign``).",
            _CASE,
        ),
        StepRoute(
            "note",
            "/api/cases/{case_id}/note",
            NoteCaseRequest,
            "Record what was done on the case. Audited (``case.note``).",
            _CASE,
        ),
        StepRoute(
            "close",
            "/api/cases/{case_id}/close",
            ReasonRequest,
            "Close the case with a reason: the officer in the case or a supervisor, and not "
            "while a breach in it is owed its arrest decision (409). Audited (``case.close``).",
            _CASE,
        ),
        StepRoute(
            "reopen",
            "/api/cases/{case_id}/reopen",
            ReasonRequest,
            "Reopen a closed case: the course of conduct continues. Audited (``case.reopen``).",
            _CASE,
        ),
    ],
    context=ActingDep,
    take=_step,
    answer=CasePublic,
    responses=_STEP_ERRORS,
)


@router.get("/api/notifications", response_model=NotificationList)
def notifications(
    user: Annotated[User, require("notifications.view")],
    engine: EngineDep,
    unread: Annotated[bool, Query(description="Only those not yet read")] = False,
) -> NotificationList:
    """What you were told, newest first: a case opened with you as its officer, an incident
    joined your case, a case handed to you."""
    return NotificationList.model_validate(
        {"notifications": my_notifications(engine, user, unread=unread)}
    )


@router.post("/api/notifications/read", response_model=NotificationsRead)
def notifications_read(
    user: Annotated[User, require("notifications.view")],
    engine: EngineDep,
    clock: ClockDep,
    body: ReadRequest,
) -> NotificationsRead:
    """Mark your notifications read (others' are left as they are)."""
    return NotificationsRead(read=read_notifications(engine, user, body.ids, clock()))
