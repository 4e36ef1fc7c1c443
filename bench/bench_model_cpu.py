"""CPU seconds of training the linkage model and of Splink's prediction, on one store's mentions.

    .venv/bin/python bench/bench_resolution.py --force /tmp/f20k --db sqlite:////tmp/f20k.db
    PYTHONPATH=src .venv/bin/python bench/bench_model_cpu.py --db sqlite:////tmp/f20k.db
    PYTHONPATH=/tmp/old/src .venv/bin/python bench/bench_model_cpu.py --db sqlite:////tmp/f20k.db
    PYTHONPATH=src .venv/bin/python bench/bench_model_cpu.py --db sqlite:////tmp/f.db --train-store

Reads the store's feature rows once, then trains a model on them (:func:`.linkage.train_model`,
seed 1) and predicts every blocked pair from the review threshold (:func:`.linkage.predict_pairs`,
as batch resolution does), printing the CPU seconds of each (this process, DuckDB's threads
included) and the pairs kept. The store is read as it is, not migrated (nothing is written to
it), so that two versions of the code can read one store: run it with each one's ``src`` first
on ``PYTHONPATH``, alternating.

``--train-store`` times what ``threadline train`` does instead, reading included
(:func:`.batch.train_store_model`), and prints the process's peak resident memory and a SHA-256
of the model's JSON, so that two versions of the code can be shown to train the same model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
from datetime import UTC, datetime

from threadline.resolve.batch import REVIEW_THRESHOLD, load_features, train_store_model
from threadline.resolve.linkage import predict_pairs, train_model
from threadline.store.database import make_engine


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a store holding a force's mentions")
    parser.add_argument(
        "--train-store", action="store_true", help="time train_store_model, reading included"
    )
    args = parser.parse_args()
    engine = make_engine(args.db)  # read as it is: not migrated, so older code can read it
    if args.train_store:
        started = cpu_seconds()
        trained_model = train_store_model(engine, trained_at=datetime(2026, 1, 1, tzinfo=UTC))
        spent = cpu_seconds() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        digest = hashlib.sha256(
            json.dumps(trained_model.to_dict(), sort_keys=True).encode()
        ).hexdigest()
        print(f"train_store_model: {spent:.2f} s CPU, peak {peak:,.0f} MiB, model {digest[:16]}")
        return
    with engine.connect() as conn:
        features = load_features(conn)
    engine.dispose()
    started = cpu_seconds()
    model = train_model(features, trained_at="2026-01-01T00:00:00+00:00", seed=1)
    trained = cpu_seconds()
    pairs = predict_pairs(model, features, REVIEW_THRESHOLD, values=False)
    done = cpu_seconds()
    print(
        f"{len(features):,} mentions: train {trained - started:.2f} s CPU, "
        f"predict {done - trained:.2f} s CPU, {len(pairs):,} pairs >= {REVIEW_THRESHOLD}"
    )


if __name__ == "__main__":
    main()
