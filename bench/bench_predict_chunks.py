"""Splink's batch prediction on one store in chunks, and DuckDB's memory limit (issue 26).

    PYTHONPATH=src .venv/bin/python bench/bench_predict_chunks.py \\
        --store .tmp/g1m/n1000000/base.db --model .tmp/g1m/n1000000/model.json \\
        --chunks 1 2 6 --share 0.4 0.2

First the blocked pairs the model's rules make on the store's mentions (Splink's
``compute_blocked_pairs_for_predict``, counted). Then, for each ``--share`` of the machine's
memory given to DuckDB and each number of ``--chunks`` (the left side split, as
:func:`threadline.resolve.linkage.predict_pairs` does past ``PREDICT_CHUNK_MENTIONS``), in a
process of its own: :func:`~threadline.resolve.linkage.predict_pairs` from the review
threshold, as batch resolution calls it, with its CPU and wall seconds, the pairs kept, and the
process's peak resident memory (the store's feature table, read first, included; printed too).
The store is read as it is, not migrated.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from pathlib import Path

from threadline.resolve import linkage
from threadline.resolve.batch import REVIEW_THRESHOLD, load_feature_table
from threadline.store.database import make_engine


def peak_mib() -> float:
    """This process's peak resident memory (``VmHWM``: ``ru_maxrss`` would carry the parent's
    peak over ``exec``, as Linux keeps it for the process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def blocked(store: Path, model: linkage.LinkageModel) -> None:
    with make_engine(f"sqlite:///{store}").connect() as conn:
        table = linkage.blocking_table(load_feature_table(conn))
    settings = linkage.prediction_settings(model, crowded=linkage.crowded_pairs(table))
    linker, db_api = linkage._new_linker(table, settings, validate_settings=False)
    started = time.process_time()
    pairs = linker.inference.compute_blocked_pairs_for_predict()
    count = db_api.duckdb_con.execute(f"SELECT count(*) FROM {pairs.physical_name}").fetchone()
    spent = time.process_time() - started
    print(
        f"{table.num_rows:,} mentions, {count[0] if count else 0:,} blocked pairs ({spent:.1f} s)"
    )


def one(store: Path, model: linkage.LinkageModel, chunks: int, share: float) -> None:
    linkage.DUCKDB_MEMORY_SHARE = share
    with make_engine(f"sqlite:///{store}").connect() as conn:
        table = load_feature_table(conn)
    before = peak_mib()
    cpu, wall = time.process_time(), time.perf_counter()
    pairs = linkage.predict_pairs(
        model,
        table,
        REVIEW_THRESHOLD,
        values=False,
        chunk_mentions=math.ceil(table.num_rows / chunks),
    )
    print(
        f"share {share:<5} ({linkage.duckdb_memory_mb():>6,} MB) chunks {chunks}: "
        f"{time.process_time() - cpu:7.1f} s CPU {time.perf_counter() - wall:7.1f} s wall, "
        f"{len(pairs):,} pairs, peak {peak_mib():,.0f} MiB (read: {before:,.0f})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--chunks", type=int, nargs="+", default=[1])
    parser.add_argument("--share", type=float, nargs="+", default=[linkage.DUCKDB_MEMORY_SHARE])
    parser.add_argument("--one", nargs=2, type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = linkage.load_model(args.model)
    if args.one:
        one(args.store, model, int(args.one[0]), args.one[1])
        return
    blocked(args.store, model)
    for share in args.share:
        for chunks in args.chunks:
            command = [sys.executable, __file__, "--store", str(args.store)]
            command += ["--model", str(args.model), "--one", str(chunks), str(share)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
