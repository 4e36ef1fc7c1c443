"""Communications evidence (:mod:`threadline.usecases.communications`): a person's or an
incident's messages and calls, counted per day and listed with filters. Needs
``communications.view`` and a purpose; what the messages say is shown only to roles with
``communications.content``, and every look is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from threadline.api.deps import ActingDep, require
from threadline.api.errors import error_answer
from threadline.api.responses import CommunicationsPage
from threadline.api.routes.people import EntityPath
from threadline.api.schemas import IsoDate
from threadline.api.segments import RefPath
from threadline.guard.users import User
from threadline.model.comms import CommsChannel
from threadline.usecases import communications
from threadline.usecases.communications import MAX_LIMIT, MessageFilters

router = APIRouter(tags=["communications"])

Viewer = Annotated[User, require("communications.view")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: error_answer("No such person or incident"),
    422: error_answer("A filter is wrong (named)"),
}
Channel = Annotated[CommsChannel | None, Query(description="The service it went over")]
Sender = Annotated[
    str | None,
    Query(max_length=200, description="A sender as the export writes it ('' for none given)"),
]
From = Annotated[IsoDate | None, Query(alias="from", description="First local day, YYYY-MM-DD")]
To = Annotated[IsoDate | None, Query(alias="to", description="Last local day, YYYY-MM-DD")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


async def message_filters(
    channel: Channel = None,
    sender: Sender = None,
    first: From = None,
    last: To = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> MessageFilters:
    """The filters and page of a communications read, from its query."""
    return MessageFilters(channel and channel.value, sender, first, last, offset, limit)


Filters = Annotated[MessageFilters, Depends(message_filters)]


@router.get("/api/people/{entity_id}/communications", responses=_ERRORS)
def person_communications(
    user: Viewer, acting: ActingDep, entity_id: EntityPath, filters: Filters
) -> CommunicationsPage:
    """A person's communications evidence (stored under them, their mentions and the incidents
    in which they are the victim): contacts per day and channel, per sender, the orders they
    are party to, and a page of the messages in time order. Content withheld from roles that
    may not read it; audited with the purpose."""
    found = communications.person_communications(
        acting.engine, acting.audited, entity_id, acting.purpose, filters
    )
    return CommunicationsPage.model_validate(found)


@router.get("/api/incidents/{ref}/communications", responses=_ERRORS)
def incident_communications(
    user: Viewer, acting: ActingDep, ref: RefPath, filters: Filters
) -> CommunicationsPage:
    """An incident's communications evidence (stored under it and its people's mentions), as
    for a person; the orders are those protecting its victims."""
    found = communications.incident_communications(
        acting.engine, acting.audited, ref, acting.purpose, filters
    )
    return CommunicationsPage.model_validate(found)
