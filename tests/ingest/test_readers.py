"""A JSON line reads as the standard library reads it, whether it is read at once or later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadline.ingest import read_jsonl
from threadline.ingest.readers import parsed

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
