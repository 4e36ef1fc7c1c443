"""Reading import files into raw records: JSON Lines (canonical) and CSV (flat incident exports).

A reader yields one :class:`RawRecord` per line or row, with the file and line it came from, so
that every rejection can name its place. Readers do not validate; :mod:`threadline.model` does.

A reader never stops at a bad line: whatever the bytes (invalid UTF-8, a NUL, a line longer than
:data:`MAX_LINE_BYTES`, nesting deeper than :data:`MAX_DEPTH`, a number of 5,000 digits, a
quote never closed, a truncated last line), that line or row comes as a :class:`RawRecord` with
its error, and the lines after it are read as usual.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from threadline.model.kinds import IdentifierKind, kind_of_column
from threadline.model.validation import FieldProblem, RecordError


@dataclass(frozen=True)
class RawRecord:
    """One record as read: a dict, or the reason it could not be read at all."""

    file: str
    line: int
    data: dict[str, Any] | None
    error: RecordError | None = None
    #: bytes of the file read so far, for progress bars
    offset: int = 0
    #: maps a model field path back to where it was in the file (CSV column names)
    columns: dict[str, str] | None = None
    #: the line as read, while it is still to be parsed (:func:`parsed`)
    text: bytes | None = None


#: A run of digits too long for a 64-bit integer: orjson would read it as a float.
_LONG_NUMBER = re.compile(rb"\d{19}")
#: The longest line (JSON Lines) or physical line (CSV) read; a longer one is refused unread.
MAX_LINE_BYTES = 4 * 1024 * 1024
#: How deep arrays and objects may nest in one record (a real record needs four or five).
MAX_DEPTH = 64


def _refused(raw: RawRecord, field: str, reason: str) -> RawRecord:
    problem = FieldProblem(field, reason)
    return RawRecord(raw.file, raw.line, None, RecordError([problem]), raw.offset, raw.columns)


def _too_deep(data: Any) -> bool:
    """Whether ``data`` nests arrays and objects more than :data:`MAX_DEPTH` deep."""
    level: list[Any] = [data]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for value in level
            if isinstance(value, dict | list)
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def invalid_utf8(line: bytes, number: int) -> str:
    """Where ``line`` (line ``number`` of its file) stops being UTF-8, in words."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = line[error.start]
        return f"not valid UTF-8: byte 0x{byte:02x} at byte {error.start + 1} of line {number}"
    return ""


def _json_loads(line: bytes) -> Any:
    """The standard library's reading of a JSON line, by orjson where that reads it the same.

    orjson is several times faster but not the same on every line: it reads an integer too big
    for 64 bits as a float and refuses what the standard library accepts (NaN, a byte-order mark,
    a lone surrogate). Those lines, and any it cannot read, go to the standard library, which
    also words the error.
    """
    if _LONG_NUMBER.search(line) is None:
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            pass
    return json.loads(line)


def parsed(raw: RawRecord) -> RawRecord:
    """``raw`` with its line read as JSON (or why it cannot be); as it is if already read."""
    if raw.text is None:
        return raw
    try:
        data = _json_loads(raw.text)
    except UnicodeDecodeError as error:  # or JSON's reading of it as UTF-16 or UTF-32
        reason = invalid_utf8(raw.text, raw.line) or f"not valid JSON ({error})"
        return _refused(raw, "", reason)
    except RecursionError:
        return _refused(raw, "", f"not valid JSON (nested more than {MAX_DEPTH} levels deep)")
    except ValueError as error:  # JSONDecodeError, or an integer of more than 4,300 digits
        reason = str(error)
        if "integer string conversion" in reason:
            reason = f"a number longer than {sys.get_int_max_str_digits()} digits"
        return _refused(raw, "", f"not valid JSON ({reason})")
    if not isinstance(data, dict):
        return _refused(raw, "", "a record must be a JSON object")
    if (raw.text.count(b"[") + raw.text.count(b"{") > MAX_DEPTH) and _too_deep(data):
        return _refused(raw, "", f"nested more than {MAX_DEPTH} levels deep")
    if b"\\u0000" in raw.text:  # written as an escape: a bare NUL byte is not valid JSON
        problems = [FieldProblem(path, "contains a NUL character") for path in _nul_paths(data)]
        if problems:
            return RawRecord(
                raw.file, raw.line, None, RecordError(problems), raw.offset, raw.columns
            )
    return RawRecord(raw.file, raw.line, data, None, raw.offset, raw.columns)


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """Where ``value`` holds a NUL character (PostgreSQL cannot store one in text), as model
    field paths (``people[0].surname``); a key holding one is named by its parent."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _nul_paths(item, f"{path}[{i}]")]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if "\x00" in key:
                found.append(path)
                continue
            found += _nul_paths(item, f"{path}.{key}" if path else key)
        return found
    return []


def _lines(handle: Any) -> Iterator[tuple[bytes | None, int]]:
    """Each line of a binary file with the bytes read so far; a line longer than
    :data:`MAX_LINE_BYTES` comes as ``None``, skipped without holding it in memory."""
    offset = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        offset += len(line)
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_LINE_BYTES)
                offset += len(line)
            yield None, offset
            continue
        yield line, offset


def read_jsonl(path: Path, *, parse: bool = True) -> Iterator[RawRecord]:
    """Each non-blank line a JSON object.

    With ``parse=False`` each line comes as text, to be read by :func:`parsed` later (the
    importer has worker processes do it).
    """
    name = path.name
    with path.open("rb") as handle:
        for number, (line, offset) in enumerate(_lines(handle), start=1):
            if line is None:
                problem = FieldProblem("", f"line longer than {MAX_LINE_BYTES} bytes")
                yield RawRecord(name, number, None, RecordError([problem]), offset)
                continue
            if not line.strip():
                continue
            raw = RawRecord(name, number, None, None, offset, text=line)
            yield parsed(raw) if parse else raw


# --- CSV: one incident per row, people in numbered column groups p1_..., p2_... ---------------

INCIDENT_COLUMNS = {
    "source",
    "ref",
    "reported_at",
    "occurred_from",
    "occurred_to",
    "channel",
    "category",
    "closing_category",
    "qualifiers",
    "location",
    "postcode",
    "narrative",
    "officer",
    "crime_refs",
    "vehicles",
}
PERSON_COLUMNS = {
    "role",
    "forenames",
    "surname",
    "dob",
    "sex",
    "address",
    "postcode",
    "phones",
    "emails",
    "relationship",
    "description",
}
_PERSON_COLUMN = re.compile(r"^p(\d+)_(\w+)$")
#: Multi-valued cells are separated by semicolons.
LIST_SEPARATOR = ";"


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def csv_header_problems(header: list[str]) -> list[str]:
    """Columns that the CSV layout does not know (named, so the user can fix the export)."""
    unknown = []
    for column in header:
        match = _PERSON_COLUMN.match(column)
        if column in INCIDENT_COLUMNS:
            continue
        if match and (match[2] in PERSON_COLUMNS or _generic_kind(match[2]) is not None):
            continue
        unknown.append(column)
    return unknown


def _generic_kind(column: str) -> IdentifierKind | None:
    """The identifier kind a ``p<n>_<column>`` cell holds when the kind has no list of its own
    on a person (an IMEI: ``p1_imeis``); its values go to the person's ``identifiers``."""
    kind = kind_of_column(column)
    return kind if kind is not None and kind.field is None else None


def csv_row_to_record(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A flat CSV row as an incident record, and where each field came from."""
    record: dict[str, Any] = {"kind": "incident"}
    columns: dict[str, str] = {}
    people: dict[int, dict[str, Any]] = {}
    for column, raw in row.items():
        cell = (raw or "").strip()
        if not cell or column is None:
            continue
        match = _PERSON_COLUMN.match(column)
        if match:
            index = int(match[1]) - 1
            name = match[2]
            person = people.setdefault(index, {})
            if name == "address":
                person.setdefault("address", {})["text"] = cell
                field = "address.text"
            elif name == "postcode":
                person.setdefault("address", {})["postcode"] = cell
                field = "address.postcode"
            elif name in ("phones", "emails"):
                person[name] = _split(cell)
                field = name
            elif (kind := _generic_kind(name)) is not None:
                ids = person.setdefault("identifiers", [])
                ids += [{"kind": kind.name, "value": value} for value in _split(cell)]
                field = "identifiers"
            elif name == "relationship":
                person["relationship_to_victim"] = cell
                field = "relationship_to_victim"
            else:
                person[name] = cell
                field = name
            columns[f"people[{index}].{field}"] = column
            continue
        if column == "location":
            record.setdefault("location", {})["text"] = cell
            columns["location.text"] = column
        elif column == "postcode":
            record.setdefault("location", {})["postcode"] = cell
            columns["location.postcode"] = column
        elif column in ("qualifiers", "crime_refs"):
            record[column] = _split(cell)
            columns[column] = column
        elif column == "vehicles":
            record["vehicles"] = [{"registration": reg} for reg in _split(cell)]
            columns["vehicles"] = column
        else:
            record[column] = cell
            columns[column] = column
    if people:
        ordered = [people[i] for i in sorted(people)]
        # renumber so a gap (p1, p3) still yields a list; remember where each came from
        for new_index, old_index in enumerate(sorted(people)):
            if new_index != old_index:
                for key in list(columns):
                    prefix = f"people[{old_index}]."
                    if key.startswith(prefix):
                        columns[f"people[{new_index}]." + key[len(prefix) :]] = columns.pop(key)
        record["people"] = ordered
    return record, columns


class PhysicalLines:
    """The lines of a CSV file as text for :mod:`csv`, counted, with what is wrong with each.

    A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``. Bytes that are not UTF-8 are kept as
    surrogates (``surrogateescape``), so that :mod:`csv` reads on and the row they fall in can
    be refused; a line longer than :data:`MAX_LINE_BYTES` is skipped and read as blank. What is
    wrong is kept by line number in :attr:`problems` until the reader takes it.
    """

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.number = 0
        self.offset = 0
        self.problems: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for line, offset in _lines(self.handle):
            self.offset = offset
            if line is None:
                self.number += 1
                self.problems[self.number] = (
                    f"line {self.number} is longer than {MAX_LINE_BYTES} bytes"
                )
                yield "\n"
                continue
            if self.number == 0 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]  # a byte-order mark
            for piece in _split_lone_cr(line):
                self.number += 1
                try:
                    yield piece.decode("utf-8")
                except UnicodeDecodeError:
                    self.problems[self.number] = invalid_utf8(piece, self.number)
                    yield piece.decode("utf-8", "surrogateescape")

    def take(self, first: int, last: int) -> list[str]:
        """What is wrong with lines ``first`` to ``last``, forgotten once taken."""
        return [self.problems.pop(n) for n in range(first, last + 1) if n in self.problems]

    def rows(
        self, reader: Iterator[list[str]]
    ) -> Iterator[tuple[int, list[str] | None, list[str]]]:
        """Each row ``reader`` (a :func:`csv.reader` over these lines) reads: the line it starts
        on, its cells (None where it is not readable as CSV) and what is wrong with its lines
        (for an unreadable row, that first)."""
        while True:
            first = self.number + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield (
                    first,
                    None,
                    [f"not readable as CSV ({error})", *self.take(first, self.number)],
                )
                continue
            yield first, cells, self.take(first, self.number)


_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


def _split_lone_cr(line: bytes) -> list[bytes]:
    if b"\r" not in line[:-1]:
        return [line]
    return [piece for piece in _LONE_CR.split(line) if piece]


_ESCAPED = re.compile("[\udc80-\udcff]")


def _cell_problems(header: list[str], cells: list[str], found: list[str]) -> list[FieldProblem]:
    """What is wrong with a row's cells: bytes that are not UTF-8 (``found``, by line), NULs."""
    problems = []
    for column, cell in zip(header, cells, strict=False):
        if "\x00" in cell:
            problems.append(FieldProblem(column, "contains a NUL byte"))
    if found:
        bad = [column for column, cell in zip(header, cells, strict=False) if _ESCAPED.search(cell)]
        for reason in found:
            problems.append(FieldProblem(", ".join(bad), reason))
    return problems


def read_csv(path: Path) -> Iterator[RawRecord]:
    """A flat incident export: a header, then one incident per row (docs/import-format.md).

    A row is numbered by the line it starts on."""
    name = path.name
    with path.open("rb") as handle:
        lines = PhysicalLines(handle)
        # strict: a file cut short inside a quoted cell is an error, not a shorter cell
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, [])
        except csv.Error as error:
            header, unreadable = [], str(error)
        else:
            unreadable = ""
        found = lines.take(1, lines.number)
        problems = [
            FieldProblem(column, "is not a known column") for column in csv_header_problems(header)
        ]
        problems += [FieldProblem("", reason) for reason in found]
        if unreadable:
            problems.append(FieldProblem("", f"the header is not readable as CSV ({unreadable})"))
        if problems:
            yield RawRecord(name, 1, None, RecordError(problems))
            return
        for first, cells, found in lines.rows(reader):
            if cells is None:
                problems = [FieldProblem("", reason) for reason in found]
                yield RawRecord(name, first, None, RecordError(problems), lines.offset)
                continue
            if not cells and not found:
                continue  # a blank line
            problems = _cell_problems(header, cells, found)
            if len(cells) > len(header):
                problems.append(FieldProblem("", "has more cells than the header has columns"))
            if problems:
                yield RawRecord(name, first, None, RecordError(problems), lines.offset)
                continue
            record, columns = csv_row_to_record(dict(zip(header, cells, strict=False)))
            yield RawRecord(name, first, record, None, lines.offset, columns)


def read_file(path: Path, *, parse: bool = True) -> Iterator[RawRecord]:
    """Pick the reader by extension: ``.jsonl``/``.ndjson``/``.json`` or ``.csv``.

    ``parse=False`` leaves JSON lines as text (see :func:`read_jsonl`); CSV rows are always read.
    """
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return read_jsonl(path, parse=parse)
    if suffix == ".csv":
        return read_csv(path)
    raise ValueError(f"{path.name}: unknown file type {suffix!r} (use .jsonl or .csv)")
