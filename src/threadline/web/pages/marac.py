"""A person's MARAC referrals (``/people/{entity_id}/marac``) and the forms that follow one from
made to heard to its actions (``POST /marac-referrals/{step}``).

The page and its JSON twin (``GET /api/people/{entity_id}/marac-referrals``) call the same use
case (:mod:`threadline.usecases.marac`), as do the forms and the API's steps: the state machine,
the role checks and the audit rows are the same. Nothing is shown until the user has stated why
(:mod:`threadline.web.pages.purpose`); the form's CSRF token is checked before a post runs.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.api.deps import Audited, ClockDep, EngineDep, RecordingDep, require
from threadline.guard.users import User
from threadline.risk.marac import MARAC_CRITERIA
from threadline.risk.referral_steps import REFERRAL_STEPS, ReferralStep
from threadline.usecases import marac
from threadline.usecases.errors import Unprocessable
from threadline.web.pages.deps import StepForm, step_form
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.paths import segment
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[User, require("marac.referrals")]
EntityId = Annotated[str, Path(max_length=40)]
ReferralStepForm = Annotated[StepForm[ReferralStep], Depends(step_form(REFERRAL_STEPS))]
_FIELDS = ("victim", "reason", "heard_on", "meeting", "text", "owner", "due", "note", "alert_key")


def marac_path(entity_id: str, purpose: str) -> str:
    return f"/people/{segment(entity_id)}/marac?" + urlencode({"purpose": purpose})


@router.get("/people/{entity_id}/marac", response_class=HTMLResponse)
def person_marac_page(
    request: Request,
    user: Viewer,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    entity_id: EntityId,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """The purpose prompt, then the person's MARAC referrals: heard or not, each action agreed
    and done, every step, and the forms for the next."""
    here = f"/people/{entity_id}/marac"
    stated = purpose_for(request, user, purpose, f"MARAC referrals of {entity_id}", here)
    referrals = marac.person_referrals(engine, audited, entity_id, clock(), stated)
    context = {
        "entity_id": entity_id,
        "referrals": referrals,
        "purpose": stated,
        "criteria": [(c.id, c.title) for c in MARAC_CRITERIA],
        "alert_key": request.query_params.get("alert", ""),
    }
    return render(request, "marac.html", user, context)


@router.post("/marac-referrals/{step}")
def marac_step_form(
    request: Request,
    user: Viewer,
    recording: RecordingDep,
    posted: ReferralStepForm,
) -> RedirectResponse:
    """Take the path's step as the signed-in user; back to the person's MARAC page."""
    form = posted.fields
    purpose = posted.purpose()
    victim = form.get("victim", "")
    if not victim:
        raise Unprocessable("the form names no person", field="victim")
    typed = posted.step
    given: dict[str, Any] = posted.filled(_FIELDS)
    if typed == "refer":
        given["criteria"] = posted.every("criteria")
    else:
        given.pop("victim", None)
    if typed == "complete":
        number = form.get("number", "")
        if not number.isdigit():
            raise Unprocessable("number is the action's number", field="number")
        given["number"] = int(number)
    ref = form.get("ref") or None
    engine, audited, now = recording.engine, recording.audited, recording.clock()
    marac.take_marac_step(engine, audited, ref, typed, now, purpose.strip(), **given)
    return RedirectResponse(marac_path(victim, purpose.strip()), status_code=303)
