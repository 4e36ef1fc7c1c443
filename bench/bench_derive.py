"""What deriving the kept facts again costs when a release's rules change (store.derived).

    .venv/bin/python bench/bench_derive.py --db sqlite:////tmp/copy-of-a-store.db

Opens the store (migrating it), forgets the fingerprints of the derived facts, as a store
opened by a release with other rules finds them, and derives every fact again
(:func:`threadline.store.database.derive_kept_facts`: one transaction in the writers' turn),
printing the wall time, the CPU seconds of this process and how many rows changed; then
derives once more with nothing due (the cost of every later opening). It writes to the store:
run it on a copy.
"""

from __future__ import annotations

import argparse
import resource
import time

from sqlalchemy import delete, func, select

from threadline.store import make_engine, migrate, writing
from threadline.store import tables as t
from threadline.store.database import derive_kept_facts


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL of a copy of a store")
    args = parser.parse_args()
    engine = make_engine(args.db)
    migrate(engine)
    with engine.connect() as conn:
        incidents = conn.execute(select(func.count()).select_from(t.incidents)).scalar_one()
        graded = conn.execute(select(func.count()).select_from(t.risk_assessments)).scalar_one()
    print(f"{incidents:,} incidents, {graded:,} risk assessments")
    with writing(engine) as conn:
        conn.execute(delete(t.derived_facts))
    for label in ("derived again (fingerprints forgotten)", "opened again (nothing due)"):
        wall, used = time.perf_counter(), cpu()
        changed = derive_kept_facts(engine)
        print(
            f"{label}: {time.perf_counter() - wall:.1f} s wall, {cpu() - used:.1f} s CPU; "
            f"rows changed {changed or 'none'}"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
