"""Bulk import speed into the embedded SQLite store (issue 2 target: ≥ 2,000 incidents/s).

    .venv/bin/python bench/bench_import.py --incidents 50000

Generates a synthetic force (unless --from names a folder with incidents.jsonl), imports it into a
fresh SQLite file, and prints incidents per second for the import alone, then re-imports the same
file to show the unchanged-record path.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from threadline.ingest import import_files
from threadline.store import open_store, summarise
from threadline.synth import generate_force


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--from", dest="source", type=Path, default=None)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.source
        if folder is None:
            folder = Path(scratch) / "force"
            started = time.perf_counter()
            generate_force(folder, args.incidents, args.seed)
            print(f"generated {args.incidents:,} incidents in {time.perf_counter() - started:.1f}s")
        path = folder / "incidents.jsonl"
        engine = open_store(args.db or f"sqlite:///{scratch}/bench.db")
        started = time.perf_counter()
        report = import_files(engine, [path])
        elapsed = time.perf_counter() - started
        summary = summarise(engine)
        print(
            f"import: {summary.incidents:,} incidents + {summary.crimes:,} crimes, "
            f"{summary.mentions:,} person mentions in {elapsed:.1f}s "
            f"= {summary.incidents / elapsed:,.0f} incidents/s "
            f"({(summary.incidents + summary.crimes) / elapsed:,.0f} records/s); "
            f"rejected {report.rejected}"
        )
        started = time.perf_counter()
        again = import_files(engine, [path])
        elapsed = time.perf_counter() - started
        print(
            f"re-import (unchanged {again.counts.unchanged:,}): "
            f"{again.counts.unchanged / elapsed:,.0f} records/s"
        )


if __name__ == "__main__":
    main()
