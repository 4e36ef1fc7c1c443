"""The review queue: pairs of mentions the model was unsure of, and reviewers' judgements
(:mod:`threadline.usecases.review`, which the dashboard page calls too)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from threadline.api.deps import Audited, EngineDep, RecordingDep, require
from threadline.api.errors import error_answer
from threadline.api.responses import JudgementResult, ReviewQueue
from threadline.api.schemas import RequestBody
from threadline.guard.users import User
from threadline.model.refs import MENTION_KEY_MAX_LENGTH
from threadline.usecases import review

router = APIRouter(tags=["review"])

Reviewer = Annotated[User, require("review.judge")]


@router.get("/api/review")
def review_queue(
    user: Reviewer,
    engine: EngineDep,
    audited: Audited,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ReviewQueue:
    """Open pairs, those touching a person in an open alert first, then the most probable, with
    each mention's name, date of birth, role and record, what is at stake, and the evidence.
    Reading the queue is audited (it shows people)."""
    return ReviewQueue.model_validate({"pairs": review.review_queue(engine, audited, limit)})


class JudgementRequest(RequestBody):
    mention_a: str = Field(min_length=1, max_length=MENTION_KEY_MAX_LENGTH)
    mention_b: str = Field(min_length=1, max_length=MENTION_KEY_MAX_LENGTH)
    judgement: Literal["same", "different", "unsure"]
    note: str | None = Field(default=None, max_length=2000)


@router.post(
    "/api/review/judgements",
    status_code=201,
    responses={
        404: error_answer("A mention is not resolved to anyone"),
        422: error_answer("The judgement cannot be made (named)"),
    },
)
def judge(user: Reviewer, recording: RecordingDep, body: JudgementRequest) -> JudgementResult:
    """Judge two mentions the same person, different people, or unsure. "same" merges their
    people, "different" splits them apart; the judgement is kept, attributed, for good.
    Audited with the change."""
    asked = review.PairJudgement(body.mention_a, body.mention_b, body.judgement, body.note)
    outcome = review.judge(recording.engine, recording.audited, asked, recording.clock())
    return JudgementResult.model_validate(outcome)
