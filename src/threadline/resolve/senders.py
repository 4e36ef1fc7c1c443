"""Attributing and counting the senders of a victim's communications evidence, once stored.

:func:`attribute_comms` reads the attachment's messages, who holds each sender's number or
handle on record, the victim's reports and suspects and the orders protecting her
(:mod:`threadline.store.senders`), decides each sender (:func:`threadline.recognise.attribution.
attribute`), counts its contacts (:func:`threadline.recognise.senders.count_senders`) and stores
one ``comms_senders`` row per sender, replacing the attachment's rows. Run it after an import and
after resolution (``threadline import-comms`` does; ``threadline attribute-comms`` re-runs it).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.recognise.attribution import attribute, sender_identifier
from threadline.recognise.senders import count_senders
from threadline.store.database import writing
from threadline.store.senders import (
    holders_of,
    messages_of,
    orders_protecting,
    replace_sender_rows,
    reports_of_victim,
    victim_of_attachment,
)

__all__ = ["attribute_comms"]


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
    attributions = attribute(messages, holders, suspects, reports)
    counts = count_senders(messages, attributions, reports, orders, victim)
    rows = []
    for a in attributions:
        c = counts.get(a.sender)
        rows.append(
            {
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
    return {
        "victim": victim,
        "senders": len(rows),
        "by_status": dict(Counter(a.status for a in attributions)),
    }
