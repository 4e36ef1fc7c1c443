"""The audit log: the cost of appending a row (with and without an anchor file) and of verifying
the whole chain against its anchors.

    .venv/bin/python bench/bench_audit.py --rows 100000
    .venv/bin/python bench/bench_audit.py --rows 100000 --db postgresql://root@127.0.0.1:5432/test

Appends ``--rows`` rows in transactions of ``--batch`` rows each (an anchor file noting the head
every ``--every`` rows), then times a row appended alone in its own transaction (p50/p95 of
``--sample``), and :func:`threadline.guard.audit.verify` of the whole log against the anchors.
On PostgreSQL the rows go in a schema of their own, dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from threadline.guard.audit import AnchorFile, load_anchors, record, verify
from threadline.store import open_store
from threadline.store.database import make_engine

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def append(conn, i: int, anchors: AnchorFile | None) -> None:  # type: ignore[no-untyped-def]
    record(
        conn, f"user{i % 40}", "officer", "person.view", [f"person:P{i % 5000:06d}"],
        f"INC-{i:07d} follow-up", {"found": True, "n": i}, START + timedelta(seconds=i),
        client=f"198.51.100.{i % 250}", anchors=anchors,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    url, schema = args.db or f"sqlite:///{folder}/audit.db", None
    if url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with make_engine(url).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url += f"{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    engine = open_store(url)
    anchors = AnchorFile(folder / "anchors.jsonl", every=args.every)
    started = time.perf_counter()
    for first in range(0, args.rows, args.batch):
        with engine.begin() as conn:
            for i in range(first, min(first + args.batch, args.rows)):
                append(conn, i, anchors)
    bulk = time.perf_counter() - started
    print(f"{engine.dialect.name}: {args.rows:,} rows appended in {bulk:.1f} s "
          f"({args.rows / bulk:,.0f} rows/s, {args.batch} per transaction)")  # fmt: skip
    for label, sink in (("alone", None), ("alone, anchor file", anchors)):
        times = []
        for i in range(args.sample):
            tick = time.perf_counter()
            with engine.begin() as conn:
                append(conn, args.rows + i, sink)
            times.append((time.perf_counter() - tick) * 1000)
        args.rows += args.sample
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"one row {label}: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms")
    noted = load_anchors(anchors.path)
    tick = time.perf_counter()
    result = verify(engine, noted)
    took = time.perf_counter() - tick
    print(f"verify: {result.reason} in {took:.2f} s ({result.rows_checked / took:,.0f} rows/s)")
    engine.dispose()
    if schema:
        with make_engine(args.db).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
