"""A person's record: permission ``person.view``, a stated purpose, an audit row, redaction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from threadline.api.deps import Audited, EngineDep, Purpose, require
from threadline.api.errors import ApiError, ErrorResponse
from threadline.api.profiles import ProfileLoader
from threadline.guard.policy import redact_person, sees_contact_details
from threadline.guard.users import User

router = APIRouter(tags=["people"])


@router.get(
    "/api/people/{entity_id}",
    responses={
        400: {"model": ErrorResponse, "description": "No purpose given"},
        404: {"model": ErrorResponse, "description": "No such person"},
    },
)
def person(
    user: Annotated[User, require("person.view")],
    purpose: Purpose,
    request: Request,
    engine: EngineDep,
    audited: Audited,
    entity_id: Annotated[str, Path(max_length=40)],
) -> dict[str, Any]:
    """One person: their name and every mention of them, with contact details of victims,
    witnesses, callers and third parties withheld from roles that do not need them.

    The look-up is written to the audit log with the purpose given, found or not.
    """
    loader: ProfileLoader = request.app.state.profile_loader
    profile = loader(engine, entity_id)
    records = [f"person:{entity_id}"]
    if profile is None:
        audited("person.view", records, purpose, detail={"found": False})
        raise ApiError(404, f"no person {entity_id!r}", field="entity_id")
    records += sorted({m["record_key"] for m in profile.get("mentions", []) if "record_key" in m})
    redacted = not sees_contact_details(user.role)
    audited("person.view", records, purpose, detail={"found": True, "redacted": redacted})
    return redact_person(profile, user.role)
