"""Cost per mention of resolution on a Spark standalone cluster on this machine (issue 26).

    .venv/bin/python bench/bench_spark.py --incidents 2000 5000 10000
    .venv/bin/python bench/bench_spark.py --incidents 20000 --workers 2 --worker-memory 2g
    .venv/bin/python bench/bench_spark.py --incidents 362000 1000000 \
        --store 1000000=.tmp/g1m/n1000000/store.db --worker-memory 3g --executor-memory 2g

For each size: a synthetic force (``threadline.synth``) imported into a fresh SQLite store (or,
with ``--store INCIDENTS=PATH``, a store of that force already built, e.g. by
``bench/bench_growth.py --keep``: resolving it again replaces its memberships), a
model trained on the smallest size's store (once, so every size is scored by the same model),
then ``resolve_store`` with :func:`threadline.resolve.spark.score_on_spark` on a standalone
cluster the bench starts itself (a master and ``--workers`` workers, each a ``spark-class``
process, as in ``tests/resolve/test_spark_cluster.py``).

Printed for each size: mentions, pairs scored, wall seconds, CPU seconds of everything that ran
(this driver and its JVM, the master, the workers, their executors and Python workers, read
from ``/proc`` as user + system time of each process and of its reaped children), CPU
microseconds per mention, and the largest peak resident memory of one executor JVM and of one
executor's Python workers together (``VmHWM``, read before the application ends). The last
line gives the spread of the cost per mention (largest over smallest).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from factories import force_files  # noqa: E402
from spark_cluster import standalone_cluster  # noqa: E402
from threadline.ingest import import_files  # noqa: E402
from threadline.resolve.batch import resolve_store, train_store_model  # noqa: E402
from threadline.resolve.linkage import LinkageModel  # noqa: E402
from threadline.resolve.spark import score_on_spark, spark_session  # noqa: E402
from threadline.store.database import open_store  # noqa: E402
from threadline.synth import generate_force  # noqa: E402

NOW = datetime(2026, 3, 1, tzinfo=UTC)
TICKS = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found.setdefault(int(fields[1]), []).append(int(entry.name))
    return found


def tree(roots: list[int]) -> list[int]:
    """The processes ``roots`` and everything they started."""
    children, seen, todo = _children(), [], list(roots)
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(children.get(pid, []))
    return seen


def cpu_seconds(pids: list[int]) -> float:
    """User + system time of ``pids`` and of the children they reaped."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass(frozen=True)
class Measure:
    incidents: int
    mentions: int
    pairs: int
    wall: float
    cpu: float
    executor_kib: int
    python_kib: int

    @property
    def per_mention_us(self) -> float:
        return self.cpu / self.mentions * 1e6


def store_of(incidents: int, seed: int, scratch: Path) -> object:
    force = scratch / f"force-{incidents}"
    generate_force(force, incidents, seed)
    engine = open_store(f"sqlite:///{scratch}/store-{incidents}.db")
    import_files(engine, force_files(force))
    return engine


def measure(
    engine: object, model: LinkageModel, incidents: int, args: argparse.Namespace, scratch: Path
) -> Measure:
    with standalone_cluster(
        scratch / f"cluster-{incidents}",
        workers=args.workers,
        cores=1,
        memory=args.worker_memory,
    ) as cluster:
        roots = [os.getpid(), *(p.pid for p in cluster.processes)]
        session = spark_session(
            cluster.master_url,
            executor_memory=args.executor_memory,
            config=dict(setting.split("=", 1) for setting in args.conf),
        )
        before = cpu_seconds(tree(roots))
        started = time.perf_counter()
        report = resolve_store(
            engine,  # type: ignore[arg-type]
            model,
            now=NOW,
            score=score_on_spark(session, str(scratch / f"run-{incidents}")),
        )
        wall = time.perf_counter() - started
        workers = tree([p.pid for p in cluster.processes[1:]])
        executors = [p for p in workers if "CoarseGrainedExecutorBackend" in command_of(p)]
        executor_kib = max((peak_kib(p) for p in executors), default=0)
        python_kib = max(
            (sum(peak_kib(c) for c in tree([e]) if "python" in command_of(c)) for e in executors),
            default=0,
        )
        after = cpu_seconds(tree(roots))
        session.stop()
    return Measure(
        incidents, report.mentions, report.pairs_scored, wall, after - before,
        executor_kib, python_kib,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[2000, 5000, 10000])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-memory", default="1g")
    parser.add_argument("--executor-memory", default="768m")
    parser.add_argument("--scratch", type=Path, default=None)
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting"
    )
    parser.add_argument(
        "--store",
        action="append",
        default=[],
        metavar="INCIDENTS=PATH",
        help="a SQLite store of that size's force already imported (--seed's), not built again",
    )
    args = parser.parse_args()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="bench-spark-"))
    sizes = sorted(args.incidents)
    built = {int(n): Path(path) for n, path in (given.split("=", 1) for given in args.store)}
    stores = {
        n: open_store(f"sqlite:///{built[n]}") if n in built else store_of(n, args.seed, scratch)
        for n in sizes
    }
    model = train_store_model(stores[sizes[0]], trained_at=NOW)  # type: ignore[arg-type]
    print(
        f"{'incidents':>10} {'mentions':>10} {'pairs':>10} {'wall s':>8} {'CPU s':>8} "
        f"{'CPU µs/mention':>15} {'executor MiB':>13} {'python MiB':>11}"
    )
    results = []
    for n in sizes:
        m = measure(stores[n], model, n, args, scratch)
        results.append(m)
        print(
            f"{m.incidents:>10,} {m.mentions:>10,} {m.pairs:>10,} {m.wall:>8.1f} {m.cpu:>8.1f} "
            f"{m.per_mention_us:>15,.0f} {m.executor_kib / 1024:>13.0f} "
            f"{m.python_kib / 1024:>11.0f}",
            flush=True,
        )
    costs = [m.per_mention_us for m in results]
    print(f"cost per mention, largest over smallest: {max(costs) / min(costs):.2f}")


if __name__ == "__main__":
    main()
