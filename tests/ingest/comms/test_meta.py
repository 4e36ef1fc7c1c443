"""Facebook and Instagram message downloads (JSON), from fixtures written to Meta's layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from threadline.ingest.comms import (
    ReadOptions,
    channel_of,
    parse_meta_messages,
    read_comms,
    read_meta_messages,
    repair_mojibake,
)
from threadline.ingest.rejection import Rejection
from threadline.model.comms import CommsChannel, CommsKind, Communication, Direction

FIXTURES = Path(__file__).parent / "fixtures"
FACEBOOK = FIXTURES / "facebook" / "messages" / "inbox" / "danmercer_10158" / "message_1.json"
CUT_SHORT = FIXTURES / "facebook" / "messages" / "inbox" / "danmercer_cut" / "message_1.json"
INSTAGRAM = (
    FIXTURES
    / "instagram"
    / "your_instagram_activity"
    / "messages"
    / "inbox"
    / "dan.mercer_17841"
    / "message_1.json"
)


def split(
    items: list[Communication | Rejection],
) -> tuple[list[Communication], list[Rejection]]:
    return (
        [i for i in items if isinstance(i, Communication)],
        [i for i in items if isinstance(i, Rejection)],
    )


def test_facebook_thread_with_its_text_repaired() -> None:
    got, refused = split(list(read_meta_messages(FACEBOOK)))
    assert len(got) == 7
    assert all(m.channel is CommsChannel.facebook for m in got)
    first = got[0]
    # Meta wrote "Dan Mercér" and "I’m ... 😡" as UTF-8 bytes escaped one by one as Latin-1
    assert first.sender == "Dan Mercér"
    assert first.text == "I\u2019m not going anywhere \U0001f621"
    assert first.thread == "Dan Mercér"  # the title, which comes after the messages
    assert first.recipients == ("Amy Hollis",)
    assert first.timestamp == datetime(2023, 12, 31, 23, 27, tzinfo=UTC)
    photo, missed, video = got[1], got[2], got[3]
    assert photo.kind is CommsKind.media and photo.text is None
    assert photo.attachments == ("messages/inbox/danmercer_10158/photos/413820976_1204.jpg",)
    assert (missed.kind, missed.duration) == (CommsKind.missed_call, 0)
    assert (video.kind, video.duration) == (CommsKind.call, 94)
    assert got[4].sender == "Amy Hollis" and got[4].recipients == ("Dan Mercér",)
    assert got[5].text == "café on the corner, 8pm. Be there"
    assert got[6].kind is CommsKind.system  # "type": "Subscribe"
    # the bad ones are refused, named by the line their "{" is on, and the rest are kept
    assert [(r.line, r.field) for r in refused] == [
        (56, "messages[5].timestamp_ms"),
        (68, "messages[7].sender_name"),
    ]
    assert refused[0].reason == "must be a whole number, not '31/12/2023 23:15'"
    lines = FACEBOOK.read_text().split("\n")
    assert all(lines[m.line - 1].strip() == "{" for m in got)
    assert [m.entry for m in got] == [1, 2, 3, 4, 5, 7, 9]


def test_a_file_cut_short_keeps_the_messages_before_the_cut() -> None:
    got, refused = split(list(read_meta_messages(CUT_SHORT)))
    assert [m.entry for m in got] == [1, 2, 3, 4, 5]
    assert [m.content_hash for m in got] == [
        m.content_hash for m in split(list(read_meta_messages(FACEBOOK)))[0][:5]
    ]
    assert len(refused) == 1
    assert refused[0].line == CUT_SHORT.read_text().count("\n") + 1  # the last line, where it ends
    assert refused[0].reason.startswith("not valid JSON from here on")


def test_instagram_by_its_path() -> None:
    assert channel_of(INSTAGRAM) is CommsChannel.instagram
    assert channel_of(FACEBOOK) is CommsChannel.facebook
    got, refused = split(list(read_comms(INSTAGRAM, ReadOptions(owner="amy.hollis"))))
    assert refused == []
    shared, seen = got
    assert shared.channel is CommsChannel.instagram
    assert shared.kind is CommsKind.media
    assert shared.attachments == ("https://www.instagram.com/p/Cx0000000000/",)
    assert shared.text == "remember this?"  # written with the share
    assert seen.text == "saw your story \U0001f440"
    assert seen.direction is Direction.incoming and seen.recipients == ("amy.hollis",)


def test_mojibake_repair_leaves_real_text_alone() -> None:
    assert repair_mojibake("caf\u00c3\u00a9") == "café"
    assert repair_mojibake("café") == "café"  # é alone is not UTF-8 bytes: kept
    assert repair_mojibake("\u2019 already right") == "\u2019 already right"  # not Latin-1
    assert repair_mojibake("plain") == "plain"


def test_what_is_not_a_message_file_is_refused() -> None:
    def reasons(data: bytes) -> list[tuple[int, str, str]]:
        return [
            (r.line, r.field, r.reason)
            for r in parse_meta_messages("message_1.json", data)
            if isinstance(r, Rejection)
        ]

    assert reasons(b'{"participants": []}') == [
        (1, "messages", "is required (not a Facebook or Instagram message file?)")
    ]
    assert reasons(b"[1, 2]")[0][2].startswith("not valid JSON from here on (expected '{'")
    assert reasons(b"")[0][2].startswith("not valid JSON")
    bad_utf8 = reasons(b'{\n"messages": [\n{"content": "\xff"}]}')
    assert bad_utf8 == [(3, "", "not valid UTF-8: byte 0xff at byte 14 of line 3")]
    surrogate = b'{"messages": [{"sender_name": "a", "timestamp_ms": 1, "content": "\\ud800"}]}'
    assert reasons(surrogate)[0][1] == "messages[0].content"
    trailing = b'{"messages": []} extra'
    assert (
        reasons(trailing)[0][2] == "not valid JSON from here on (more after the end of the object)"
    )
