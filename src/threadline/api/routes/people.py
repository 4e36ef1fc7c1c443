"""People: search, a person's record and why its records are one person, and splitting a wrong
merge (:mod:`threadline.usecases.people`). Every look-up needs ``person.view`` or
``person.search`` and a stated purpose, and writes an audit row; contact details are disclosed
per role."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field

from threadline.api.deps import ActingDep, ModelDep, RecordingDep, require
from threadline.api.errors import error_answer
from threadline.api.responses import PersonEvidence, PersonOut, SearchResult, SplitResult
from threadline.api.schemas import RequestBody
from threadline.guard.users import User
from threadline.model.refs import MENTION_KEY_MAX_LENGTH
from threadline.resolve.search import PersonQuery
from threadline.usecases import people

router = APIRouter(tags=["people"])

EntityPath = Annotated[str, Path(max_length=40)]
PERSON_VIEW_ERRORS: dict[int | str, dict[str, Any]] = {
    404: error_answer("No such person"),
}


def _text(description: str, max_length: int = 120) -> Any:
    return Query(description=description, max_length=max_length)


@router.get(
    "/api/people/search",
    responses={422: error_answer("Nothing to search on, or a bad field")},
)
def search(
    user: Annotated[User, require("person.search")],
    acting: ActingDep,
    model: ModelDep,
    forenames: Annotated[str | None, _text("Forename(s) as the caller gives them")] = None,
    surname: Annotated[str | None, _text("Surname")] = None,
    dob: Annotated[str | None, _text("Date of birth: YYYY-MM-DD, YYYY-MM or YYYY", 10)] = None,
    phone: Annotated[str | None, _text("A phone number in any usual format", 40)] = None,
    postcode: Annotated[str | None, _text("A UK postcode", 10)] = None,
    email: Annotated[str | None, _text("An e-mail address", 200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResult:
    """The people the details may belong to, most probable first, each with the evidence the
    linkage model weighed. The search and what it found are audited (``person.search``)."""
    query = PersonQuery(forenames, surname, dob, phone, postcode, email)
    found = people.search(acting.engine, acting.audited, model, query, acting.purpose, limit)
    return SearchResult.model_validate(found)


@router.get("/api/people/{entity_id}", responses=PERSON_VIEW_ERRORS)
def person(
    user: Annotated[User, require("person.view")],
    acting: ActingDep,
    request: Request,
    entity_id: EntityPath,
) -> PersonOut:
    """One person: every mention of them, the timeline of their records, orders, risk
    assessments and trend, open alerts, and how the record came to be; contact details of
    victims, witnesses, callers and third parties withheld from roles that do not need them.

    The look-up is written to the audit log with the purpose given, found or not.
    """
    loader: people.ProfileLoader = request.app.state.profile_loader
    view = people.view_person(acting.engine, acting.audited, entity_id, acting.purpose, loader)
    return PersonOut.model_validate(view.profile)


@router.get("/api/people/{entity_id}/evidence", responses=PERSON_VIEW_ERRORS)
def evidence(
    user: Annotated[User, require("person.view")],
    acting: ActingDep,
    model: ModelDep,
    entity_id: EntityPath,
) -> PersonEvidence:
    """Why these records are one person: each mention, the member it is linked to, the model's
    probability and the evidence in words. Audited as a person view."""
    members = people.person_evidence(
        acting.engine, acting.audited, entity_id, acting.purpose, model
    )
    return PersonEvidence.model_validate({"entity_id": entity_id, "members": members})


class SplitRequest(RequestBody):
    mention_keys: list[Annotated[str, Field(min_length=1, max_length=MENTION_KEY_MAX_LENGTH)]] = (
        Field(min_length=1, max_length=500, description="The mentions to move to a new person")
    )
    reason: str = Field(min_length=3, max_length=2000, description="Why they are not this person")


@router.post(
    "/api/people/{entity_id}/split",
    responses={
        404: error_answer("No such person"),
        422: error_answer("The split cannot be made (named)"),
    },
)
def split(
    user: Annotated[User, require("review.judge")],
    recording: RecordingDep,
    entity_id: EntityPath,
    body: SplitRequest,
) -> SplitResult:
    """Undo a wrong merge: move ``mention_keys`` to a new person, recorded as judged different
    from those left, so no later resolution puts them back. Audited with the change."""
    new_id = people.split_person(
        recording.engine,
        recording.audited,
        entity_id,
        body.mention_keys,
        body.reason,
        recording.clock(),
    )
    return SplitResult(entity_id=entity_id, new_entity_id=new_id, moved=sorted(body.mention_keys))
