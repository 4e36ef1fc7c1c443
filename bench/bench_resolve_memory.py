"""Peak resident memory of each step of batch resolution, on a copy of an imported store.

    PYTHONPATH=src .venv/bin/python bench/bench_growth.py --incidents 1000000 --keep .tmp/g \
        --steps                                  # builds .tmp/g/n1000000/base.db, model.json
    PYTHONPATH=src .venv/bin/python bench/bench_resolve_memory.py \
        --store .tmp/g/n1000000/base.db --model .tmp/g/n1000000/model.json

The store is copied (``--copy``, by default beside it as ``memory-run.db``) and resolved with
:func:`threadline.resolve.batch.resolve_store`, whose progress messages mark its steps. A
thread reads the process's resident memory (``/proc/self/statm``) every 0.2 s; for each step
are printed the wall and CPU seconds at its start, the highest resident memory since the
step before, and the resident memory as it starts (memory freed by a step is not always given
back to the system, so "now" can stay high after a peak). The issue's line is the largest peak
(8 GB at a million incidents).
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from threadline.resolve.batch import resolve_store
from threadline.resolve.linkage import load_model
from threadline.store import open_store

NOW = datetime(2026, 3, 1, tzinfo=UTC)
PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an imported SQLite store")
    parser.add_argument("--model", type=Path, required=True, help="a saved model (model.json)")
    parser.add_argument("--copy", type=Path, help="where to copy the store to resolve it")
    args = parser.parse_args()
    copy = args.copy or args.store.with_name("memory-run.db")
    shutil.copyfile(args.store, copy)
    engine = open_store(f"sqlite:///{copy}")
    model = load_model(args.model)
    peak = [resident_mib()]
    highest = [peak[0]]

    def sample() -> None:
        while True:
            now = resident_mib()
            peak[0] = max(peak[0], now)
            highest[0] = max(highest[0], now)
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    wall, cpu = time.perf_counter(), time.process_time()
    print(f"{'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'now MiB':>8}  step that starts")

    def say(message: str) -> None:
        now = resident_mib()
        print(
            f"{time.perf_counter() - wall:>8.1f} {time.process_time() - cpu:>8.1f} "
            f"{max(peak[0], now):>9,.0f} {now:>8,.0f}  {message}",
            flush=True,
        )
        peak[0] = now

    resolve_store(engine, model, now=NOW, progress=say)
    say("(done)")
    engine.dispose()
    for path in copy.parent.glob(copy.name + "*"):
        path.unlink()
    print(f"largest resident memory of the run: {highest[0]:,.0f} MiB")


if __name__ == "__main__":
    main()
