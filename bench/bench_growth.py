"""How batch resolution's cost grows with the force (issue 26 part 1): train and resolve at two
or more sizes, with the growth exponent of each stage's CPU between them.

    PYTHONPATH=src .venv/bin/python bench/bench_growth.py --incidents 100000 1000000
    PYTHONPATH=src .venv/bin/python bench/bench_growth.py --incidents 100000 300000 --keep .tmp/g

For each size, in a process of its own (so that one size's memory is not the next one's peak):
a synthetic force (``threadline.synth``, ``--seed``) imported into a fresh SQLite file, then
the linkage model trained on it (:func:`threadline.resolve.batch.train_store_model`) and every
mention resolved (:func:`threadline.resolve.batch.resolve_store`), the two stages
``threadline train`` and ``threadline resolve`` run. Each stage is timed as
``bench/bench_resolution.py`` times it: wall seconds, CPU seconds of the process (DuckDB's
threads included) and the stage's own peak resident memory.

Printed: a line per size, then for each pair of consecutive sizes the growth exponent of each
stage's CPU, ``log(cpu_b / cpu_a) / log(n_b / n_a)`` with ``n`` the mentions resolved (1.0 is
linear; the issue asks ≤ 1.1 from 100k to 1M incidents), and for the largest size whether train
+ resolve fit the issue's 8 minutes and 8 GB (wall time on this machine, the larger stage peak).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_resolution import Cost, stage  # noqa: E402
from threadline.ingest import import_files  # noqa: E402
from threadline.resolve.batch import resolve_store, train_store_model  # noqa: E402
from threadline.store import open_store  # noqa: E402
from threadline.synth import generate_force  # noqa: E402

NOW = datetime(2026, 3, 1, tzinfo=UTC)
RECORD_FILES = ("incidents.jsonl", "crimes.jsonl", "assessments.jsonl", "orders.jsonl")
#: the issue's line for the largest size (1M incidents): train + resolve within these
MINUTES, GIGABYTES = 8, 8


def one_size(incidents: int, seed: int, folder: Path) -> dict[str, Any]:
    """Build, train and resolve a force of ``incidents``; the cost of each stage."""
    timings: dict[str, float] = {}
    costs: dict[str, Cost] = {}
    force = folder / "force"
    generate_force(force, incidents, seed)
    engine = open_store(f"sqlite:///{folder / 'store.db'}")
    import_files(engine, [force / name for name in RECORD_FILES if (force / name).exists()])
    with stage("train", timings, costs):
        model = train_store_model(engine, trained_at=NOW)
    with stage("resolve", timings, costs):
        summary = resolve_store(engine, model, now=NOW)
    engine.dispose()
    return {
        "incidents": incidents,
        "mentions": summary.mentions,
        "entities": summary.entities,
        **{name: vars(cost) for name, cost in costs.items()},
    }


def exponent(a: float, b: float, n_a: float, n_b: float) -> float:
    """The growth exponent of a cost from ``a`` at size ``n_a`` to ``b`` at ``n_b``."""
    return math.log(b / a) / math.log(n_b / n_a)


def report(rows: list[dict[str, Any]]) -> list[str]:
    """The lines printed for the measured sizes (smallest first)."""
    lines = [
        f"{'incidents':>10} {'mentions':>10} {'train CPU':>10} {'train RSS':>10} "
        f"{'resolve CPU':>12} {'resolve RSS':>12} {'resolve wall':>13}"
    ]
    for row in rows:
        train, resolve = row["train"], row["resolve"]
        lines.append(
            f"{row['incidents']:>10,} {row['mentions']:>10,} {train['cpu']:>9.1f}s "
            f"{train['peak_mb']:>6,.0f} MiB {resolve['cpu']:>11.1f}s "
            f"{resolve['peak_mb']:>8,.0f} MiB {resolve['wall']:>12.1f}s"
        )
    for small, large in zip(rows, rows[1:], strict=False):
        n_a, n_b = small["mentions"], large["mentions"]
        parts = [
            f"{name} CPU {exponent(small[name]['cpu'], large[name]['cpu'], n_a, n_b):.2f}"
            for name in ("train", "resolve")
        ]
        lines.append(
            f"growth exponent {small['incidents']:,} -> {large['incidents']:,} incidents "
            f"(by mentions): {', '.join(parts)}"
        )
    largest = rows[-1]
    wall = largest["train"]["wall"] + largest["resolve"]["wall"]
    peak = max(largest["train"]["peak_mb"], largest["resolve"]["peak_mb"]) / 1024
    lines.append(
        f"at {largest['incidents']:,} incidents: train + resolve {wall / 60:.1f} min wall "
        f"(line: {MINUTES}), peak {peak:.1f} GiB (line: {GIGABYTES})"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build each size's store under this folder")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size's own process
    args = parser.parse_args()
    if args.one is not None:
        folder = args.keep or Path(tempfile.mkdtemp(prefix="growth-"))
        print("RESULT " + json.dumps(one_size(args.one, args.seed, folder)), flush=True)
        return
    rows = []
    for incidents in sorted(args.incidents):
        folder = (args.keep or Path(tempfile.mkdtemp(prefix="growth-"))) / f"n{incidents}"
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, __file__, "--one", str(incidents), "--seed", str(args.seed)]
        command += ["--keep", str(folder)]
        print(f"== {incidents:,} incidents", flush=True)
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        sys.stdout.write("".join(f"   {line}\n" for line in done.stdout.splitlines()[:-1]))
        rows.append(json.loads(done.stdout.splitlines()[-1].removeprefix("RESULT ")))
    print("\n".join(report(rows)))


if __name__ == "__main__":
    main()
