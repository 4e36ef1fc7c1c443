"""Court orders: import one (non-molestation, restraining, stalking protection, DVPO, bail
conditions) through the same live path as an incident, so its parties are resolved at once and
a later contact by the respondent is recognised as a breach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from threadline.api.deps import ModelDep, RecordingDep, require
from threadline.api.responses import SubmissionOut
from threadline.api.routes.incidents import record_error
from threadline.api.schemas import RecordBody, submission_route
from threadline.crossref import submit
from threadline.crossref.pipeline import Submission
from threadline.guard.users import User
from threadline.model import CourtOrder, RecordError
from threadline.usecases.assessments import parse_as
from threadline.usecases.incidents import audit_submission, submission_result

router = APIRouter(tags=["orders"])


@router.post(
    "/api/orders",
    **submission_route(CourtOrder, "A court order in the import format", SubmissionOut, "Imported"),
)
def import_order(
    user: Annotated[User, require("orders.import")],
    recording: RecordingDep,
    model: ModelDep,
    body: RecordBody,
) -> SubmissionOut | JSONResponse:
    """Store a court order and resolve its respondent and protected people; audited
    (``orders.import``) in the transaction that stores it."""
    try:
        record = parse_as(body, "order", CourtOrder)
    except RecordError as error:
        return record_error(error)

    def audit(conn: Connection, submission: Submission) -> None:
        order_type = record.order_type.value
        audit_submission(
            recording.audited, "orders.import", conn, submission, order_type=order_type
        )

    submission = submit(recording.engine, model, record, recording.clock(), audit=audit)
    return SubmissionOut.model_validate(submission_result(submission, user.role))
