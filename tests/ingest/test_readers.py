"""A JSON line reads as the standard library reads it, whether it is read at once or later."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.ingest import read_jsonl
from threadline.ingest.importer import prepare_raw
from threadline.ingest.readers import parsed, read_file

LINES = [
    b'{"kind": "incident", "ref": "INC-1", "people": [{"forenames": "Si\\u00e2n"}]}',
    b'{"ref": "INC-2", "officer": 123456789012345678901234567890}',  # an int, not a float
    b'{"ref": "INC-3", "narrative": NaN}',
    b'\xef\xbb\xbf{"ref": "INC-4"}',  # a byte-order mark
    b'{"ref": "INC-5", "narrative": "\\ud800"}',  # a lone surrogate
    b'{"ref": "INC-6", "a": 1, "a": 2}',
    b'{"ref": "INC-7", "bad json',
    b'{"ref": "\xff"}',
    b"[1, 2]",
    b"   ",
]


@pytest.mark.parametrize("parse", [True, False])
def test_lines_read_as_the_standard_library_reads_them(tmp_path: Path, parse: bool) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\n".join(LINES) + b"\n")
    read = [parsed(raw) for raw in read_jsonl(path, parse=parse)]
    assert [raw.line for raw in read] == list(range(1, len(LINES)))  # the blank line is skipped
    for raw, line in zip(read, LINES, strict=False):
        assert raw.text is None
        try:
            expected = json.loads(line + b"\n")  # the reader keeps the line's end
        except UnicodeDecodeError as error:  # the byte and where it is, counted from 1
            assert raw.data is None
            at = f"byte 0x{line[error.start]:02x} at byte {error.start + 1} of line {raw.line}"
            assert str(raw.error) == f"not valid UTF-8: {at}"
            continue
        except ValueError as error:
            assert raw.data is None and raw.error is not None
            assert str(raw.error) == f"not valid JSON ({error})"
            continue
        if isinstance(expected, dict):
            assert repr(raw.data) == repr(expected)  # repr: NaN is not equal to itself
        else:
            assert raw.data is None and str(raw.error) == "a record must be a JSON object"
    assert type(read[1].data["officer"]) is int  # type: ignore[index]


# --- fuzzing: for any bytes, records or per-line errors, never an exception -------------------

FIELDS = [
    "kind", "ref", "source", "reported_at", "occurred_from", "occurred_to", "channel", "category",
    "closing_category", "qualifiers", "narrative", "officer", "crime_refs", "people", "location",
    "vehicles", "role", "forenames", "surname", "dob", "sex", "phones", "emails", "address",
    "postcode", "text", "registration", "relationship_to_victim", "incident_ref", "answers",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "incident",
            "crime",
            "order",
            "risk_assessment",
            "victim",
            "suspect",
            "2026-03-01T10:00",
            "1991-04-12",
            "07700 900123",
            "ST16 2AB",
            "harassment",
            "999",
            "a@example.org",
        ]
    )  # fmt: skip
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def json_lines(draw: st.DrawFn) -> bytes:
    record = draw(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8))
    if draw(st.booleans()):
        record["kind"] = draw(st.sampled_from(["incident", "crime", "order", "risk_assessment"]))
    line = json.dumps(record).encode()
    cut = draw(st.integers(0, len(line)))
    return draw(
        st.sampled_from([line, line[:cut], line[:cut] + draw(st.binary(max_size=4)) + line[cut:]])
    )


@st.composite
def csv_lines(draw: st.DrawFn) -> bytes:
    cell = st.text(max_size=10) | st.sampled_from(['"', '""', "a,b", '"x"y', "\x00", "\u00e9"])
    cells = draw(st.lists(cell, max_size=9))
    line = ",".join(draw(st.sampled_from([c, f'"{c}"'])) for c in cells).encode()
    return line + draw(st.binary(max_size=3))


CSV_HEADERS = [
    b"ref,reported_at,channel,category,narrative,p1_role,p1_surname,p1_dob,p1_phones",
    b"\xef\xbb\xbfref,category,location,postcode,vehicles,p2_role,p2_forenames,p2_address",
]
EXTREMES = st.one_of(
    st.integers(1, 5000).map(lambda n: b'{"ref": "R", "narrative": ' + b"[" * n + b"]" * n + b"}"),
    st.integers(1, 6000).map(lambda n: b'{"ref": "R", "officer": ' + b"9" * n + b"}"),
    st.integers(1, 6000).map(lambda n: b"R," + b"1e" + b"9" * n + b",999"),
)
ANY_LINE = st.one_of(st.binary(max_size=60), json_lines(), csv_lines(), EXTREMES)
SEPARATORS = st.sampled_from([b"\n", b"\r\n", b"\r", b""])


@st.composite
def files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(ANY_LINE, max_size=8))
    if draw(st.booleans()):
        lines.insert(0, draw(st.sampled_from(CSV_HEADERS)))
    return b"".join(line + draw(SEPARATORS) for line in lines)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
@settings(max_examples=300, deadline=None)
@given(content=files())
def test_any_bytes_read_as_records_or_per_line_errors(suffix: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(content)
        read = list(read_file(path))
        last = 0
        for raw in read:
            assert (raw.data is None) != (raw.error is None)
            assert raw.line > last if suffix == ".jsonl" else raw.line >= last
            last = raw.line
            outcome = prepare_raw(raw)  # validated and turned into rows, or refused
            if isinstance(outcome, list):
                assert outcome and all(r.line == raw.line and r.reason for r in outcome)
