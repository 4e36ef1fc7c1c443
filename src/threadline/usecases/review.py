"""The review queue: pairs of mentions the model was unsure of, and reviewers' judgements.

The API's ``/api/review`` and the dashboard page show the same pairs (:func:`review_pairs`), and
``POST /api/review/judgements``, the page's buttons and ``threadline review judge`` record a
judgement the same way (:func:`judge`), in the writers' turn (:func:`threadline.store.writing`):
a judgement moves mentions between people and rewrites the kept parties of their incidents
(``incident_parties``), which a submission beside it may be rewriting too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.picture import written_name
from threadline.crossref.supervision import at_stake
from threadline.guard.disclosure import WITHHELD, disclose_evidence
from threadline.guard.policy import UserRole, sees_contact_details
from threadline.resolve.review import (
    JUDGEMENTS,
    Judgement,
    QueueItem,
    ReviewError,
    open_queue,
    record_judgement,
)
from threadline.resolve.senders import attribute_comms, judge_sender
from threadline.store import writing
from threadline.store.lookups import mention_summaries, resolved_entity
from threadline.store.senders import SENDER_KEY_PREFIX, senders_by_key
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


def _sender_summary(key: str, row: Any, role: UserRole) -> dict[str, Any]:
    """A sender of communications evidence in a mention's place (issue 25): as written (a
    number or handle, withheld from roles that may not see contact details), under the record
    the evidence is attached to."""
    return {
        "mention_key": key,
        "record_key": row.attachment,
        "kind": row.attachment.split(":", 1)[0],
        "ref": row.attachment.rsplit(":", 1)[-1],
        "role": "sender",
        "name": row.sender if sees_contact_details(role) else WITHHELD,
        "forenames": None,
        "surname": None,
        "dob": None,
        "when": row.first_at.isoformat() if row.first_at else row.computed_at.isoformat(),
        "entity_id": None,
    }


def review_pairs(conn: Connection, items: list[QueueItem], role: UserRole) -> list[dict[str, Any]]:
    """Queued pairs as a reviewer reads them: each mention's name, date of birth, role and
    record, what is at stake, and the evidence in words for ``role``. A sender of a victim's
    communications evidence stands in a mention's place (``comms-sender:...``)."""
    keys = {k for i in items for k in (i.mention_a, i.mention_b)}
    rows = mention_summaries(conn, keys)
    senders = senders_by_key(conn, keys)

    def summary(key: str) -> dict[str, Any]:
        if key in senders:
            return _sender_summary(key, senders[key], role)
        return _summary(key, rows.get(key))

    return [
        {
            "id": item.id,
            "mention_a": summary(item.mention_a),
            "mention_b": summary(item.mention_b),
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


@dataclass(frozen=True)
class PairJudgement:
    """A reviewer's judgement on two mentions (or a mention and a sender of communications
    evidence, ``comms-sender:<hash>``): the same person, different people, or unsure, and why."""

    mention_a: str
    mention_b: str
    judgement: str
    note: str | None = None


def judge(engine: Engine, auditor: Auditor, asked: PairJudgement, now: datetime) -> dict[str, Any]:
    """Judge two mentions the same person, different people, or unsure; kept, attributed, for
    good. Each mention must be resolved to someone (:class:`NotFound` naming it otherwise).
    Audited (``review.judge``) in the transaction that records it, in the writers' turn."""
    if asked.judgement not in JUDGEMENTS:
        raise Unprocessable(f"a judgement is one of {', '.join(JUDGEMENTS)}", field="judgement")
    pair = (asked.mention_a, asked.mention_b)
    if any(key.startswith(SENDER_KEY_PREFIX) for key in pair):
        return _judge_sender(engine, auditor, asked, now)
    with writing(engine) as conn:
        for name, key in zip(("mention_a", "mention_b"), pair, strict=True):
            if resolved_entity(conn, key) is None:
                raise NotFound(f"mention {key!r} is not resolved to anyone", field=name)
        try:
            judged = Judgement(*pair, asked.judgement, auditor.user.username, now, asked.note)
            outcome = record_judgement(conn, judged)
        except ReviewError as error:
            raise Unprocessable(str(error), field="mention_b") from None
        people = [f"person:{e}" for e in outcome.get("entities", [])]
        auditor.within(
            conn,
            "review.judge",
            [*pair, *people],
            detail={"judgement": asked.judgement, "entity": outcome.get("entity")},
        )
    return {"mention_a": asked.mention_a, "mention_b": asked.mention_b, **outcome}


def _judge_sender(
    engine: Engine, auditor: Auditor, asked: PairJudgement, now: datetime
) -> dict[str, Any]:
    """Judge whether a sender of communications evidence is the person of a mention: kept in the
    judgements table like any judgement, audited, and the attachment attributed again so that
    the sender's counts follow (``resolve.senders``)."""
    mention_a, mention_b, judgement = asked.mention_a, asked.mention_b, asked.judgement
    sender_first = mention_a.startswith(SENDER_KEY_PREFIX)
    key, mention = (mention_a, mention_b) if sender_first else (mention_b, mention_a)
    key_field, mention_field = (
        ("mention_a", "mention_b") if sender_first else ("mention_b", "mention_a")
    )
    with writing(engine) as conn:
        row = senders_by_key(conn, [key]).get(key)
        if row is None:
            raise NotFound(f"sender {key!r} is not stored", field=key_field)
        entity = resolved_entity(conn, mention)
        if entity is None:
            raise NotFound(f"mention {mention!r} is not resolved to anyone", field=mention_field)
        judged = Judgement(key, mention, judgement, auditor.user.username, now, asked.note)
        outcome = judge_sender(conn, judged)
        auditor.within(
            conn,
            "review.judge",
            [mention, f"person:{entity}", row.attachment],
            detail={"judgement": judgement, "sender": key, "entity": entity},
        )
    attribute_comms(engine, row.attachment, now)
    joined = {"entity": entity} if judgement == "same" else {}
    return {
        "mention_a": mention_a,
        "mention_b": mention_b,
        "entities": [entity],
        **outcome,
        **joined,
    }
