"""No bytes make a communications reader raise: whatever the file, each entry is read or refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.ingest.comms import parse_call_log, parse_meta_messages, parse_whatsapp
from threadline.ingest.rejection import Rejection
from threadline.model.comms import Communication

Reader = Callable[[str, bytes], Iterator[Communication | Rejection]]
READERS: list[Reader] = [parse_whatsapp, parse_meta_messages, parse_call_log]

#: Pieces of each format, so that the fuzzer reaches past the first check of each reader.
PIECES = [
    "12/31/23, 9:41 PM - ",
    "31/12/2023, 21:41 - ",
    "[31/12/2023, 21:41:05] ",
    "\u200e[12/31/23, 9:41:05\u202fPM] ",
    "99/99/9999, 99:99 - ",
    "Dan Mercer: ",
    "\u200e",
    "\u202a+44 7700 900123\u202c: ",
    "<Media omitted>",
    "\u200eimage omitted",
    "<attached: a.jpg>",
    "x.jpg (file attached)",
    "Missed voice call",
    "Voice call, \u200e12 min",
    " changed the subject from ",
    "\n",
    "\r\n",
    "\x00",
    '{"messages": [',
    '{"sender_name": "D\\u00c3\\u00a9", "timestamp_ms": 1704065220000, "content": "x"}',
    '"timestamp_ms": 99999999999999999999',
    '"call_duration": -1, "type": "Call"',
    '"photos": [{"uri": 5}]',
    ", ",
    "]}",
    "Date,Time,Direction,Number,Duration,Body\n",
    "From;To;Timestamp;Event Type\n",
    "31/12/2023,21:41:05,Incoming,07700 900123,0:01:13,hi\n",
    '2024-01-01T10:00+25:00,"',
    "(UTC+99)",
    "MOC",
    "Withheld",
]
FORMAT_LIKE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)


def check(reader: Reader, data: bytes) -> None:
    for item in reader("fuzzed", data):
        assert isinstance(item, Communication | Rejection)
        assert item.file == "fuzzed" and item.line >= 1
        if isinstance(item, Rejection):
            assert item.reason
        else:
            assert item.timestamp.utcoffset() is not None
            assert len(item.content_hash) == 32


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(READERS))
def test_no_bytes_make_a_reader_raise(data: bytes, reader: Reader) -> None:
    check(reader, data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMAT_LIKE, st.sampled_from(READERS))
def test_nothing_shaped_like_an_export_makes_a_reader_raise(data: bytes, reader: Reader) -> None:
    check(reader, data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(READERS))
def test_no_text_makes_a_reader_raise(text: str, reader: Reader) -> None:
    check(reader, text.encode("utf-8", "surrogatepass"))
