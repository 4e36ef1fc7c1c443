"""Attributing a victim's senders through the store, on SQLite and PostgreSQL (issue 25, part 2):
her report names his new number, her chat names him, a third number nothing links to anyone goes
to the review queue, and a reviewer's judgement stands over the evidence.

../shared/domain.md: "Non-molestation order breach (Family Law Act 1996 s42A) ... An order made
without notice binds only once the respondent is aware of it (s42A(2))": the contacts counted
against the order start on the day it was served.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from factories import incident, order
from links_factory import resolve_by_name, store
from threadline.crossref import build_picture
from threadline.model.comms import (
    CommsChannel,
    CommsKind,
    Communication,
    Content,
    Direction,
    Occurrences,
)
from threadline.resolve.review import Judgement
from threadline.resolve.senders import attribute_comms, judge_sender
from threadline.store import tables as t
from threadline.store import writing
from threadline.store.comms import incident_key, store_communications
from threadline.store.senders import sender_key

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def sent(
    when: datetime, sender: str, text: str, channel: CommsChannel = CommsChannel.sms, **kw: object
) -> Communication:
    direction = kw.pop("direction", Direction.incoming)
    return Communication(
        file="chat.txt" if channel is CommsChannel.whatsapp else "log.csv",
        line=when.day,
        entry=when.day,
        channel=channel,
        kind=CommsKind.message,
        timestamp=when,
        sender=sender,
        direction=direction,  # type: ignore[arg-type]
        text=text,
        recipients=kw.pop("recipients", ()),  # type: ignore[arg-type]
        content_hash=Occurrences().hash(
            Content(channel, when, sender, CommsKind.message, None, text)
        ),
    )


def day(d: int, hour: int = 12) -> datetime:
    return datetime(2026, 2, d, hour, tzinfo=UTC)


def test_senders_are_attributed_counted_queued_and_judged(engine: Engine) -> None:
    narrative = "She has blocked him; he now texts her from a new number 07700 900456."
    store(
        engine,
        order("NMO-1", starts="2026-02-01", served="2026-02-10", on_notice=False),
        incident("INC-1", narrative=narrative),
    )
    resolve_by_name(engine, {"E-alys": "Alys Penhallow", "E-gareth": "Gareth Tregothnan"})
    wa = CommsChannel.whatsapp
    messages = [
        sent(day(2), "Gareth Tregothnan", "where are you", wa),
        sent(day(3), "Alys Penhallow", "Leave me alone.", wa, direction=Direction.outgoing),
        sent(day(4), "Gareth Tregothnan", "answer me", wa),
        sent(day(9), "07700 900456", "new number, answer me"),
        sent(day(11), "07700 900456", "you can't block me forever"),
        sent(day(12), "07700 900789", "Your parcel is on its way"),
    ]
    with writing(engine) as conn:
        key = incident_key(conn, "INC-1")
        assert key is not None
        store_communications(conn, key, 1, messages)
    outcome = attribute_comms(engine, key, NOW)
    assert outcome["victim"] == "E-alys" and outcome["queued"] == 1
    with engine.connect() as conn:
        rows = {r.sender: r for r in conn.execute(select(t.comms_senders))}
    assert (rows["Gareth Tregothnan"].status, rows["Gareth Tregothnan"].entity_id) == (
        "attributed", "E-gareth",
    )  # fmt: skip
    assert rows["Gareth Tregothnan"].evidence[0]["basis"] == "contact_name"
    new = rows["07700 900456"]
    assert (new.status, new.entity_id) == ("attributed", "E-gareth")
    assert [c["basis"] for c in new.evidence] == ["named_in_report"]
    # told to stop in the chat with him on the 3rd: both his senders count after it
    assert (rows["Gareth Tregothnan"].after_stop, new.after_stop) == (1, 2)
    # the order bound from service on the 10th (s42A(2)): one of the new number's two contacts
    assert new.while_bound == {"NMO-1": 1}
    assert rows["07700 900789"].status == "unattributed"
    with engine.connect() as conn:
        picture = build_picture(conn, "INC-1").to_dict()
        queued = conn.execute(select(t.review_queue)).all()
    victim = next(p for p in picture["people"] if p["role"] == "victim")
    (him,) = victim["communications"]["from_people"]
    assert (him["entity_id"], him["contacts"], him["after_stop"]) == ("E-gareth", 4, 3)
    assert him["while_order_bound"] == {"NMO-1": 1}
    parcel = sender_key(key, "07700 900789")
    assert [(q.mention_a, q.status) for q in queued] == [(parcel, "open")]
    # a reviewer says the parcel number is not his: kept, and it stays nobody's
    with writing(engine) as conn:
        judge_sender(conn, Judgement(parcel, queued[0].mention_b, "different", "sgt-bell", NOW))
    attribute_comms(engine, key, NOW)
    with engine.connect() as conn:
        again = conn.execute(
            select(t.comms_senders).where(t.comms_senders.c.review_key == parcel)
        ).one()
        status = conn.execute(select(t.review_queue.c.status)).scalar_one()
    assert again.status == "unattributed"
    assert again.evidence == [{"basis": "reviewed_different", "entity_id": "E-gareth",
                               "value": "sgt-bell"}]  # fmt: skip
    assert status == "decided"
