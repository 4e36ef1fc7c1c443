"""A stalked victim's communications evidence, stored, for the tests of the message view and the
contacts chart (API, pages, browser). Fictional people; numbers in Ofcom's drama range."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from factories import incident, order
from links_factory import resolve_by_name, store
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

VICTIM, SUSPECT = "E-alys", "E-gareth"
NUMBER = "07700 900461"
#: a text only roles that may read content should ever see
SECRET = "I know you are home, I saw your car"
SMS = CommsChannel.sms


def entry(
    when: datetime,
    channel: CommsChannel,
    kind: CommsKind = CommsKind.message,
    text: str | None = None,
    direction: Direction = Direction.incoming,
    sender: str = NUMBER,
    seen: Occurrences | None = None,
) -> Communication:
    hashes = seen or Occurrences()
    who = "Alys Penhallow" if direction is Direction.outgoing else sender
    return Communication(
        file="evidence.csv",
        line=when.day * 100 + when.hour,
        entry=1,
        channel=channel,
        kind=kind,
        timestamp=when,
        sender=who,
        recipients=() if direction is Direction.outgoing else ("Alys Penhallow",),
        direction=direction,
        text=text,
        content_hash=hashes.hash(Content(channel, when, who, kind, None, text)),
    )


def stalked_victim(engine: Engine) -> str:
    """NMO-1 made without notice on 1 Feb 2026 and served on 10 Feb (binds from the 10th,
    Family Law Act 1996 s42A(2)); INC-1 with Alys the victim; 12 contacts from 5 to 14 Feb, 10
    of them once the order bound, and one message of hers. Returns INC-1's record key."""
    store(
        engine,
        order("NMO-1", starts="2026-02-01", served="2026-02-10", on_notice=False),
        incident("INC-1"),
    )
    resolve_by_name(engine, {VICTIM: "Alys Penhallow", SUSPECT: "Gareth Tregothnan"})
    utc = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    seen = Occurrences()
    messages = [
        entry(utc(2026, 2, 5, 12), CommsChannel.whatsapp, text="answer me", seen=seen),
        entry(utc(2026, 2, 6, 12), CommsChannel.whatsapp, text="answer me", seen=seen),
        entry(utc(2026, 2, 10, 12), CommsChannel.sms, text=SECRET, seen=seen),
        entry(utc(2026, 2, 11, 2), CommsChannel.call, CommsKind.missed_call, seen=seen),
        entry(
            utc(2026, 2, 11, 9),
            CommsChannel.whatsapp,
            text="leave me alone",
            seen=seen,
            direction=Direction.outgoing,
        ),
        *(
            entry(
                utc(2026, 2, 12 + n // 3, 8 + n), CommsChannel.sms, text=f"pick up {n}", seen=seen
            )
            for n in range(8)
        ),
    ]
    with writing(engine) as conn:
        key = incident_key(conn, "INC-1")
        assert key is not None
        assert store_communications(conn, key, 1, messages) == len(messages)
    return key
