"""Call and SMS logs (CSV) from a handset download and a communications-data return."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from threadline.ingest.comms import COLUMN_NAMES, ReadOptions, parse_call_log, read_call_log
from threadline.ingest.comms import call_log as call_log_module
from threadline.ingest.rejection import Rejection
from threadline.model.comms import CommsChannel, CommsKind, Communication, Direction

FIXTURES = Path(__file__).parent / "fixtures" / "call_logs"


def split(
    items: list[Communication | Rejection],
) -> tuple[list[Communication], list[Rejection]]:
    return (
        [i for i in items if isinstance(i, Communication)],
        [i for i in items if isinstance(i, Rejection)],
    )


def test_handset_log_of_calls_and_texts() -> None:
    got, refused = split(list(read_call_log(FIXTURES / "handset_call_sms_log.csv")))
    answered, withheld, missed, text_in, text_out, to_mum = got
    assert (answered.channel, answered.kind) == (CommsChannel.call, CommsKind.call)
    assert answered.sender == "07700 900123" and answered.direction is Direction.incoming
    assert answered.duration == 73  # 0:01:13
    assert answered.timestamp == datetime(2023, 12, 31, 21, 41, 5, tzinfo=UTC)
    assert withheld.kind is CommsKind.withheld_call and withheld.sender == "Withheld"
    assert missed.kind is CommsKind.missed_call
    assert (text_in.channel, text_in.kind) == (CommsChannel.sms, CommsKind.message)
    assert text_in.text == "Pick up.\nI know you're home" and text_in.line == 5
    assert text_out.direction is Direction.outgoing and text_out.recipients == ("07700 900123",)
    assert text_out.sender is None  # the handset's owner was not given
    assert to_mum.duration == 245 and to_mum.text is None
    assert [(r.line, r.field) for r in refused] == [
        (9, "Date and Time"),
        (10, "Type, Direction, Status"),
        (11, "Duration"),
        (12, "Date and Time"),
        (13, ""),
    ]
    reasons = [r.reason for r in refused]
    assert "day is out of range for month" in reasons[0]
    assert reasons[1] == "does not say whether the contact was incoming or outgoing"
    assert reasons[2] == "'twelve' is not a duration (seconds, or h:mm:ss)"
    assert reasons[3] == "is required"
    assert reasons[4].startswith("not readable as CSV")  # a quote never closed at the end


def test_communications_data_return_with_a_and_b_numbers() -> None:
    owner = ReadOptions(owner="07700 900456")
    got, refused = split(list(read_call_log(FIXTURES / "comms_data_return.csv", owner)))
    assert refused == []
    call, text, withheld, outgoing = got
    assert (call.sender, call.recipients) == ("447700900123", ("447700900456",))
    assert call.direction is Direction.incoming  # to the owner, written another way
    assert call.timestamp == datetime(2024, 7, 1, 22, 41, 5, tzinfo=UTC)  # BST
    assert text.channel is CommsChannel.sms and text.text is None
    assert withheld.kind is CommsKind.withheld_call
    assert outgoing.direction is Direction.outgoing and outgoing.duration == 30
    # without the owner the direction is not known: MOC says the A number called
    unowned, _ = split(list(read_call_log(FIXTURES / "comms_data_return.csv")))
    assert {m.direction for m in unowned} == {None}


def test_month_first_log_with_utc_offsets_written() -> None:
    path = FIXTURES / "us_extraction_calls.csv"
    got, refused = split(list(read_call_log(path, ReadOptions(date_order="mdy"))))
    assert refused == []
    assert got[0].timestamp == datetime(2023, 12, 31, 21, 41, 5, tzinfo=UTC)
    assert got[1].timestamp == datetime(2024, 7, 1, 22, 41, 5, tzinfo=UTC)  # (UTC+1)
    assert got[1].kind is CommsKind.withheld_call  # "Private Number"
    assert got[2].timestamp == datetime(2024, 7, 1, 22, 45, tzinfo=UTC)  # ISO with +01:00
    assert [m.duration for m in got] == [12, 0, 120]


def test_a_log_without_a_time_or_number_is_refused_at_its_header() -> None:
    refused = list(read_call_log(FIXTURES / "unknown_header.csv"))
    assert refused == [
        Rejection("unknown_header.csv", 1, "", "no column for a time (Timestamp, or Date and Time)")
    ]
    no_number = list(parse_call_log("log.csv", b"Timestamp,Direction\n2024-01-01 10:00,In\n"))
    assert isinstance(no_number[0], Rejection)
    assert no_number[0].reason == "no column for a number (Number, or From and To)"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("Timestamp,Direction,Number,Duration", "2024-01-01 10:00:00,Incoming,07700 900123,5"),
        ("date_time,call_type,phone_number,duration_seconds", "01/01/2024 10:00,IN,07700900123,5"),
        (
            "Start Time;Call Direction;Other Party;Call Duration",
            "2024-01-01T10:00;in;07700900123;5",
        ),
        ("Date\tTime\tType\tNumber\tDuration", "01/01/2024\t10:00\tIncoming call\t07700900123\t5s"),
        ("From,To,Date/Time,Length", "07700900123,07700900456,2024-01-01 10:00,0:05"),
    ],
)
def test_header_variants(header: str, row: str) -> None:
    got = list(parse_call_log("log.csv", f"{header}\n{row}\n".encode()))
    assert len(got) == 1 and isinstance(got[0], Communication), got
    assert got[0].timestamp == datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert got[0].duration == 5 and got[0].kind is CommsKind.call
    assert "07700" in (got[0].sender or "")


def test_every_accepted_header_is_in_the_documentation() -> None:
    doc = " ".join((call_log_module.__doc__ or "").lower().split())
    for role, names in COLUMN_NAMES.items():
        for name in names:
            written = name.replace(" ", "")
            assert written in doc.replace(" ", "").replace("/", "").replace("(", "").replace(
                ")", ""
            ).replace(":", ""), f"{role}: {name!r} is accepted but not documented"


def test_a_row_that_is_neither_call_nor_text_is_refused() -> None:
    data = b"Timestamp,Direction,Number\n2024-01-01 10:00,Incoming,07700900123\n"
    got = list(parse_call_log("log.csv", data))
    assert isinstance(got[0], Rejection)
    assert got[0].reason == "cannot tell a call from a text: no type, duration or text"
