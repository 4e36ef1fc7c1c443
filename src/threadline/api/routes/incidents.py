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

from dataclasses import asdict, fields
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection

from threadline.api.deps import (
    Audited,
    ClockDep,
    EngineDep,
    Purpose,
    TurnsDep,
    require,
)
from threadline.api.errors import ApiError, ErrorResponse, error_body
from threadline.api.schemas import record_body
from threadline.api.segments import RefPath
from threadline.crossref import NotFound, build_picture, mark_history_viewed
from threadline.crossref.alerts import _jsonable
from threadline.crossref.person import redact_picture, withhold_contact_evidence
from threadline.crossref.pipeline import Pending, Submission
from threadline.guard.policy import sees_contact_details
from threadline.guard.users import User
from threadline.model import Incident, Record, RecordError, parse_record
from threadline.model.validation import FieldProblem
from threadline.recognise import AlertChange

router = APIRouter(tags=["incidents"])
R = TypeVar("R", bound=Record)

_SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "A field of the record is wrong (named)"},
    503: {"model": ErrorResponse, "description": "No linkage model has been trained"},
}
_VIEW_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "No purpose given"},
    404: {"model": ErrorResponse, "description": "No such incident"},
}


def record_error(error: RecordError) -> JSONResponse:
    """A 422 naming the first field at fault, with every problem under ``details``."""
    problems = [{"field": p.field or None, "message": p.reason} for p in error.problems]
    first = problems[0] if problems else {"field": None, "message": str(error)}
    extra = {"details": problems} if len(problems) > 1 else {}
    return JSONResponse(error_body(str(first["message"]), first["field"], **extra), status_code=422)


def parse_as(raw: dict[str, Any], kind: str, schema: type[R]) -> R:
    """``raw`` validated as a record of ``kind``; :class:`RecordError` otherwise."""
    record = parse_record(raw, default_kind=kind)
    if not isinstance(record, schema):
        raise RecordError([FieldProblem("kind", f"this route takes a {kind}, not {record.kind}")])
    return record


def change_dict(change: AlertChange) -> dict[str, Any]:
    """An alert change as JSON: raised, updated or cleared, and the alert."""
    alert = _jsonable({f.name: getattr(change.alert, f.name) for f in fields(change.alert)})
    return {"change": change.change, **alert}


def submission_dict(submission: Submission, user: User) -> dict[str, Any]:
    """What :func:`threadline.crossref.submit` did, as JSON, evidence redacted for ``user``."""
    plain = sees_contact_details(user.role)
    decisions = []
    for decision in submission.decisions:
        item = _jsonable(asdict(decision))
        if not plain:
            item["evidence"] = withhold_contact_evidence(item["evidence"])
        decisions.append(item)
    return {
        "record_key": submission.record_key,
        "ref": submission.ref,
        "kind": submission.kind,
        "outcome": submission.outcome,
        "decisions": decisions,
        "alerts": [change_dict(c) for c in submission.changes],
        "timings_ms": {k: round(v, 1) for k, v in submission.timings_ms.items()},
        "committed_with": submission.committed_with,
    }


def submission_records(submission: Submission) -> list[str]:
    """What an audit row of a submission names: the record and each person it was joined to."""
    people = sorted({f"person:{d.entity_id}" for d in submission.decisions if d.entity_id})
    return [submission.record_key, *people]


@router.post(
    "/api/incidents",
    responses=_SUBMIT_ERRORS,
    response_model=None,
    openapi_extra=record_body(Incident, "An incident in the import format"),
)
async def submit_incident(
    user: Annotated[User, require("incident.submit")],
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    turns: TurnsDep,
    body: Annotated[dict[str, Any], Body()],
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
        audited.within(
            conn,
            "incident.submit",
            submission_records(submission),
            detail={"outcome": submission.outcome, "alerts": len(submission.changes)},
        )

    def respond(submission: Submission) -> Response:
        with engine.connect() as conn:
            picture = build_picture(conn, record.ref, source=record.source).to_dict()
        result = submission_dict(submission, user)
        result["picture"] = redact_picture(picture, user.role)
        # plain JSON already: no need for FastAPI's jsonable_encoder, and orjson writes it in a
        # tenth of the time the standard library takes (a picture is a few hundred objects)
        answer = orjson.dumps(result, option=orjson.OPT_NON_STR_KEYS)  # keyed as json.dumps
        return Response(answer, media_type="application/json")

    return await turns.run(Pending(record, clock(), audit), respond)


@router.get("/api/incidents/{ref}/picture", responses=_VIEW_ERRORS)
def incident_picture(
    user: Annotated[User, require("incident.view")],
    purpose: Purpose,
    engine: EngineDep,
    audited: Audited,
    ref: RefPath,
) -> dict[str, Any]:
    """Everything linked to one incident: its people, their history, shared objects, alerts.

    Viewing is audited with the purpose given, found or not.
    """
    with engine.connect() as conn:
        try:
            picture = build_picture(conn, ref)
        except NotFound:
            picture = None
    if picture is None:
        audited("incident.view", [f"incident-ref:{ref}"], purpose, detail={"found": False})
        raise ApiError(404, f"no incident {ref!r}", field="ref")
    data = picture.to_dict()
    audited(
        "incident.view",
        picture.audit_records,
        purpose,
        detail={"found": True, "linked_records": len(picture.linked_record_keys)},
    )
    return redact_picture(data, user.role)


@router.post(
    "/api/incidents/{ref}/history-viewed",
    responses={404: {"model": ErrorResponse, "description": "No such incident"}},
)
def history_viewed(
    user: Annotated[User, require("incident.view")],
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    ref: RefPath,
) -> dict[str, Any]:
    """Record the research check: the signed-in user has looked at this incident's linked
    history. Alerts that the check puts right (history not viewed) are cleared."""
    now = clock()
    try:
        changes = mark_history_viewed(engine, ref, user.username, now)
    except LookupError:
        raise ApiError(404, f"no incident {ref!r}", field="ref") from None
    audited("incident.view", [f"incident-ref:{ref}"], detail={"research_check": True})
    return {
        "incident_ref": ref,
        "viewed_by": user.username,
        "viewed_at": now.isoformat(),
        "alerts": [change_dict(c) for c in changes],
    }
