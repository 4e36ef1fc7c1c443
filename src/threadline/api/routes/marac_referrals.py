"""MARAC referrals: made, heard, the actions agreed there and done, closed (issue 23, part 3).

Each step is one route with its own body, checked by :mod:`threadline.risk.referral_steps` through
:func:`threadline.usecases.marac.take_marac_step` and stored with its audit row in one
transaction. Who may take a step is the policy's ``marac.<step>`` (403); a step the referral's
state does not allow is a 409 naming why (not heard yet, closed, actions not done); a field that
does not do is a 422 naming it. Referrals name a victim at high risk, so the ``purpose`` is
required, and reads are audited (``marac.referrals``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, Field

from threadline.api.deps import Acting, ActingDep, require
from threadline.api.errors import error_answer
from threadline.api.schemas import RequestBody
from threadline.api.steps import StepRoute, add_step_routes
from threadline.guard.users import User
from threadline.risk.referral_steps import ReferralStep
from threadline.store.tables import ALERT_KEY
from threadline.usecases import marac

router = APIRouter(tags=["MARAC referrals"])

_TEXT = 2000
_NAME = 80
RefPath = Annotated[str, Path(min_length=1, max_length=40, description="MARAC-000001")]
NumberPath = Annotated[int, Path(ge=1, le=10_000, description="The action's number")]
EntityPath = Annotated[str, Path(min_length=1, max_length=40)]
Criterion = Literal["visible_high_risk", "professional_judgement", "potential_escalation",
                    "repeat_referral"]  # fmt: skip


class ReferralStepPublic(BaseModel):
    """One step taken on a referral: which, by whom (and their role), when, its details."""

    step: str
    by: str
    role: str
    at: str
    detail: dict[str, Any]


class AgreedActionPublic(BaseModel):
    """An action the MARAC agreed: what, which agency owns it, by when, and whether done."""

    number: int
    text: str
    owner: str
    due: str | None
    agreed_by: str
    done: bool
    done_at: str | None
    done_by: str | None
    note: str | None
    overdue: bool


class ReferralPublic(BaseModel):
    """A MARAC referral as it stands, with every step taken."""

    ref: str
    status: Literal["made", "heard", "closed"]
    victim: str
    criteria: list[str]
    reason: str
    alert_key: str | None
    made_at: str
    made_by: str
    heard_on: str | None
    meeting: str | None
    actions: list[AgreedActionPublic]
    open_actions: int
    closed_reason: str | None
    steps: list[ReferralStepPublic]


class ReferralListPublic(BaseModel):
    """A person's MARAC referrals, newest first."""

    entity_id: str
    referrals: list[ReferralPublic]


class ReferRequest(RequestBody):
    victim: str = Field(min_length=1, max_length=40, description="The person's entity id")
    criteria: list[Criterion] = Field(
        min_length=1, max_length=4, description="The SafeLives referral criteria it rests on"
    )
    reason: str = Field(max_length=_TEXT, description="Why the referral is made")
    alert_key: str | None = Field(
        default=None, max_length=ALERT_KEY.length, description="The alert that prompted it"
    )


class HearRequest(RequestBody):
    heard_on: date = Field(description="The day the MARAC heard the case")
    meeting: str | None = Field(default=None, max_length=_NAME, description="Which MARAC")


class ActionRequest(RequestBody):
    text: str = Field(max_length=_TEXT, description="The action agreed")
    owner: str = Field(min_length=1, max_length=_NAME, description="The agency that owns it")
    due: date | None = Field(default=None, description="By when")


class CompleteRequest(RequestBody):
    note: str = Field(max_length=_TEXT, description="What was done")


class CloseRequest(RequestBody):
    reason: str = Field(max_length=_TEXT, description="Why the case leaves the MARAC")


_STEP_ERRORS: dict[int | str, dict[str, Any]] = {
    404: error_answer("No referral (or person) with that reference"),
    409: error_answer("The referral's state does not allow the step"),
    422: error_answer("A field is missing or not valid (named)"),
}


def _public(view: dict[str, Any]) -> ReferralPublic:
    return ReferralPublic.model_validate(view)


def _take(
    acting: Acting, step: ReferralStep, body: BaseModel, ref: str | None = None, **path: Any
) -> ReferralPublic:
    given = body.model_dump(exclude_none=True)
    view = marac.take_marac_step(
        acting.engine, acting.audited, ref, step, acting.clock(), acting.purpose, **path, **given
    )
    return _public(view)


_REF = {"ref": RefPath}

add_step_routes(
    router,
    "marac",
    [
        StepRoute(
            "refer",
            "/api/marac-referrals",
            ReferRequest,
            "Make a MARAC referral for a person, on the criteria it rests on and why. Audited "
            "(``marac.refer``).",
            status_code=status.HTTP_201_CREATED,
        ),
        StepRoute(
            "hear",
            "/api/marac-referrals/{ref}/hear",
            HearRequest,
            "Record that the MARAC heard the referral, and on which day. Audited (``marac.hear``).",
            _REF,
        ),
        StepRoute(
            "action",
            "/api/marac-referrals/{ref}/actions",
            ActionRequest,
            "Record an action the MARAC agreed: what, which agency owns it, by when. Audited "
            "(``marac.action``).",
            _REF,
        ),
        StepRoute(
            "complete",
            "/api/marac-referrals/{ref}/actions/{number}/complete",
            CompleteRequest,
            "Record an agreed action done, with what was done. Audited (``marac.complete``).",
            {**_REF, "number": NumberPath},
        ),
        StepRoute(
            "close",
            "/api/marac-referrals/{ref}/close",
            CloseRequest,
            "Close the referral: every agreed action done, and why it leaves the MARAC. "
            "Audited (``marac.close``).",
            _REF,
        ),
    ],
    context=ActingDep,
    take=_take,
    answer=ReferralPublic,
    responses=_STEP_ERRORS,
)


@router.get(
    "/api/marac-referrals/{ref}", responses={404: error_answer("No referral with that reference")}
)
def marac_referral(
    user: Annotated[User, require("marac.referrals")],
    acting: ActingDep,
    ref: RefPath,
) -> ReferralPublic:
    """A referral as it stands: heard or not, each action agreed and done, every step. Audited
    (``marac.referrals``)."""
    view = marac.referral(acting.engine, acting.audited, ref, acting.clock(), acting.purpose)
    return _public(view)


@router.get("/api/people/{entity_id}/marac-referrals")
def person_marac_referrals(
    user: Annotated[User, require("marac.referrals")],
    acting: ActingDep,
    entity_id: EntityPath,
) -> ReferralListPublic:
    """A person's MARAC referrals, newest first. Audited (``marac.referrals``)."""
    found = marac.person_referrals(
        acting.engine, acting.audited, entity_id, acting.clock(), acting.purpose
    )
    return ReferralListPublic(
        entity_id=entity_id, referrals=[ReferralPublic.model_validate(r) for r in found]
    )
