"""Importing communications evidence into SQLite: messages stored per second, 100,000 messages.

    PYTHONPATH=src .venv/bin/python bench/bench_comms_import.py
    PYTHONPATH=src .venv/bin/python bench/bench_comms_import.py --messages 20000 --format android

Generates one file of ``--messages`` entries in the chosen layout with the generators of
``bench_comms_read.py`` (fictional names; numbers in Ofcom's drama range), makes a fresh SQLite
store holding one incident, and times :func:`threadline.ingest.comms.importer.import_comms`:
reading, hashing and storing in batch transactions, all included. Then it imports the same file
again (every message a duplicate: stored 0) and times that too. Issue 25's target: 20,000
messages/s into SQLite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))

from bench_comms_read import FORMATS  # noqa: E402
from threadline.ingest.comms.importer import import_comms  # noqa: E402
from threadline.ingest.importer import import_records  # noqa: E402
from threadline.ingest.readers import RawRecord  # noqa: E402
from threadline.store import open_store  # noqa: E402
from threadline.store import tables as t  # noqa: E402

INCIDENT = {
    "kind": "incident",
    "ref": "INC-BENCH-1",
    "reported_at": "2026-03-01T10:00:00Z",
    "channel": "999",
    "category": "harassment",
    "narrative": "Caller reports thousands of unwanted messages.",
    "people": [{"role": "victim", "forenames": "Alys", "surname": "Penhallow"}],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    names = dict(zip(("android", "ios", "facebook", "calls"), FORMATS, strict=True))
    parser.add_argument("--format", choices=sorted(names), default="android")
    args = parser.parse_args()
    label, name, generate, _reader = names[args.format]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = folder / name
        path.write_text(generate(args.messages, random.Random(25)), encoding="utf-8")
        engine = open_store(f"sqlite:///{folder}/bench.db")
        import_records(engine, [RawRecord("bench.jsonl", 1, INCIDENT)], files=["bench.jsonl"])
        with engine.connect() as conn:
            key = conn.execute(select(t.incidents.c.record_key)).scalar_one()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {label}")
        for run in ("first import", "same file again"):
            began, began_cpu = time.perf_counter(), time.process_time()
            report = import_comms(engine, [path], key)
            took, cpu = time.perf_counter() - began, time.process_time() - began_cpu
            print(
                f"{run:<16} read {report.read:,} stored {report.stored:,} duplicates "
                f"{report.duplicates:,} refused {report.refused:,} in {took:.2f} s: "
                f"{report.read / took:,.0f} messages/s ({report.read / cpu:,.0f} per CPU s)"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
