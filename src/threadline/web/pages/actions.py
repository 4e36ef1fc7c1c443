"""The forms that act on an alert from a page: ``POST /alert-actions/{step}``.

The picture's alert boxes and the accountability page post here; each post is one step taken
through :func:`threadline.usecases.actions.take_alert_step`, the use case the API's
``POST /api/alert-actions/{step}`` calls, so the state machine, the role checks and the audit row
are the same. The form's CSRF token is checked before the route runs
(:mod:`threadline.api.hardening`); a refusal is an error page saying why
(:mod:`threadline.web.errors`). Back to the picture of ``back`` (an incident), or to the
accountability page when ``back`` is ``accountability``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from threadline.api.deps import RecordingDep, require, signoff_hours
from threadline.guard.users import User
from threadline.recognise.actions import STEPS, Step
from threadline.usecases.actions import take_alert_step
from threadline.usecases.errors import Unprocessable
from threadline.web.pages.deps import StepForm, step_form
from threadline.web.paths import incident_path

router = APIRouter(include_in_schema=False)

#: Anyone signed in who may see a picture may post; the step's own roles are the state machine's.
Staff = Annotated[User, require("incident.view")]
_TEXT_FIELDS = ("assignee", "kind", "team", "note", "rationale", "outcome", "reason")
_YES_NO = {"yes": True, "no": False}
AlertStepForm = Annotated[StepForm[Step], Depends(step_form(STEPS))]


def given_of(posted: StepForm[Step], user: User) -> dict[str, Any]:
    """The step's fields from the form, in the types the state machine takes."""
    form = posted.fields
    given: dict[str, Any] = posted.filled(_TEXT_FIELDS)
    if posted.step == "assign" and "assignee" not in given:
        given.update(assignee=user.username, kind="officer")  # "take it on myself"
    for name in ("arrested", "approve"):
        if name in form:
            if form[name] not in _YES_NO:
                raise Unprocessable(f"{name} is yes or no", field=name)
            given[name] = _YES_NO[form[name]]
    grounds = posted.every("grounds")
    if grounds:
        given["grounds"] = grounds
    return given


@router.post("/alert-actions/{step}")
def alert_action_form(
    request: Request,
    user: Staff,
    recording: RecordingDep,
    posted: AlertStepForm,
) -> RedirectResponse:
    """Take the path's step on the form's alert as the signed-in user; back to where the form
    was."""
    form = posted.fields
    alert_key = form.get("alert_key", "")
    if not alert_key:
        raise Unprocessable("the form names no alert", field="alert_key")
    purpose = posted.purpose()
    take_alert_step(
        recording.engine,
        recording.audited,
        alert_key,
        posted.step,
        recording.clock(),
        signoff_hours(request),
        purpose,
        **given_of(posted, user),
    )
    back = form.get("back", "")
    if back == "accountability":
        target = "/accountability?" + urlencode({"purpose": purpose})
    else:
        target = incident_path(back, purpose=purpose) if back else "/"
    return RedirectResponse(target, status_code=303)
