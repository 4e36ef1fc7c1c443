"""Batch person resolution on FEBRL's public synthetic records, scored against their rec_ids.

    PYTHONPATH=src .venv/bin/python bench/bench_febrl.py --dataset 1
    PYTHONPATH=src .venv/bin/python bench/bench_febrl.py --dataset 4 --db sqlite:////tmp/febrl4.db

Each FEBRL record becomes one incident with one person (:mod:`threadline.evaluate.febrl`); the
records are imported into a fresh SQLite store (or ``--db``), the linkage model is trained on the
store and every mention resolved, the path ``threadline resolve`` takes. Printed: the pairs the
blocking rules compare (distinct pairs, and how many of the true pairs are among them: what no
score can join is lost there), pairwise precision, recall and F1 of the resolved people against
FEBRL's truth, and the CPU seconds of training and of resolving (this process, DuckDB's threads
included).

``--dataset 4`` is 4a and 4b together: 5,000 people, each once in each file. To compare with
other code, put its ``src`` first on ``PYTHONPATH`` (it needs :mod:`threadline.evaluate.febrl`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from threadline.evaluate.febrl import (
    DATASETS,
    febrl_files,
    febrl_scores,
    febrl_truth,
    import_febrl,
    mention_refs,
    read_febrl,
)
from threadline.resolve.batch import load_features, resolve_store, train_store_model
from threadline.resolve.comparisons import blocking_keys, blocking_table
from threadline.store import open_store


def cpu_seconds() -> float:
    """User and system CPU time of this process so far (DuckDB's threads included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def blocked_pairs(features: pd.DataFrame, person_of: dict[str, str]) -> tuple[int, int]:
    """How many distinct pairs the prediction blocking rules compare, and how many of them are
    one person (``person_of``: mention key -> person)."""
    con = duckdb.connect()
    con.register("m", blocking_table(features))
    con.register(
        "truth", pd.DataFrame({"unique_id": list(person_of), "person": list(person_of.values())})
    )
    selects = []
    for key in blocking_keys():
        if key.explode:
            column = key.explode
            values = f"(SELECT unique_id, unnest({column}) AS v FROM m)"
            selects.append(
                f"SELECT l.unique_id AS a, r.unique_id AS b FROM {values} l JOIN {values} r "
                "ON l.v = r.v AND l.unique_id < r.unique_id"
            )
        else:
            selects.append(
                "SELECT l.unique_id AS a, r.unique_id AS b FROM m l JOIN m r "
                f"ON l.unique_id < r.unique_id AND {key.sql}"
            )
    (compared, true) = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE tl.person = tr.person) "
        f"FROM ({' UNION '.join(selects)}) p "
        "JOIN truth tl ON tl.unique_id = p.a JOIN truth tr ON tr.unique_id = p.b"
    ).fetchone()
    return int(compared), int(true)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="1")
    parser.add_argument("--db", help="store URL (default: a fresh SQLite file in a scratch folder)")
    args = parser.parse_args()

    rows = read_febrl(febrl_files(args.dataset))
    truth = febrl_truth(rows)
    with tempfile.TemporaryDirectory(prefix="threadline-febrl-") as scratch:
        engine = open_store(args.db or f"sqlite:///{scratch}/febrl.db")
        report = import_febrl(engine, rows, Path(scratch))
        print(f"FEBRL dataset {args.dataset}: {len(rows):,} records, rejected {report.rejected}")

        with engine.connect() as conn:
            features = load_features(conn)
        compared, compared_true = blocked_pairs(
            features, {key: truth[ref] for key, ref in mention_refs(engine).items()}
        )

        now = dt.datetime.now(dt.UTC)
        started = cpu_seconds()
        model = train_store_model(engine, trained_at=now)
        trained = cpu_seconds()
        resolved = resolve_store(engine, model, now=now)
        done = cpu_seconds()
        scores = febrl_scores(engine, truth)
        engine.dispose()
    print(f"  {resolved.mentions:,} mentions, {resolved.entities:,} people")
    print(f"  pairs compared          {compared:>10,}")
    print(
        f"  true pairs compared     {compared_true:>10,} of {scores.true_pairs:,} "
        f"({compared_true / scores.true_pairs:.3f})"
    )
    print(f"  pairs scored >= review  {resolved.pairs_scored:>10,}")
    print(f"  precision               {scores.precision:>10.3f}")
    print(f"  recall                  {scores.recall:>10.3f}")
    print(f"  F1                      {scores.f1:>10.3f}")
    print(f"  CPU seconds: train {trained - started:.1f}, resolve {done - trained:.1f}")
    print(f"  {scores.summary}")


if __name__ == "__main__":
    main()
