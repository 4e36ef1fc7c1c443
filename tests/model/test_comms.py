"""A communication's record and its content hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from threadline.model.comms import (
    CommsChannel,
    CommsKind,
    Communication,
    Content,
    Occurrences,
    content_hash,
)

AT = datetime(2023, 12, 31, 21, 41, tzinfo=UTC)


def message(**changes: object) -> Communication:
    fields: dict[str, object] = {
        "file": "chat.txt",
        "line": 1,
        "entry": 1,
        "channel": CommsChannel.whatsapp,
        "kind": CommsKind.message,
        "timestamp": AT,
        "sender": "Dan Mercer",
    }
    fields.update(changes)
    return Communication(**fields)  # type: ignore[arg-type]


def test_a_communication_is_in_utc_and_holds_no_nul() -> None:
    assert message().timestamp == AT
    with pytest.raises(ValueError, match="chat.txt:1: a communication's time must be in UTC"):
        message(timestamp=datetime(2023, 12, 31, 21, 41))
    with pytest.raises(ValueError, match="must be in UTC"):
        message(timestamp=AT.astimezone(timezone(timedelta(hours=1))))
    with pytest.raises(ValueError, match="cannot last -1 s"):
        message(duration=-1)
    with pytest.raises(ValueError, match="NUL"):
        message(text="a\x00b")
    with pytest.raises(ValueError, match="NUL"):
        message(recipients=("a\x00",))


def test_the_hash_is_fixed_for_good() -> None:
    """Storage keys messages by this hash: if its definition changes, every message already
    stored would be stored again on the next import. This pins it."""
    got = content_hash(
        Content(CommsChannel.whatsapp, AT, "Dan Mercer", CommsKind.message, None, "answer me"), 0
    )
    assert got == "268fad5246446f3f83e4f00b47636a90"


def test_the_hash_covers_each_field_and_cannot_be_forged_by_splitting() -> None:
    base = (CommsChannel.whatsapp, AT, "Dan", CommsKind.message, None, "hi", (), 0)
    variants = [
        (CommsChannel.sms, *base[1:]),
        (base[0], AT + timedelta(seconds=1), *base[2:]),
        (*base[:2], "Dan ", *base[3:]),
        (*base[:2], None, *base[3:]),
        (*base[:3], CommsKind.media, *base[4:]),
        (*base[:4], 0, *base[5:]),
        (*base[:5], None, *base[6:]),
        (*base[:5], "", *base[6:]),
        (*base[:6], ("a.jpg",), 0),
        (*base[:7], 1),
        # the same characters spread differently over sender and text
        (base[0], AT, "Dan\x00thi", CommsKind.message, None, None, (), 0),
    ]
    hashes = {content_hash(Content(*v[:7]), v[7]) for v in [base, *variants]}
    assert len(hashes) == len(variants) + 1


def test_occurrences_tell_equal_messages_apart_in_order() -> None:
    seen = Occurrences()
    content = Content(CommsChannel.whatsapp, AT, "Dan", CommsKind.message, None, "answer me")
    first, second = seen.hash(content), seen.hash(content)
    other = seen.hash(content._replace(text="other"))
    assert first != second
    assert first == content_hash(content, 0) and second == content_hash(content, 1)
    assert other == content_hash(content._replace(text="other"), 0)
