"""WhatsApp chat exports, Android and iOS, read from fixtures written to WhatsApp's line formats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from threadline.ingest.comms import ReadOptions, parse_whatsapp, read_comms, read_whatsapp
from threadline.ingest.rejection import Rejection
from threadline.model.comms import CommsChannel, CommsKind, Communication, Direction

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"
ANDROID_US = FIXTURES / "WhatsApp Chat with Dan Mercer.txt"
ANDROID_UK = FIXTURES / "android_uk_24h_with_media.txt"
ANDROID_BAD = FIXTURES / "android_malformed.txt"
IOS_UK = FIXTURES / "WhatsApp Chat - Dan Mercer" / "_chat.txt"
IOS_US = FIXTURES / "ios_us_12h_without_media.txt"


def read(path: Path, options: ReadOptions | None = None) -> list[Communication | Rejection]:
    return list(read_whatsapp(path, options or ReadOptions()))


def messages(items: list[Communication | Rejection]) -> list[Communication]:
    return [item for item in items if isinstance(item, Communication)]


def refusals(items: list[Communication | Rejection]) -> list[Rejection]:
    return [item for item in items if isinstance(item, Rejection)]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_android_12h_month_first_export() -> None:
    read_ = read(ANDROID_US)
    assert refusals(read_) == []
    got = messages(read_)
    assert [m.line for m in got] == [1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14]
    assert [m.entry for m in got] == list(range(1, 12))
    assert all(m.channel is CommsChannel.whatsapp for m in got)
    assert all(m.thread == "Dan Mercer" for m in got)  # from the file's name
    first, why = got[0], got[1]
    assert first.kind is CommsKind.system and first.sender is None
    assert first.text is not None and first.text.startswith("Messages and calls are end-to-end")
    # 12/30/23, 11:58 PM is 30 December (month first: 30 cannot be a month), GMT
    assert first.timestamp == utc(2023, 12, 30, 23, 58)
    assert why.sender == "Dan Mercer" and why.text == "Why aren't you answering"
    assert got[2].timestamp == utc(2023, 12, 31, 0, 0)  # 12:00 AM is midnight
    amy = got[5]
    assert amy.sender == "Amy Hollis"
    said = "Please stop messaging me.\nI have told you before.\n\nI will call the police."
    assert amy.text == said
    media, call, subject = got[6], got[7], got[8]
    assert media.kind is CommsKind.media and media.text is None and media.attachments == ()
    assert call.kind is CommsKind.missed_call and call.sender == "Dan Mercer"
    # a system line whose new subject holds ": " is not read as a message from a person
    assert subject.kind is CommsKind.system and subject.sender is None
    assert subject.text == 'Dan Mercer changed the subject from "Us" to "You: mine"'


def test_android_24h_day_first_export_with_media_files() -> None:
    got = messages(read(ANDROID_UK))
    assert [m.kind for m in got] == [
        CommsKind.system,
        CommsKind.media,
        CommsKind.media,
        CommsKind.message,
        CommsKind.message,
    ]
    photo, voice_note = got[1], got[2]
    assert photo.attachments == ("IMG-20231231-WA0001.jpg",)
    assert photo.text == "look who I saw today"  # the caption on the line below
    assert voice_note.attachments == ("PTT-20231231-WA0002.opus",) and voice_note.text is None
    assert got[3].timestamp == utc(2024, 1, 1, 0, 5)  # 01/01/2024, 00:05 (day first)
    assert got[4].text == "07700 900123 is my new number, save it"


def test_ios_24h_export_with_left_to_right_marks() -> None:
    read_ = read(IOS_UK)
    assert refusals(read_) == []
    got = messages(read_)
    assert all(m.thread == "Dan Mercer" for m in got)  # from the unzipped folder's name
    notice, text, photo, missed, call, amy, image, new_number, video, late = got
    assert notice.kind is CommsKind.system and notice.sender is None
    assert "\u200e" not in (notice.text or "")
    assert notice.timestamp == utc(2023, 12, 31, 21, 41, 5)  # seconds are kept
    assert text.text == "where are you"
    assert photo.kind is CommsKind.media
    assert photo.attachments == ("00000012-PHOTO-2023-12-31-21-42-00.jpg",)
    assert (missed.kind, missed.duration) == (CommsKind.missed_call, None)
    assert (call.kind, call.duration) == (CommsKind.call, 12 * 60)
    assert amy.text == "Stop calling me.\nLeave me alone" and amy.line == 6
    assert image.kind is CommsKind.media and image.line == 8
    # the number iOS wraps in U+202A/U+202C is kept as written, without the marks
    assert new_number.sender == "+44 7700 900123"
    assert video.kind is CommsKind.missed_call  # "Video call, No answer"
    assert late.timestamp == utc(2024, 1, 7, 2, 14)


def test_ios_12h_export_with_narrow_spaces_and_summer_time() -> None:
    got = messages(read(IOS_US))
    assert len(got) == 6
    assert got[0].timestamp == utc(2023, 12, 31, 21, 41, 5)  # 9:41:05 PM, U+202F before PM
    assert got[2].kind is CommsKind.media and got[3].kind is CommsKind.media
    assert got[3].timestamp == utc(2024, 1, 1, 0, 0, 1)  # 12:00:01 AM
    assert got[4].timestamp == utc(2024, 1, 1, 12, 30)  # 12:30 PM
    added = got[5]
    assert added.kind is CommsKind.system and added.text == "Dan Mercer added Sam Kerr"
    # 7/1/24 1:15 AM month first is 1 July, British Summer Time: 00:15 UTC
    assert added.timestamp == utc(2024, 7, 1, 0, 15)


def test_bad_lines_are_refused_by_line_and_the_good_ones_kept() -> None:
    read_ = read(ANDROID_BAD)
    assert [m.text for m in messages(read_)] == [
        "first good message",
        "second good message",
        "third good message",
    ]
    found = [(r.file, r.line) for r in refusals(read_)]
    assert found == [("android_malformed.txt", n) for n in (1, 3, 5, 7, 9)]
    reasons = {r.line: r.reason for r in refusals(read_)}
    assert "before the first message header" in reasons[1]
    assert "month must be in 1..12" in reasons[3]
    assert "hour must be in 0..23" in reasons[5]
    assert "starts like a message header" in reasons[7]
    assert reasons[9].endswith("'31/12/2023, 21:4'")  # the file's last line, cut short
    # the line under a refused header belongs to it, not to the message above
    assert messages(read_)[0].text == "first good message"


def test_bytes_that_are_not_utf8_refuse_the_whole_message_they_are_in() -> None:
    data = (
        b"31/12/2023, 21:41 - Dan Mercer: fine\n"
        b"31/12/2023, 21:42 - Dan Mercer: first line\n"
        b"second line \xff\n"
        b"31/12/2023, 21:43 - Dan Mercer: with a NUL \x00 in it\n"
        b"31/12/2023, 21:44 - Dan Mercer: fine again\n"
    )
    read_ = list(parse_whatsapp("chat.txt", data))
    assert [m.text for m in messages(read_)] == ["fine", "fine again"]
    bad = refusals(read_)
    assert [r.line for r in bad] == [2, 4]
    assert "byte 0xff at byte 13 of line 3" in bad[0].reason
    assert "a message of 2 lines" in bad[0].reason
    assert "NUL" in bad[1].reason


def test_windows_line_ends_and_a_byte_order_mark() -> None:
    data = b"\xef\xbb\xbf31/12/2023, 21:41 - Dan Mercer: one\r\ntwo\r\n31/12/2023, 21:42 - A: b\r\n"
    got = messages(list(parse_whatsapp("chat.txt", data)))
    assert [m.text for m in got] == ["one\ntwo", "b"]


def test_date_order_is_inferred_and_can_be_given() -> None:
    ambiguous = b"01/02/2024, 10:00 - Dan Mercer: hi\n"
    # nothing in the file says which: a UK handset writes the day first
    assert messages(list(parse_whatsapp("c.txt", ambiguous)))[0].timestamp == utc(2024, 2, 1, 10)
    month_first = ReadOptions(date_order="mdy")
    got = messages(list(parse_whatsapp("c.txt", ambiguous, month_first)))
    assert got[0].timestamp == utc(2024, 1, 2, 10)
    dotted = b"31.12.23, 21:41 - Dan Mercer: hallo\n"
    assert messages(list(parse_whatsapp("c.txt", dotted)))[0].timestamp == utc(2023, 12, 31, 21, 41)


def test_wall_times_are_read_in_the_given_zone() -> None:
    summer = b"01/07/2024, 21:41 - Dan Mercer: hi\n"
    assert messages(list(parse_whatsapp("c.txt", summer)))[0].timestamp == utc(2024, 7, 1, 20, 41)
    in_utc = ReadOptions(timezone=ZoneInfo("UTC"))
    got = messages(list(parse_whatsapp("c.txt", summer, in_utc)))
    assert got[0].timestamp == utc(2024, 7, 1, 21, 41)
    # 27 October 2024 01:30 happened twice in London; the first (BST) is taken
    twice = b"27/10/2024, 01:30 - Dan Mercer: hi\n"
    assert messages(list(parse_whatsapp("c.txt", twice)))[0].timestamp == utc(2024, 10, 27, 0, 30)


def test_the_owner_gives_each_message_a_direction() -> None:
    got = messages(read(ANDROID_US, ReadOptions(owner="Amy Hollis")))
    from_dan = got[1]
    from_amy = got[5]
    assert (from_dan.direction, from_dan.recipients) == (Direction.incoming, ("Amy Hollis",))
    assert (from_amy.direction, from_amy.recipients) == (Direction.outgoing, ())
    assert got[0].direction is None  # a system line goes neither way


def test_hashes_are_stable_and_keep_repeated_messages_apart() -> None:
    once = [m.content_hash for m in messages(read(ANDROID_US))]
    again = [m.content_hash for m in messages(read(ANDROID_US))]
    assert once == again
    assert len(set(once)) == len(once)  # three "answer me" in the same minute are three
    # the same chat exported later, with an older message first and under another name, gives
    # its messages the same hashes
    data = b"12/29/23, 8:00 PM - Dan Mercer: older\n" + ANDROID_US.read_bytes()
    later = [m.content_hash for m in messages(list(parse_whatsapp("other.txt", data)))]
    assert later[1:] == once


def test_read_comms_picks_the_whatsapp_reader_for_txt() -> None:
    assert [m.content_hash for m in messages(list(read_comms(ANDROID_UK)))] == [
        m.content_hash for m in messages(read(ANDROID_UK))
    ]
    with pytest.raises(ValueError, match="unknown communications file type"):
        read_comms(FIXTURES / "chat.pdf")


def test_call_lines_in_their_other_forms() -> None:
    data = (
        "31/12/2023, 21:41 - Missed voice call from Dan Mercer\n"
        "[31/12/2023, 21:42:00] Dan Mercer: \u200eSilenced voice call\n"
        "[31/12/2023, 21:43:00] Dan Mercer: \u200eVoice call, \u200e1 hr 5 min\n"
        "[31/12/2023, 21:44:00] Dan Mercer: \u200eGroup video call, \u200e45 sec\n"
        "[31/12/2023, 21:45:00] Dan Mercer: voice call me later\n"
    ).encode()
    got = messages(list(parse_whatsapp("c.txt", data)))
    assert [(m.sender, m.kind, m.duration) for m in got] == [
        ("Dan Mercer", CommsKind.missed_call, None),
        ("Dan Mercer", CommsKind.missed_call, None),  # silenced by WhatsApp: not answered
        ("Dan Mercer", CommsKind.call, 3900),
        ("Dan Mercer", CommsKind.call, 45),
        ("Dan Mercer", CommsKind.message, None),  # words about a call are a message
    ]
