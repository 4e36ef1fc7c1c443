"""Cut a small, consistent slice of the public Neo4j POLE demo, for tests.

    .venv/bin/python bench/pole_slice.py POLE_FOLDER tests/ingest/fixtures/pole_slice

The source is ``data/pole-data-importer.zip`` of https://github.com/neo4j-graph-examples/pole
(unpacked in ``POLE_FOLDER``; the files are named ``crime-investigation.nodes.<Label>.csv`` and
``crime-investigation.relationships.<TYPE>.csv``). The slice keeps:

* every person (369, in the demo) and every crime that has a person party to it, plus every
  ``--every``-th other crime in file order (and the demo's one crime with no type);
* everything those reach through a relationship read from start to end (a crime's location and
  officer, a location's postcode and area, a person's phone, e-mail and address), and what points
  at them as an event or an object (a vehicle ``INVOLVED_IN`` a crime, a phone call's ``CALLER``);
* every relationship whose two ends are both kept.

Nothing else is changed: same headers, same rows, same order, so the slice reads exactly as the
whole file does. Run again, it writes the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

#: Labels that are seeds, never pulled in by a relationship (that would pull in the whole graph).
SEEDS = {"Person", "Crime"}
#: Relationship types whose start is pulled in by its end (an event or object pointing at it).
PULLED_BY_END = {"INVOLVED_IN", "CALLER", "CALLED"}


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _column(header: list[str], special: str) -> int:
    return next(i for i, cell in enumerate(header) if cell.split("(")[0].endswith(f":{special}"))


def cut(source: Path, every: int) -> dict[str, str]:
    """The slice: file name → its text."""
    nodes: dict[str, tuple[list[str], list[list[str]]]] = {}
    label_of: dict[str, str] = {}
    for path in sorted(source.glob("*.nodes.*.csv")):
        header, rows = _read(path)
        nodes[path.name] = (header, rows)
        at, label_at = _column(header, "ID"), _column(header, "LABEL")
        for row in rows:
            label_of[row[at]] = row[label_at].split(";")[0]
    rels: dict[str, tuple[list[str], list[list[str]]]] = {
        path.name: _read(path) for path in sorted(source.glob("*.relationships.*.csv"))
    }
    parties = {
        row[_column(header, "END_ID")]
        for name, (header, rows) in rels.items()
        if name.endswith(".PARTY_TO.csv")
        for row in rows
    }
    kept = {node for node, label in label_of.items() if label == "Person"}
    crimes_header, crimes = next(v for k, v in nodes.items() if k.endswith(".Crime.csv"))
    at, type_at = _column(crimes_header, "ID"), crimes_header.index("type")
    for index, row in enumerate(crimes):
        if row[at] in parties or index % every == 0 or not row[type_at].strip():
            kept.add(row[at])
    ends = [
        (_column(header, "START_ID"), _column(header, "END_ID"), _column(header, "TYPE"), rows)
        for header, rows in rels.values()
    ]
    grown = True
    while grown:
        grown = False
        for start_at, end_at, type_at_, rows in ends:
            for row in rows:
                start, end = row[start_at], row[end_at]
                pulled = None
                if start in kept and end not in kept and label_of.get(end) not in SEEDS:
                    pulled = end
                elif row[type_at_] in PULLED_BY_END and end in kept and start not in kept:
                    pulled = start if label_of.get(start) not in SEEDS else None
                if pulled is not None:
                    kept.add(pulled)
                    grown = True
    out: dict[str, str] = {}
    for name, (header, rows) in nodes.items():
        at = _column(header, "ID")
        out[name] = _write(header, [row for row in rows if row[at] in kept])
    for name, (header, rows) in rels.items():
        start_at, end_at = _column(header, "START_ID"), _column(header, "END_ID")
        out[name] = _write(
            header, [row for row in rows if row[start_at] in kept and row[end_at] in kept]
        )
    return out


def _write(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the unpacked pole-data-importer folder")
    parser.add_argument("target", type=Path, help="where to write the slice")
    parser.add_argument("--every", type=int, default=120, help="keep every n-th other crime")
    args = parser.parse_args()
    args.target.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, text in cut(args.source, args.every).items():
        (args.target / name).write_text(text, encoding="utf-8")
        total += len(text.encode())
        print(f"{name}: {len(text.splitlines()) - 1} rows")  # noqa: T201
    print(f"{total:,} bytes")  # noqa: T201


if __name__ == "__main__":
    main()
