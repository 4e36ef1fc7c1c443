"""How batch resolution's cost grows with the force (issue 26 part 1): train and resolve at two
or more sizes, with the growth exponent of each stage's CPU between them.

    PYTHONPATH=src .venv/bin/python bench/bench_growth.py --incidents 100000 1000000
    PYTHONPATH=src .venv/bin/python bench/bench_growth.py --incidents 100000 300000 --keep .tmp/g
    PYTHONPATH=src .venv/bin/python bench/bench_growth.py --incidents 100000 300000 --keep .tmp/g \
        --steps --save .tmp/steps-branch.json --baseline .tmp/steps-main.json

For each size, in a process of its own (so that one size's memory is not the next one's peak):
a synthetic force (``threadline.synth``, ``--seed``) imported into a fresh SQLite file (with
``--keep``, a copy of the size's ``base.db`` where ``--steps`` built one: the same force,
imported and never resolved, its import not done again), then
the linkage model trained on it (:func:`threadline.resolve.batch.train_store_model`) and every
mention resolved (:func:`threadline.resolve.batch.resolve_store`), the two stages
``threadline train`` and ``threadline resolve`` run. Each stage is timed as
``bench/bench_resolution.py`` times it: wall seconds, CPU seconds of the process (DuckDB's
threads included) and the stage's own peak resident memory.

Printed: a line per size, then for each pair of consecutive sizes the growth exponent of each
stage's CPU, ``log(cpu_b / cpu_a) / log(n_b / n_a)`` with ``n`` the mentions resolved (1.0 is
linear; the issue asks ≤ 1.1 from 100k to 1M incidents), and for the largest size whether train
+ resolve fit the issue's 8 minutes and 8 GB (wall time on this machine, the larger stage peak).

``--steps`` times resolve's steps instead (``bench/resolve_steps.py``: each step's own CPU
seconds), on stores built once under ``--keep`` (``base.db``: the force imported and the model
trained, ``model.json``; built when missing) and resolved each time on a fresh copy, so that
resolve alone is run again and code can be compared on the same stores: run it with an older
checkout's ``src`` first on ``PYTHONPATH`` and ``--save``, then with this one and
``--baseline`` the saved file, and each step's CPU is printed beside the other's. Printed: a
row per step (the larger first), its CPU at each size and its growth exponent between the
first and last sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_resolution import Cost, stage  # noqa: E402
from resolve_steps import timed_steps  # noqa: E402
from threadline.ingest import import_files  # noqa: E402
from threadline.resolve.batch import resolve_store, train_store_model  # noqa: E402
from threadline.resolve.linkage import load_model, save_model  # noqa: E402
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
    store = folder / "store.db"
    if (folder / "base.db").is_file():  # the force imported once (--steps), never resolved
        store.unlink(missing_ok=True)
        shutil.copyfile(folder / "base.db", store)
        engine = open_store(f"sqlite:///{store}")
    else:
        force = folder / "force"
        generate_force(force, incidents, seed)
        engine = open_store(f"sqlite:///{store}")
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


def prepared(incidents: int, seed: int, folder: Path) -> tuple[Path, Path]:
    """The store of a force of ``incidents`` imported and its model trained, resolved never
    (``base.db``, ``model.json`` under ``folder``), built if missing."""
    base, model_file = folder / "base.db", folder / "model.json"
    if not (base.is_file() and model_file.is_file()):
        force = folder / "force"
        if not (force / "incidents.jsonl").is_file():
            generate_force(force, incidents, seed)
        base.unlink(missing_ok=True)
        engine = open_store(f"sqlite:///{base}")
        import_files(engine, [force / name for name in RECORD_FILES if (force / name).exists()])
        save_model(train_store_model(engine, trained_at=NOW), model_file)
        engine.dispose()
    return base, model_file


def resolve_steps(incidents: int, seed: int, folder: Path) -> dict[str, Any]:
    """Resolve a fresh copy of the size's prepared store, each step's own CPU timed."""
    base, model_file = prepared(incidents, seed, folder)
    copy = folder / "run.db"
    copy.unlink(missing_ok=True)
    shutil.copyfile(base, copy)
    engine = open_store(f"sqlite:///{copy}")
    model = load_model(model_file)
    started = time.process_time()
    with timed_steps() as clock:
        summary = resolve_store(engine, model, now=NOW)
    total = time.process_time() - started
    engine.dispose()
    copy.unlink()
    return {
        "incidents": incidents,
        "mentions": summary.mentions,
        "entities": summary.entities,
        "total": total,
        "steps": clock.cpu,
        "calls": clock.calls,
    }


def steps_report(rows: list[dict[str, Any]], baseline: list[dict[str, Any]] | None) -> list[str]:
    """A row per step: its own CPU at each size, the growth exponent from the first size to the
    last, and (with a ``baseline`` run of other code on the same sizes) the baseline's."""
    first, last = rows[0], rows[-1]
    names = sorted(
        {name for row in rows for name in row["steps"]},
        key=lambda name: -last["steps"].get(name, 0.0),
    )
    by_size = {row["incidents"]: row for row in baseline or []}
    width = max(len(name) for name in names + ["total"])
    sizes = "".join(f"{row['incidents']:>10,}" for row in rows)
    head = f"{'step (own CPU s)':<{width}} {sizes}  exponent"
    if baseline:
        head += "  | baseline" + "".join(f"{row['incidents']:>10,}" for row in rows) + "  exponent"
    lines = [head]

    def line(name: str, values: list[float], base: list[float] | None) -> str:
        text = f"{name:<{width}} " + "".join(f"{v:>10.2f}" for v in values)
        text += f"  {_exponent_text(values[0], values[-1], first, last)}"
        if base is not None:
            text += "  |         " + "".join(f"{v:>10.2f}" for v in base)
            text += f"  {_exponent_text(base[0], base[-1], first, last)}"
        return text

    def of(run: list[dict[str, Any]] | None, name: str) -> list[float] | None:
        if run is None:
            return None
        found = [by_size.get(row["incidents"]) for row in rows]
        return [(row or {}).get("steps", {}).get(name, 0.0) for row in found]

    for name in names:
        values = [row["steps"].get(name, 0.0) for row in rows]
        lines.append(line(name, values, of(baseline, name)))
    totals = [row["total"] for row in rows]
    base_totals = (
        [(by_size.get(row["incidents"]) or {}).get("total", 0.0) for row in rows]
        if baseline
        else None
    )
    lines.append(line("total", totals, base_totals))
    lines.append(
        "mentions: " + ", ".join(f"{row['mentions']:,}" for row in rows)
        + "; exponent by mentions (1.0 is linear)"
    )  # fmt: skip
    return lines


def _exponent_text(a: float, b: float, first: dict[str, Any], last: dict[str, Any]) -> str:
    if a <= 0.05 or b <= 0 or first is last:
        return "       -"
    return f"{exponent(a, b, first['mentions'], last['mentions']):>8.2f}"


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
    parser.add_argument(
        "--steps", action="store_true", help="time resolve's steps on stores kept under --keep"
    )
    parser.add_argument("--save", type=Path, help="--steps: write the measured rows here (JSON)")
    parser.add_argument(
        "--baseline", type=Path, help="--steps: print beside the rows --save wrote (other code)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size's own process
    args = parser.parse_args()
    if args.one is not None:
        folder = args.keep or Path(tempfile.mkdtemp(prefix="growth-"))
        measure = resolve_steps if args.steps else one_size
        print("RESULT " + json.dumps(measure(args.one, args.seed, folder)), flush=True)
        return
    if args.steps and args.keep is None:
        parser.error("--steps needs --keep (the folder of the stores built once)")
    rows = []
    for incidents in sorted(args.incidents):
        folder = (args.keep or Path(tempfile.mkdtemp(prefix="growth-"))) / f"n{incidents}"
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, __file__, "--one", str(incidents), "--seed", str(args.seed)]
        command += ["--keep", str(folder)] + (["--steps"] if args.steps else [])
        print(f"== {incidents:,} incidents", flush=True)
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        sys.stdout.write("".join(f"   {line}\n" for line in done.stdout.splitlines()[:-1]))
        rows.append(json.loads(done.stdout.splitlines()[-1].removeprefix("RESULT ")))
    if args.steps:
        if args.save:
            args.save.write_text(json.dumps(rows, indent=1))
        baseline = json.loads(args.baseline.read_text()) if args.baseline else None
        print("\n".join(steps_report(rows, baseline)))
        return
    print("\n".join(report(rows)))


if __name__ == "__main__":
    main()
