"""The person's picture carries a `communications` summary: the victim's stored messages counted,
with the contacts on days an order protecting her bound (from service, s42A(2))."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

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
from threadline.store import writing
from threadline.store.comms import incident_key, store_communications


def message(when: datetime, direction: Direction = Direction.incoming) -> Communication:
    sender = "Gareth" if direction is Direction.incoming else "Alys"
    return Communication(
        file="chat.txt",
        line=when.day,
        entry=when.day,
        channel=CommsChannel.whatsapp,
        kind=CommsKind.message,
        timestamp=when,
        sender=sender,
        direction=direction,
        text="answer me",
        content_hash=Occurrences().hash(
            Content(CommsChannel.whatsapp, when, sender, CommsKind.message, None, "answer me")
        ),
    )


def test_the_victim_s_picture_counts_her_messages_and_those_while_the_order_bound(
    engine: Engine,
) -> None:
    store(
        engine,
        order("NMO-1", starts="2026-02-01", served="2026-02-10", on_notice=False),
        incident("INC-1"),
    )
    resolve_by_name(engine, {"E-alys": "Alys Penhallow", "E-gareth": "Gareth Tregothnan"})
    with writing(engine) as conn:
        key = incident_key(conn, "INC-1")
        assert key is not None
        stored = store_communications(
            conn,
            key,
            1,
            [
                message(datetime(2026, 2, 5, 12, tzinfo=UTC)),  # granted, not yet served
                message(datetime(2026, 2, 10, 12, tzinfo=UTC)),  # the day of service
                message(datetime(2026, 2, 11, 2, tzinfo=UTC)),  # bound, at night
                message(datetime(2026, 2, 11, 9, tzinfo=UTC), Direction.outgoing),  # hers
            ],
        )
        assert stored == 4
    with engine.connect() as conn:
        picture = build_picture(conn, "INC-1")
    people = {p.role: p for p in picture.people}
    summary = people["victim"].communications
    assert summary is not None
    assert summary["total"] == 3
    assert summary["per_channel"] == {"whatsapp": 3}
    assert summary["while_order_bound"] == {"NMO-1": 2}
    assert summary["night"] == 1
    assert summary["bursts"] == []
    assert "50 or more contacts within 60 minutes" == summary["burst_rule"]
    assert people["suspect"].communications is None  # attribution to him is a later step
    as_data = {p["role"]: p for p in picture.to_dict()["people"]}
    assert as_data["victim"]["communications"]["while_order_bound"] == {"NMO-1": 2}
    assert "Gareth" not in str(as_data["victim"]["communications"])  # no senders in the picture
