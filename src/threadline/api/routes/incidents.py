"""Incidents: submit one as the command-and-control system would, see its picture, record the
research check.

``POST /api/incidents`` takes an incident in the import format (``docs`` / the JSON schema of
:class:`threadline.model.Incident`), validates it with :func:`threadline.model.parse_record` and
submits it with whatever else waits for the worker's next write turn (:mod:`threadline.api.turns`,
:func:`threadline.crossref.pipeline.submit_group`), which stores it, resolves its people and runs
the rules. The answer carries what happened to each person, the alerts raised or updated, and the
picture a call handler sees, redacted for the caller's role. The audit row of a submission is
committed in the same transaction as the submission.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection

from threadline.api.deps import ActingDep, RecordingDep, TurnsDep, require
from threadline.api.errors import error_answer, error_body
from threadline.api.responses import IncidentSubmitted, Picture, ResearchCheck
from threadline.api.schemas import RecordBody, submission_route
from threadline.api.segments import RefPath
from threadline.crossref.pipeline import Pending, Submission
from threadline.guard.users import User
from threadline.model import Incident, RecordError
from threadline.usecases.assessments import parse_as
from threadline.usecases.incidents import (
    audit_submission,
    change_dict,
    record_research_check,
    submitted_incident,
    view_picture,
)

router = APIRouter(tags=["incidents"])


def record_error(error: RecordError) -> JSONResponse:
    """A 422 naming the first field at fault, with every problem under ``details``."""
    problems = [{"field": p.field or None, "message": p.reason} for p in error.problems]
    first = problems[0] if problems else {"field": None, "message": str(error)}
    extra = {"details": problems} if len(problems) > 1 else {}
    return JSONResponse(error_body(str(first["message"]), first["field"], **extra), status_code=422)


@router.post(
    "/api/incidents",
    **submission_route(
        Incident, "An incident in the import format", IncidentSubmitted, "Submitted"
    ),
)
async def submit_incident(
    user: Annotated[User, require("incident.submit")],
    recording: RecordingDep,
    turns: TurnsDep,
    body: RecordBody,
) -> Response:
    """Store an incident, resolve its people and cross-reference it; return the picture.

    The submission is audited (``incident.submit``): collecting personal data and combining it
    with what the force already holds. It goes in this worker's next write turn, with whatever
    else is waiting for it (:mod:`threadline.api.turns`).
    """
    try:
        record = parse_as(body, "incident", Incident)
    except RecordError as error:
        return record_error(error)

    def audit(conn: Connection, submission: Submission) -> None:
        alerts = len(submission.changes)
        audit_submission(recording.audited, "incident.submit", conn, submission, alerts=alerts)

    def respond(submission: Submission) -> Response:
        result = submitted_incident(recording.engine, submission, record.source, user.role)
        # described by IncidentSubmitted (a test checks real answers against it); plain JSON
        # already: no need for FastAPI's jsonable_encoder, and orjson writes it in a tenth of
        # the time the standard library takes (a picture is a few hundred objects)
        answer = orjson.dumps(result, option=orjson.OPT_NON_STR_KEYS)  # keyed as json.dumps
        return Response(answer, media_type="application/json")

    return await turns.run(Pending(record, recording.clock(), audit), respond)


@router.get("/api/incidents/{ref}/picture", responses={404: error_answer("No such incident")})
def incident_picture(
    user: Annotated[User, require("incident.view")],
    acting: ActingDep,
    ref: RefPath,
) -> Picture:
    """Everything linked to one incident: its people, their history, shared objects, alerts.

    Viewing is audited with the purpose given, found or not.
    """
    view = view_picture(acting.engine, acting.audited, ref, acting.purpose)
    return Picture.model_validate(view.picture)


@router.post(
    "/api/incidents/{ref}/history-viewed",
    responses={404: error_answer("No such incident")},
)
def history_viewed(
    user: Annotated[User, require("incident.view")],
    recording: RecordingDep,
    ref: RefPath,
) -> ResearchCheck:
    """Record the research check: the signed-in user has looked at this incident's linked
    history. Alerts that the check puts right (history not viewed) are cleared."""
    now = recording.clock()
    changes = record_research_check(recording.engine, recording.audited, ref, now)
    return ResearchCheck.model_validate(
        {
            "incident_ref": ref,
            "viewed_by": user.username,
            "viewed_at": now.isoformat(),
            "alerts": [change_dict(c) for c in changes],
        }
    )
