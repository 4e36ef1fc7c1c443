"""Bulk import speed: the embedded SQLite store, and PostgreSQL beside it (issue 2 target: ≥ 2,000
incidents/s into SQLite; issue 26: ≥ 5,000 incidents/s into PostgreSQL).

    .venv/bin/python bench/bench_import.py --incidents 50000
    .venv/bin/python bench/bench_import.py --incidents 20000 \\
        --postgres postgresql://root@127.0.0.1:5432/test

Generates a synthetic force (unless --from names a folder with incidents.jsonl) and, for each
store (a fresh SQLite file; with ``--postgres``, a fresh schema in that database, dropped
afterwards):

- the import as ``threadline import`` runs it (validated and normalised in worker processes,
  written by the main one: ``COPY`` on PostgreSQL), in incidents per second;
- the same file imported again (every record unchanged);
- the writing alone: the same records prepared beforehand, then written in batches of 1,000 as
  the import writes them, into another fresh store. The import cannot be faster than its
  slower half, and on a busy 2-core machine that is the preparing (validating, normalising),
  which is the same for both stores; this line is what the store itself costs.

Each import also prints its CPU per incident: this process (reading the file, writing), the
worker processes (validating, normalising) and, on PostgreSQL, the server processes serving
the store, with the most that the machine's cores could import at that CPU when idle: on a
shared machine the wall-clock figure says as much about the neighbours as about the import.

The figures are printed side by side with PostgreSQL's ratio to SQLite's.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from threadline.ingest import import_files
from threadline.ingest.importer import prepare_raw
from threadline.ingest.readers import read_file
from threadline.store import open_store, summarise
from threadline.store.database import make_engine
from threadline.store.records import Prepared, write_prepared
from threadline.synth import generate_force

BATCH = 1000


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A URL whose connections use a fresh schema of ``base``'s database, dropped afterwards."""
    schema = f"bench_import_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        # named, so that the server processes serving this store can be told from others'
        yield f"{base}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def server_cpu(engine: Engine) -> float:
    """CPU seconds of the PostgreSQL processes serving ``engine``'s store so far (by the
    application name its URL gives); 0 for SQLite, whose work is done in this process."""
    if engine.dialect.name != "postgresql":
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    with engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity "
            "WHERE application_name = current_setting('application_name')"
        ).scalars()
        total = 0.0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_now(engine: Engine) -> tuple[float, float, float]:
    """CPU seconds so far: this process, its ended children (the import's workers), and the
    server processes of ``engine``'s store."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return (
        own.ru_utime + own.ru_stime,
        children.ru_utime + children.ru_stime,
        server_cpu(engine),
    )


def import_figures(url: str, path: Path) -> tuple[float, float]:
    """(incidents/s of the import, records/s of the re-import) into the empty store ``url``."""
    engine = open_store(url)
    before = cpu_now(engine)
    started = time.perf_counter()
    report = import_files(engine, [path])
    elapsed = time.perf_counter() - started
    used = [after - start for after, start in zip(cpu_now(engine), before, strict=True)]
    summary = summarise(engine)
    started = time.perf_counter()
    again = import_files(engine, [path])
    again_elapsed = time.perf_counter() - started
    engine.dispose()
    if report.rejected:
        raise SystemExit(f"{report.rejected} records rejected")
    print(
        f"  import: {summary.incidents:,} incidents, {summary.mentions:,} person mentions in "
        f"{elapsed:.1f}s = {summary.incidents / elapsed:,.0f} incidents/s; re-import "
        f"(unchanged {again.counts.unchanged:,}): {again.counts.unchanged / again_elapsed:,.0f}"
        " records/s"
    )
    per = [seconds * 1e6 / summary.incidents for seconds in used]
    cores = os.cpu_count() or 1
    print(
        f"  CPU per incident imported: {per[0]:.0f} µs this process (reading, writing), "
        f"{per[1]:.0f} µs the workers (validating, normalising), {per[2]:.0f} µs the database "
        f"server; {sum(per):.0f} µs in all: {cores} idle cores could import at most "
        f"{cores * 1e6 / sum(per):,.0f} incidents/s; load average {os.getloadavg()[0]:.2f}"
    )
    return summary.incidents / elapsed, again.counts.unchanged / again_elapsed


def write_figure(url: str, prepared: list[Prepared]) -> float:
    """Incidents/s of writing ``prepared`` (unbound rows) into the empty store ``url``."""
    engine = open_store(url)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, len(prepared), BATCH):
        with engine.begin() as conn:
            write_prepared(conn, prepared[start : start + BATCH], now)
    elapsed = time.perf_counter() - started
    engine.dispose()
    print(f"  writing alone: {len(prepared):,} incidents in {elapsed:.1f}s")
    return len(prepared) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--from", dest="source", type=Path, default=None)
    parser.add_argument("--db", default=None, help="SQLite URL (default: a fresh scratch file)")
    parser.add_argument(
        "--postgres", default=None, help="a PostgreSQL database to import into as well"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.source
        if folder is None:
            folder = Path(scratch) / "force"
            started = time.perf_counter()
            generate_force(folder, args.incidents, args.seed)
            print(f"generated {args.incidents:,} incidents in {time.perf_counter() - started:.1f}s")
        path = folder / "incidents.jsonl"
        items = (prepare_raw(raw) for raw in read_file(path, parse=False))
        prepared = [item for item in items if isinstance(item, Prepared)]
        figures: dict[str, tuple[float, float, float]] = {}
        print("sqlite:")
        full, again = import_figures(args.db or f"sqlite:///{scratch}/bench.db", path)
        figures["sqlite"] = (full, again, write_figure(f"sqlite:///{scratch}/write.db", prepared))
        if args.postgres:
            print("postgresql:")
            with postgres_schema(args.postgres) as url:
                full, again = import_figures(url, path)
            with postgres_schema(args.postgres) as url:
                figures["postgresql"] = (full, again, write_figure(url, prepared))
    print(f"{'':12}{'import/s':>12}{'re-import/s':>14}{'writing/s':>12}")
    for name, (full, again, write) in figures.items():
        print(f"{name:12}{full:12,.0f}{again:14,.0f}{write:12,.0f}")
    if "postgresql" in figures:
        ratios = [p / s for p, s in zip(figures["postgresql"], figures["sqlite"], strict=True)]
        print(
            f"{'pg / sqlite':12}"
            + "".join(f"{r:{w}.2f}" for r, w in zip(ratios, (12, 14, 12), strict=True))
        )


if __name__ == "__main__":
    main()
