"""Risk assessments: submit a DASH or S-DASH, read a checklist, a person's assessments and the
MARAC referral list.

``POST /api/assessments`` takes a :class:`threadline.model.RiskAssessment` in the import format,
checks it with :func:`threadline.usecases.assessments.read_assessment` (a wrong question id or
answer is a 422 naming ``answers.<question id>``) and hands it to
:func:`threadline.usecases.assessments.submit_assessment`, the live path every record takes: the
subject is resolved, and the incident is recognised again, so the alert "domestic incident
without a DASH" clears. The answer gives the score, the grade and why.

``GET /api/marac/referrals`` (and ``.csv``) is :func:`threadline.usecases.assessments.referrals`;
it lists people, so it is audited (``marac.view``) and withholds officers' free text from roles
that do not see contact details.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from threadline.api.deps import ActingDep, CurrentUser, ModelDep, RecordingDep, require
from threadline.api.errors import ApiError, error_answer
from threadline.api.responses import (
    CSV_RESPONSE,
    AssessmentSubmitted,
    ChecklistOut,
    PersonAssessments,
    Referrals,
)
from threadline.api.routes.incidents import record_error
from threadline.api.routes.people import PERSON_VIEW_ERRORS, EntityPath
from threadline.api.schemas import RecordBody, submission_route
from threadline.crossref.marac import referrals_csv
from threadline.guard.users import User
from threadline.model import FORCE_TIMEZONE, RecordError, RiskAssessment
from threadline.risk import MaracSettings, load_checklist
from threadline.usecases import assessments, people
from threadline.usecases.incidents import submission_result

router = APIRouter(tags=["assessments"])


@router.post(
    "/api/assessments",
    **submission_route(
        RiskAssessment,
        "A DASH or S-DASH in the import format",
        AssessmentSubmitted,
        "Stored and graded",
        refused="A field is wrong (named, e.g. answers.dash.99)",
    ),
)
def post_assessment(
    user: Annotated[User, require("assessment.submit")],
    recording: RecordingDep,
    model: ModelDep,
    body: RecordBody,
) -> AssessmentSubmitted | JSONResponse:
    """Store a completed DASH or S-DASH, resolve its subject, recognise its incident again;
    return the score, the grade with its reasons and the alerts changed (a DASH clears
    "domestic incident without a DASH"). Audited (``assessment.submit``) in the transaction
    that stores it."""
    try:
        record, grading = assessments.read_assessment(body)
    except RecordError as error:
        return record_error(error)
    engine = recording.engine
    submission, graded = assessments.submit_assessment(
        engine, recording.audited, model, record, grading, recording.clock()
    )
    result = submission_result(submission, user.role)
    result["assessment"] = graded.to_dict()
    result["incident_known"] = assessments.incident_known(engine, record.incident_ref)
    return AssessmentSubmitted.model_validate(result)


@router.get(
    "/api/checklists/{name}",
    responses={404: error_answer("No such checklist or version")},
)
def checklist(
    _: CurrentUser,
    name: Annotated[str, Path(max_length=20, description="dash or sdash")],
    version: Annotated[str | None, Query(max_length=20)] = None,
) -> ChecklistOut:
    """A checklist's questions, answers and guidance, as forms draw them (no personal data)."""
    try:
        found = load_checklist(name, version)
    except KeyError as error:
        field = "version" if name in ("dash", "sdash") else "name"
        raise ApiError(404, str(error.args[0]), field=field) from None
    return ChecklistOut.model_validate(asdict(found))


@router.get("/api/marac/referrals")
def marac_referrals(
    user: Annotated[User, require("marac.view")], recording: RecordingDep
) -> Referrals:
    """Every victim meeting a MARAC referral criterion now, with each criterion and why.
    Audited (``marac.view``): the list names people."""
    now = recording.clock()
    found = assessments.referrals(recording.engine, recording.audited, now, "json")
    settings = MaracSettings()
    return Referrals.model_validate(
        {
            "as_of": now.isoformat(),
            "escalation_incidents": settings.escalation_incidents,
            "window_months": settings.window_months,
            "referrals": [r.to_dict() for r in found],
        }
    )


@router.get("/api/marac/referrals.csv", response_class=Response, responses=CSV_RESPONSE)
def marac_referrals_csv(
    user: Annotated[User, require("marac.view")], recording: RecordingDep
) -> Response:
    """The referral list as CSV, safe to open in a spreadsheet. Audited (``marac.view``)."""
    now = recording.clock()
    out = io.StringIO(newline="")
    referrals_csv(assessments.referrals(recording.engine, recording.audited, now, "csv"), out)
    day = now.astimezone(FORCE_TIMEZONE).date().isoformat()
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="marac-referrals-{day}.csv"'},
    )


@router.get(
    "/api/people/{entity_id}/assessments",
    responses=PERSON_VIEW_ERRORS,
)
def assessments_of_person(
    user: Annotated[User, require("person.view")], acting: ActingDep, entity_id: EntityPath
) -> PersonAssessments:
    """A person's DASH and S-DASH assessments: score, grade and reasons of each, and the trend.
    Audited (``person.view``) with the purpose given, found or not."""
    return PersonAssessments.model_validate(
        people.assessments_of(acting.engine, acting.audited, entity_id, acting.purpose)
    )
