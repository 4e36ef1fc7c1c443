"""The case page (``/cases/{case_id}``: its incidents, officer in the case, steps,
notifications and the arrest decisions owed on its breaches, with the forms that assign,
note, close and reopen it) and the officer's notifications (``/notifications``).

Both call the use cases the API calls (:mod:`threadline.usecases.cases`): the same audit rows,
disclosure, checks and refusals. The JSON twins are ``GET /api/cases/{case_id}`` and
``GET /api/notifications``. A form posts to ``POST /cases/{case_id}/{step}`` with the page's
CSRF token (checked before the route runs, :mod:`threadline.api.hardening`) and comes back to
the case.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.api.deps import Audited, EngineDep, RecordingDep, require
from threadline.guard.users import User
from threadline.recognise.cases import STAFF_STEPS, CaseStep
from threadline.usecases.cases import my_notifications, take_case_step_as, view_case
from threadline.web.pages.deps import StepForm, step_form
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CaseStepForm = Annotated[StepForm[CaseStep], Depends(step_form(STAFF_STEPS))]
_FIELDS = ("officer", "team", "note", "reason")


def case_path(case_id: int, purpose: str) -> str:
    return f"/cases/{case_id}?" + urlencode({"purpose": purpose})


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    user: Annotated[User, require("case.view")],
    engine: EngineDep,
    audited: Audited,
    case_id: CaseId,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """The purpose prompt, then the case; the look is audited (``case.view``)."""
    here = f"/cases/{case_id}"
    stated = purpose_for(request, user, purpose, f"case {case_id}", here, "case review")
    case = view_case(engine, audited, case_id, stated)
    return render(request, "case.html", user, {"case": case, "purpose": stated})


@router.post("/cases/{case_id}/{step}")
def case_step_form(
    user: Annotated[User, require("case.view")],
    recording: RecordingDep,
    case_id: CaseId,
    posted: CaseStepForm,
) -> RedirectResponse:
    """Take the path's step on the case as the signed-in user (their role decides whether they
    may); back to the case."""
    purpose = posted.purpose()
    given: dict[str, Any] = posted.filled(_FIELDS)
    if posted.step == "assign" and "officer" not in given:
        given["officer"] = user.username  # "make me the officer in the case"
    engine, audited, now = recording.engine, recording.audited, recording.clock()
    take_case_step_as(engine, audited, case_id, posted.step, now, purpose.strip(), **given)
    return RedirectResponse(case_path(case_id, purpose.strip()), status_code=303)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(
    request: Request,
    user: Annotated[User, require("notifications.view")],
    engine: EngineDep,
) -> HTMLResponse:
    """What the signed-in officer was told: cases opened with them as the officer in the
    case, incidents that joined their cases, cases handed to them."""
    found = my_notifications(engine, user)
    return render(request, "notifications.html", user, {"notifications": found})
