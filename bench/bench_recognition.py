"""Recognition against the truth of several synthetic forces (issue 5's acceptance figures).

    .venv/bin/python bench/bench_recognition.py --incidents 20000 --seeds 1 2 3

For each seed: generate a force, import it, train the linkage model, resolve, sweep recognition
in reported order (each record sees only what was known at its time), then score with
``threadline eval``'s recognition section. Prints one column per seed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from threadline.crossref.replay import sweep
from threadline.evaluate.force import evaluate_force
from threadline.evaluate.report import render_table
from threadline.ingest import import_files
from threadline.resolve.batch import resolve_store, train_store_model
from threadline.store import open_store
from threadline.synth import generate_force

FILES = ("orders.jsonl", "incidents.jsonl", "crimes.jsonl", "assessments.jsonl")


def run(seed: int, incidents: int, scratch: Path) -> dict[str, dict[str, dict[str, object]]]:
    folder = scratch / f"force-{seed}"
    generate_force(folder, incidents, seed)
    engine = open_store(f"sqlite:///{scratch}/store-{seed}.db")
    started = time.perf_counter()
    import_files(engine, [folder / name for name in FILES])
    now = datetime.now(UTC)
    model = train_store_model(engine, trained_at=now, seed=seed)
    resolve_store(engine, model, now=now)
    resolved = time.perf_counter()
    sweep(engine)
    swept = time.perf_counter()
    print(
        f"seed {seed}: import+train+resolve {resolved - started:.0f}s, "
        f"recognition sweep {swept - resolved:.0f}s"
    )
    sections, _details = evaluate_force(engine, folder)
    return sections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    combined: dict[str, dict[str, dict[str, object]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for seed in args.seeds:
            sections = run(seed, args.incidents, Path(scratch))
            for section, rows in sections.items():
                for metric, systems in rows.items():
                    if "Threadline" in systems:
                        combined.setdefault(section, {}).setdefault(metric, {})[f"seed {seed}"] = (
                            systems["Threadline"]
                        )
    print(render_table(combined, title=f"Threadline on {args.incidents:,}-incident forces"))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
