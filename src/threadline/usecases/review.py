"""The review queue: pairs of mentions the model was unsure of, and reviewers' judgements.

The API's ``/api/review`` and the dashboard page show the same pairs (:func:`review_pairs`), and
``POST /api/review/judgements`` and the page's buttons record a judgement the same way
(:func:`judge`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.picture import written_name
from threadline.crossref.supervision import at_stake
from threadline.guard.disclosure import disclose_evidence
from threadline.guard.policy import UserRole
from threadline.resolve.review import (
    JUDGEMENTS,
    QueueItem,
    ReviewError,
    open_queue,
    record_judgement,
)
from threadline.store.lookups import mention_summaries, resolved_entity
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, Unprocessable

__all__ = ["JUDGEMENTS", "judge", "review_pairs", "review_queue"]


def _summary(key: str, row: Any | None) -> dict[str, Any]:
    if row is None:
        return {"mention_key": key}
    return {
        "mention_key": row.mention_key,
        "record_key": row.record_key,
        "kind": row.record_key.split(":", 1)[0],
        "ref": row.record_key.rsplit(":", 1)[-1],
        "role": row.role,
        "name": written_name(row.forenames, row.surname, row.description),
        "forenames": row.forenames,
        "surname": row.surname,
        "dob": row.dob,
        "when": row.event_time.isoformat(),
        "entity_id": row.entity_id,
    }


def review_pairs(conn: Connection, items: list[QueueItem], role: UserRole) -> list[dict[str, Any]]:
    """Queued pairs as a reviewer reads them: each mention's name, date of birth, role and
    record, what is at stake, and the evidence in words for ``role``."""
    rows = mention_summaries(conn, {k for i in items for k in (i.mention_a, i.mention_b)})
    return [
        {
            "id": item.id,
            "mention_a": _summary(item.mention_a, rows.get(item.mention_a)),
            "mention_b": _summary(item.mention_b, rows.get(item.mention_b)),
            "match_probability": item.match_probability,
            "at_stake": at_stake(item),
            "evidence": disclose_evidence(item.evidence, role),
            "created_at": item.created_at.isoformat(),
        }
        for item in items
    ]


def review_queue(engine: Engine, auditor: Auditor, limit: int = 100) -> list[dict[str, Any]]:
    """Open pairs, those touching a person in an open alert first, then the most probable
    (:func:`review_pairs`). Reading the queue is audited (it shows people)."""
    with engine.connect() as conn:
        pairs = review_pairs(conn, open_queue(conn, limit), auditor.user.role)
    auditor("review.judge", [], detail={"queue_viewed": len(pairs)})
    return pairs


def judge(
    engine: Engine,
    auditor: Auditor,
    mention_a: str,
    mention_b: str,
    judgement: str,
    now: datetime,
    note: str | None = None,
) -> dict[str, Any]:
    """Judge two mentions the same person, different people, or unsure; kept, attributed, for
    good. Each mention must be resolved to someone (:class:`NotFound` naming it otherwise).
    Audited (``review.judge``) in the transaction that records it."""
    if judgement not in JUDGEMENTS:
        raise Unprocessable(f"a judgement is one of {', '.join(JUDGEMENTS)}", field="judgement")
    with engine.begin() as conn:
        for name, key in (("mention_a", mention_a), ("mention_b", mention_b)):
            if resolved_entity(conn, key) is None:
                raise NotFound(f"mention {key!r} is not resolved to anyone", field=name)
        try:
            outcome = record_judgement(
                conn, mention_a, mention_b, judgement, auditor.user.username, now, note
            )
        except ReviewError as error:
            raise Unprocessable(str(error), field="mention_b") from None
        people = [f"person:{e}" for e in outcome.get("entities", [])]
        auditor.within(
            conn,
            "review.judge",
            [mention_a, mention_b, *people],
            detail={"judgement": judgement, "entity": outcome.get("entity")},
        )
    return {"mention_a": mention_a, "mention_b": mention_b, **outcome}
