"""The review queue: pairs of mentions the model was unsure of, and reviewers' judgements."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy import select

from threadline.api.deps import Audited, ClockDep, EngineDep, require
from threadline.api.errors import ApiError, ErrorResponse
from threadline.api.schemas import RequestBody
from threadline.crossref.person import withhold_contact_evidence
from threadline.crossref.supervision import at_stake
from threadline.guard.policy import sees_contact_details
from threadline.guard.users import User
from threadline.model.refs import MENTION_KEY_MAX_LENGTH
from threadline.resolve.review import ReviewError, open_queue, record_judgement
from threadline.store import tables as t

router = APIRouter(tags=["review"])

Reviewer = Annotated[User, require("review.judge")]


def _summaries(conn: Any, keys: set[str]) -> dict[str, dict[str, Any]]:
    m, em = t.mentions, t.entity_members
    rows = conn.execute(
        select(
            m.c.mention_key,
            m.c.record_key,
            m.c.role,
            m.c.forenames,
            m.c.surname,
            m.c.dob,
            m.c.event_time,
            em.c.entity_id,
        )
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.mention_key.in_(sorted(keys)))
    )
    return {
        r.mention_key: {
            "mention_key": r.mention_key,
            "record_key": r.record_key,
            "role": r.role,
            "forenames": r.forenames,
            "surname": r.surname,
            "dob": r.dob,
            "when": r.event_time.isoformat(),
            "entity_id": r.entity_id,
        }
        for r in rows
    }


@router.get("/api/review")
def review_queue(
    user: Reviewer,
    engine: EngineDep,
    audited: Audited,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Open pairs, those touching a person in an open alert first, then the most probable, with
    each mention's name, date of birth, role and record, what is at stake, and the evidence.
    Reading the queue is audited (it shows people)."""
    with engine.connect() as conn:
        items = open_queue(conn, limit)
        summaries = _summaries(conn, {k for i in items for k in (i.mention_a, i.mention_b)})
    plain = sees_contact_details(user.role)
    pairs = [
        {
            "id": item.id,
            "mention_a": summaries.get(item.mention_a, {"mention_key": item.mention_a}),
            "mention_b": summaries.get(item.mention_b, {"mention_key": item.mention_b}),
            "match_probability": item.match_probability,
            "at_stake": at_stake(item),
            "evidence": item.evidence if plain else withhold_contact_evidence(item.evidence),
            "created_at": item.created_at.isoformat(),
        }
        for item in items
    ]
    audited("review.judge", [], detail={"queue_viewed": len(pairs)})
    return {"pairs": pairs}


class JudgementRequest(RequestBody):
    mention_a: str = Field(min_length=1, max_length=MENTION_KEY_MAX_LENGTH)
    mention_b: str = Field(min_length=1, max_length=MENTION_KEY_MAX_LENGTH)
    judgement: Literal["same", "different", "unsure"]
    note: str | None = Field(default=None, max_length=2000)


@router.post(
    "/api/review/judgements",
    status_code=201,
    responses={
        404: {"model": ErrorResponse, "description": "A mention is not resolved to anyone"},
        422: {"model": ErrorResponse, "description": "The judgement cannot be made (named)"},
    },
)
def judge(
    user: Reviewer,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    body: JudgementRequest,
) -> dict[str, Any]:
    """Judge two mentions the same person, different people, or unsure. "same" merges their
    people, "different" splits them apart; the judgement is kept, attributed, for good.
    Audited with the change."""
    now = clock()
    with engine.begin() as conn:
        for name in ("mention_a", "mention_b"):
            key = getattr(body, name)
            found = conn.execute(
                select(t.entity_members.c.entity_id).where(t.entity_members.c.mention_key == key)
            ).first()
            if found is None:
                raise ApiError(404, f"mention {key!r} is not resolved to anyone", field=name)
        try:
            outcome = record_judgement(
                conn, body.mention_a, body.mention_b, body.judgement, user.username, now, body.note
            )
        except ReviewError as error:
            raise ApiError(422, str(error), field="mention_b") from None
        people = [f"person:{e}" for e in outcome.get("entities", [])]
        audited.within(
            conn,
            "review.judge",
            [body.mention_a, body.mention_b, *people],
            detail={"judgement": body.judgement, "entity": outcome.get("entity")},
        )
    return {"mention_a": body.mention_a, "mention_b": body.mention_b, **outcome}
