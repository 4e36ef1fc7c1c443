"""Attributing and counting the senders of a victim's communications evidence, once stored.

:func:`attribute_comms` reads the attachment's messages, who holds each sender's number or
handle on record, the victim's reports and suspects and the orders protecting her
(:mod:`threadline.store.senders`), decides each sender (:func:`threadline.recognise.attribution.
attribute`), counts its contacts (:func:`threadline.recognise.senders.count_senders`) and stores
one ``comms_senders`` row per sender, replacing the attachment's rows. A sender not decided goes
to the review queue against each person it could be (a sender's key, ``comms-sender:...``, in a
mention's place); a reviewer's judgement (:func:`judge_sender`, through
``usecases.review.judge``) is kept in the judgements table and stands over the evidence the next
time the attachment is attributed. Run it after an import and after resolution
(``threadline import-comms`` does; ``threadline attribute-comms`` re-runs it).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.recognise.attribution import Clue, attribute, sender_identifier
from threadline.recognise.senders import count_senders
from threadline.resolve.explain import NOTE, Evidence, Sentence
from threadline.resolve.review import Judgement, keep_judgement, queue_pairs
from threadline.store.database import writing
from threadline.store.senders import (
    holders_of,
    messages_of,
    orders_protecting,
    replace_sender_rows,
    reports_of_victim,
    sender_judgements,
    sender_key,
    victim_of_attachment,
)

__all__ = ["attribute_comms", "judge_sender"]

#: Where a sender stands in the review queue: some evidence but not enough, or none at all.
REVIEW_PROBABILITY = {"review": 0.5, "unattributed": 0.05}


def attribute_comms(engine: Engine, attachment: str, now: datetime) -> dict[str, Any]:
    """Attribute and count the senders stored under ``attachment``; returns how many senders
    ended in each status and the victim it was done for."""
    with engine.connect() as conn:
        messages = messages_of(conn, attachment)
        victim = victim_of_attachment(conn, attachment)
        reports, suspects = reports_of_victim(conn, victim) if victim else ([], [])
        orders = orders_protecting(conn, victim) if victim else []
        values = set()
        for m in messages:
            kind, value = sender_identifier(m.sender, m.channel)
            if value is not None and kind in ("phone", "handle"):
                values.add(value)
                if kind == "phone":
                    values.add(f"whatsapp:{value}")
        holders = holders_of(conn, values)
        senders = {m.sender or "" for m in messages}
        keys = {sender_key(attachment, sender): sender for sender in senders}
        judged = {keys[k]: j for k, j in sender_judgements(conn, keys).items()}
    attributions = attribute(messages, holders, suspects, reports, judged)
    counts = count_senders(messages, attributions, reports, orders, victim)
    rows = []
    queue: list[tuple[str, str, float, list[str]]] = []
    for a in attributions:
        c = counts.get(a.sender)
        key = sender_key(attachment, a.sender)
        if a.status in ("review", "unattributed") and a.sender not in judged:
            probability = REVIEW_PROBABILITY[a.status]
            pieces: list[str] = [_piece(clue) for clue in a.clues]
            queue.extend((key, m, probability, pieces) for m in a.candidate_mentions.values())
        rows.append(
            {
                "review_key": key,
                "sender": a.sender,
                "kind": a.kind,
                "value": a.value,
                "status": a.status,
                "entity_id": a.entity_id,
                "mention_key": a.mention_key,
                "victim": victim,
                "evidence": [clue.to_json() for clue in a.clues],
                "candidates": list(a.candidates),
                "contacts": c.contacts if c else 0,
                "first_at": c.first_at if c else None,
                "last_at": c.last_at if c else None,
                "night": c.night if c else 0,
                "told_to_stop_at": c.told_to_stop_at if c else None,
                "after_stop": c.after_stop if c else 0,
                "while_bound": c.while_bound if c else {},
                "detail": c.to_json() if c else {},
                "computed_at": now,
            }
        )
    with writing(engine) as conn:
        replace_sender_rows(conn, attachment, rows)
        queued = queue_pairs(conn, queue, now)
    return {
        "victim": victim,
        "senders": len(rows),
        "by_status": dict(Counter(a.status for a in attributions)),
        "queued": queued,
    }


def _piece(clue: Clue) -> Sentence:
    """A clue as a piece of review evidence (``resolve.explain.Evidence``): its words, and its
    words without numbers and handles for roles that may not see contact details."""
    return Sentence(
        Evidence(
            NOTE, text=clue.sentence(), withheld=clue.sentence(withhold=True), contact=clue.contact
        )
    )


def judge_sender(conn: Connection, judged: Judgement) -> dict[str, Any]:
    """Record a reviewer's judgement on a sender (``judged.a``, its key) and a person's mention
    (``judged.b``): kept, attributed, append-only, in the judgements table like any other; the
    pair leaves the queue. The attribution follows when the attachment is attributed again
    (:func:`attribute_comms`, which the caller runs once this commits)."""
    keep_judgement(conn, judged)
    return {"judgement": judged.judgement}
