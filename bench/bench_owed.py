"""The owed-assessment list the dashboard shows: reading only the incidents its rules can act on
beside reading every incident (the anchor, as the dashboard did before), on one store, one run.

    .venv/bin/python bench/bench_owed.py --db /tmp/dash_force/threadline.db

Both give the same list (checked here, as tests/crossref/test_risk_reads.py checks it on the
small force); printed are the incidents each read, the best and median wall time of
``--repeat`` runs, and the ratio (below 1: faster).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threadline.crossref.risk import (
    assessment_facts_from_store,
    incident_facts,
    owed,
    risk_incident_facts,
)
from threadline.risk import owed_assessments
from threadline.store.database import make_engine


def timed(run: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1000)
    return result, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a resolved SQLite store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.db}")
    now = datetime.now(UTC)

    def every() -> Any:
        return owed_assessments(incident_facts(engine), assessment_facts_from_store(engine), now)

    anchor, before = timed(every, args.repeat)
    narrowed, after = timed(lambda: owed(engine, now), args.repeat)
    assert narrowed == anchor, "the narrowed read gives another list"
    read_all, read_some = len(incident_facts(engine, False)), len(risk_incident_facts(engine))
    print(f"{args.db}: {len(anchor)} owed; load average {os.getloadavg()[0]:.1f}")  # noqa: T201
    print(f"{'read':<28}{'incidents':>10}{'best ms':>9}{'median ms':>11}")  # noqa: T201
    for name, n, t in (("every incident (anchor)", read_all, before),
                       ("what the rules act on", read_some, after)):  # fmt: skip
        print(f"{name:<28}{n:>10,}{min(t):>9.0f}{statistics.median(t):>11.0f}")  # noqa: T201
    ratio = statistics.median(after) / statistics.median(before)
    print(f"ratio (median, after / anchor): {ratio:.2f}")  # noqa: T201


if __name__ == "__main__":
    main()
