"""The whole public Neo4j POLE demo through Threadline: import, train, resolve (issue 21 part 2).

    .venv/bin/python bench/bench_pole.py /path/to/unpacked/pole-data-importer
    .venv/bin/python bench/bench_pole.py FOLDER --db sqlite:////tmp/pole.db --no-resolve

``FOLDER`` is ``data/pole-data-importer.zip`` of https://github.com/neo4j-graph-examples/pole,
unpacked (28,762 crimes whose ids are 64-character hashes, 369 people). Imports every node and
relationship file in it into a new store (``--db``, default a SQLite file in a temporary folder),
then trains the linkage model on the stored mentions and resolves them, and prints: records
imported and refused (with the first refusals), import time, training and resolution time, and the
people the mentions resolved to beside the people of the graph that are in some record.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from threadline.ingest.neo4j_csv import files_in, import_neo4j_csv
from threadline.store import open_store
from threadline.store import tables as t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the unpacked pole-data-importer folder")
    parser.add_argument("--db", help="store URL (default: a new SQLite file)")
    parser.add_argument("--no-resolve", action="store_true", help="import only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine = open_store(args.db or f"sqlite:///{scratch}/pole.db")
        start = time.perf_counter()
        report = import_neo4j_csv(engine, *files_in(args.folder))
        took = time.perf_counter() - start
        counts = report.import_report.counts
        refused = report.import_report.rejected
        print(f"records read: {sum(report.records.values()):,} ({report.records})")  # noqa: T201
        print(  # noqa: T201
            f"imported: {counts.stored + counts.updated + counts.unchanged:,} "
            f"(stored {counts.stored:,}, updated {counts.updated:,}, "
            f"unchanged {counts.unchanged:,}); refused: {refused:,}; import {took:.1f} s"
        )
        for rejection in report.import_report.rejections[:5]:
            print(f"  refused: {rejection}")  # noqa: T201
        for problem in report.problems[:5]:
            print(f"  problem: {problem}")  # noqa: T201
        people = report.nodes.get("Person", 0) - len(report.people_without_records)
        with engine.connect() as conn:
            mentions = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
        print(f"person mentions: {mentions:,}; people of the graph in records: {people}")  # noqa: T201
        if args.no_resolve:
            return
        _resolve(engine, people)


def _resolve(engine: Engine, people: int) -> None:
    from threadline.resolve import train_model
    from threadline.resolve.batch import load_features, resolve_store

    start = time.perf_counter()
    with engine.connect() as conn:
        features = load_features(conn)
    try:
        model = train_model(features, trained_at=datetime.now(UTC), seed=1)
    except Exception as error:  # report and stop: training on this shape is issue 21 part 1
        print(f"train: failed after {time.perf_counter() - start:.1f} s: {error!r}")  # noqa: T201
        raise SystemExit(1) from None
    trained = time.perf_counter() - start
    start = time.perf_counter()
    resolve_store(engine, model, now=datetime.now(UTC))
    resolved = time.perf_counter() - start
    with engine.connect() as conn:
        persons = conn.execute(
            select(func.count(func.distinct(t.entity_members.c.entity_id)))
        ).scalar_one()
    print(  # noqa: T201
        f"train {trained:.1f} s; resolve {resolved:.1f} s; people resolved: {persons:,} "
        f"(the graph has {people} people in records)"
    )


if __name__ == "__main__":
    main()
