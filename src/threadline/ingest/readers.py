"""Reading import files into raw records: JSON Lines (canonical) and CSV (flat incident exports).

A reader yields one :class:`RawRecord` per line or row, with the file and line it came from, so
that every rejection can name its place. Readers do not validate; :mod:`threadline.model` does.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

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
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        problem = FieldProblem("", f"not valid JSON ({error})")
        return RawRecord(raw.file, raw.line, None, RecordError([problem]), raw.offset, raw.columns)
    if not isinstance(data, dict):
        problem = FieldProblem("", "a record must be a JSON object")
        return RawRecord(raw.file, raw.line, None, RecordError([problem]), raw.offset, raw.columns)
    return RawRecord(raw.file, raw.line, data, None, raw.offset, raw.columns)


def read_jsonl(path: Path, *, parse: bool = True) -> Iterator[RawRecord]:
    """Each non-blank line a JSON object.

    With ``parse=False`` each line comes as text, to be read by :func:`parsed` later (the
    importer has worker processes do it).
    """
    name = path.name
    offset = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            offset += len(line)
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
        if match and match[2] in PERSON_COLUMNS:
            continue
        unknown.append(column)
    return unknown


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


class _CountingLines:
    """Lines of a text file, counting the characters read (a stand-in for bytes, for progress)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.offset = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.handle:
            self.offset += len(line)
            yield line


def read_csv(path: Path) -> Iterator[RawRecord]:
    """A flat incident export: a header, then one incident per row (docs/import-format.md)."""
    name = path.name
    with path.open(newline="", encoding="utf-8-sig") as handle:
        counted = _CountingLines(handle)
        reader = csv.DictReader(counted)
        header = reader.fieldnames or []
        unknown = csv_header_problems(list(header))
        if unknown:
            problems = [FieldProblem(column, "is not a known column") for column in unknown]
            yield RawRecord(name, 1, None, RecordError(problems))
            return
        for row in reader:
            line = reader.line_num
            if None in row:
                problem = FieldProblem("", "has more cells than the header has columns")
                yield RawRecord(name, line, None, RecordError([problem]))
                continue
            record, columns = csv_row_to_record(row)
            yield RawRecord(name, line, record, None, counted.offset, columns)


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
