"""Risk assessments: submit a DASH or S-DASH, read a checklist, a person's assessments and the
MARAC referral list.

``POST /api/assessments`` takes a :class:`threadline.model.RiskAssessment` in the import format,
checks it with :func:`threadline.model.parse_record` and the named checklist
(:func:`threadline.risk.validate_answers`; a wrong question id or answer is a 422 naming
``answers.<question id>``) and hands it to :func:`threadline.crossref.submit`, the live path every
record takes: the subject is resolved, and the incident is recognised again, so the alert
"domestic incident without a DASH" clears. The answer gives the score, the grade and why.

``GET /api/marac/referrals`` (and ``.csv``) is :func:`threadline.crossref.marac.referral_list`;
it lists people, so it is audited (``marac.view``) and withholds officers' free text from roles
that do not see contact details.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, Engine, select

from threadline.api.deps import (
    Audited,
    Auditor,
    ClockDep,
    CurrentUser,
    EngineDep,
    ModelDep,
    Purpose,
    require,
)
from threadline.api.errors import ApiError, ErrorResponse
from threadline.api.routes.incidents import (
    _SUBMIT_ERRORS,
    parse_as,
    record_error,
    submission_dict,
    submission_records,
)
from threadline.api.schemas import record_body
from threadline.crossref import submit
from threadline.crossref.marac import (
    GradedAssessment,
    Referral,
    person_assessments,
    referral_list,
    referrals_csv,
)
from threadline.crossref.pipeline import Submission
from threadline.guard.policy import sees_contact_details
from threadline.guard.users import User
from threadline.model import FORCE_TIMEZONE, RecordError, RiskAssessment
from threadline.model.validation import FieldProblem
from threadline.resolve.linkage import LinkageModel
from threadline.risk import (
    Grading,
    JudgementError,
    MaracSettings,
    grade_assessment,
    load_checklist,
)
from threadline.risk.validation import checklist_problems
from threadline.store import record_key
from threadline.store import tables as t

router = APIRouter(tags=["assessments"])

EntityPath = Annotated[str, Path(max_length=40)]


def read_assessment(raw: Mapping[str, Any]) -> tuple[RiskAssessment, Grading]:
    """``raw`` validated as a risk assessment against its checklist, and graded.

    Raises :class:`~threadline.model.RecordError` naming each field at fault: the schema's
    fields, ``checklist_version``, ``answers.<question id>``, ``notes.<question id>``, or
    ``judgement_reason`` when a judgement raises the grade without one.
    """
    record = parse_as(dict(raw), "risk_assessment", RiskAssessment)
    problems = checklist_problems(record)
    if problems:
        raise RecordError(problems, record.ref)
    try:
        grading = grade_assessment(record)
    except JudgementError as error:
        raise RecordError([FieldProblem("judgement_reason", str(error))], record.ref) from None
    return record, grading


def graded_submission(
    submission: Submission, record: RiskAssessment, grading: Grading
) -> GradedAssessment:
    """The graded assessment of a submission, its subject's entity from its result."""
    subject = next((d.entity_id for d in submission.decisions if d.entity_id), None)
    return GradedAssessment(record, subject, grading)


def submit_assessment(
    engine: Engine,
    model: LinkageModel,
    record: RiskAssessment,
    grading: Grading,
    now: datetime,
    audit: Callable[[Connection, Submission, GradedAssessment], object] | None = None,
) -> tuple[Submission, GradedAssessment]:
    """Submit a checked assessment through the live path; the subject's entity from its result.

    ``audit(conn, submission, graded)`` writes its audit row in the transaction that stores it.
    """

    def audit_within(conn: Connection, submission: Submission) -> None:
        if audit is not None:
            audit(conn, submission, graded_submission(submission, record, grading))

    submission = submit(engine, model, record, now, audit=audit_within)
    return submission, graded_submission(submission, record, grading)


def incident_known(engine: Engine, ref: str) -> bool:
    i = t.incidents
    with engine.connect() as conn:
        return conn.execute(select(i.c.id).where(i.c.ref == ref).limit(1)).first() is not None


@router.post(
    "/api/assessments",
    responses={
        **_SUBMIT_ERRORS,
        422: {
            "model": ErrorResponse,
            "description": "A field is wrong (named, e.g. answers.dash.99)",
        },
    },
    response_model=None,
    openapi_extra=record_body(RiskAssessment, "A DASH or S-DASH in the import format"),
)
def post_assessment(
    user: Annotated[User, require("assessment.submit")],
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    model: ModelDep,
    body: Annotated[dict[str, Any], Body()],
) -> dict[str, Any] | JSONResponse:
    """Store a completed DASH or S-DASH, resolve its subject, recognise its incident again;
    return the score, the grade with its reasons and the alerts changed (a DASH clears
    "domestic incident without a DASH"). Audited (``assessment.submit``) in the transaction
    that stores it."""
    try:
        record, grading = read_assessment(body)
    except RecordError as error:
        return record_error(error)

    def audit(conn: Connection, submission: Submission, graded: GradedAssessment) -> None:
        audited.within(
            conn,
            "assessment.submit",
            submission_records(submission),
            detail={
                "outcome": submission.outcome,
                "checklist": record.checklist,
                "incident_ref": record.incident_ref,
                "grade": graded.to_dict()["grade"],
            },
        )

    submission, graded = submit_assessment(engine, model, record, grading, clock(), audit)
    result = submission_dict(submission, user)
    result["assessment"] = graded.to_dict()
    result["incident_known"] = incident_known(engine, record.incident_ref)
    return result


@router.get(
    "/api/checklists/{name}",
    responses={404: {"model": ErrorResponse, "description": "No such checklist or version"}},
)
def checklist(
    _: CurrentUser,
    name: Annotated[str, Path(max_length=20, description="dash or sdash")],
    version: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """A checklist's questions, answers and guidance, as forms draw them (no personal data)."""
    try:
        found = load_checklist(name, version)
    except KeyError as error:
        field = "version" if name in ("dash", "sdash") else "name"
        raise ApiError(404, str(error.args[0]), field=field) from None
    return asdict(found)


def referrals_for(
    user: User, engine: Engine, now: datetime, audited: Auditor, output: str
) -> list[Referral]:
    """The referral list as ``user`` may see it, its disclosure audited (``marac.view``)."""
    referrals = referral_list(engine, now, MaracSettings())
    audited(
        "marac.view",
        [f"person:{r.victim}" for r in referrals],
        detail={"referrals": len(referrals), "format": output},
    )
    if sees_contact_details(user.role):
        return referrals
    return [r.without_free_text() for r in referrals]


@router.get("/api/marac/referrals")
def marac_referrals(
    user: Annotated[User, require("marac.view")],
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
) -> dict[str, Any]:
    """Every victim meeting a MARAC referral criterion now, with each criterion and why.
    Audited (``marac.view``): the list names people."""
    now = clock()
    referrals = referrals_for(user, engine, now, audited, "json")
    settings = MaracSettings()
    return {
        "as_of": now.isoformat(),
        "escalation_incidents": settings.escalation_incidents,
        "window_months": settings.window_months,
        "referrals": [r.to_dict() for r in referrals],
    }


@router.get("/api/marac/referrals.csv", response_class=Response)
def marac_referrals_csv(
    user: Annotated[User, require("marac.view")],
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
) -> Response:
    """The referral list as CSV, safe to open in a spreadsheet. Audited (``marac.view``)."""
    now = clock()
    out = io.StringIO(newline="")
    referrals_csv(referrals_for(user, engine, now, audited, "csv"), out)
    day = now.astimezone(FORCE_TIMEZONE).date().isoformat()
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="marac-referrals-{day}.csv"'},
    )


@router.get(
    "/api/people/{entity_id}/assessments",
    responses={
        400: {"model": ErrorResponse, "description": "No purpose given"},
        404: {"model": ErrorResponse, "description": "No such person"},
    },
)
def assessments_of_person(
    user: Annotated[User, require("person.view")],
    purpose: Purpose,
    engine: EngineDep,
    audited: Audited,
    entity_id: EntityPath,
) -> dict[str, Any]:
    """A person's DASH and S-DASH assessments: score, grade and reasons of each, and the trend.
    Audited (``person.view``) with the purpose given, found or not."""
    e = t.entities
    with engine.connect() as conn:
        found = conn.execute(select(e.c.id).where(e.c.id == entity_id)).first() is not None
    if not found:
        audited("person.view", [f"person:{entity_id}"], purpose, detail={"found": False})
        raise ApiError(404, f"no person {entity_id!r}", field="entity_id")
    history = person_assessments(engine, entity_id)
    audited(
        "person.view",
        [f"person:{entity_id}", *(record_key(a.record) for a in history.assessments)],
        purpose,
        detail={"found": True, "assessments": len(history.assessments)},
    )
    return history.to_dict(free_text=sees_contact_details(user.role))
