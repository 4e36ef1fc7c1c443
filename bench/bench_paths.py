"""Latency of "how are these two connected?" on a large store (issue 8 target: p95 ≤ 100 ms).

    .venv/bin/python bench/bench_paths.py --incidents 100000

Generates a synthetic force (or reads one with --from), imports incidents, crimes and orders into a
fresh SQLite file (or --db), and gives every person mention the entity of its *true* person from
``truth_mentions.jsonl``, inserted in bulk. That isolates path search from entity resolution: the
graph is the one a perfect resolver would give (with every unnamed "U" person an entity of one
mention). Then it times :func:`threadline.links.shortest_paths` (max 4 hops, all link kinds,
default degree cap) between random pairs of people from the same scenario series, and between
random pairs of people in general, and prints p50/p95/p99 latency and how many pairs connected.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select

from threadline.ingest import import_files
from threadline.links import shortest_paths
from threadline.store import open_store
from threadline.store import tables as t
from threadline.synth import generate_force

SOURCES = {"incident": "cad", "crime": "rms", "order": "courts", "risk_assessment": "rms"}
BATCH = 20_000


def truth_members(folder: Path) -> Iterator[tuple[str, str]]:
    """(mention key, true person id) for every mention of every incident, crime and order."""
    with open(folder / "truth_mentions.jsonl", encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            kind = entry["kind"]
            if kind == "risk_assessment":
                continue
            key = f"{kind}:{SOURCES[kind]}:{entry['ref']}"
            for index, person in enumerate(entry.get("people") or ()):
                yield f"{key}#{index}", person["person"]
            if "respondent" in entry:
                yield f"{key}#respondent", entry["respondent"]["person"]
            for index, person in enumerate(entry.get("protected") or ()):
                yield f"{key}#protected{index}", person["person"]


def assign_entities(engine: Engine, folder: Path) -> dict[str, str]:
    """Insert one entity per true person and its members; return true id → entity id."""
    now = datetime.now(UTC)
    ids: dict[str, str] = {}
    members: list[dict[str, object]] = []
    entities: list[dict[str, object]] = []

    def flush(conn: object) -> None:
        if entities:
            conn.execute(insert(t.entities), entities)  # type: ignore[attr-defined]
        if members:
            conn.execute(insert(t.entity_members), members)  # type: ignore[attr-defined]
        entities.clear()
        members.clear()

    with engine.begin() as conn:
        for mention_key, person in truth_members(folder):
            entity = ids.get(person)
            if entity is None:
                entity = ids[person] = f"P{len(ids) + 1:07d}"
                entities.append(
                    {
                        "id": entity,
                        "kind": "person",
                        "label": person,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            members.append(
                {
                    "mention_key": mention_key,
                    "entity_id": entity,
                    "match_probability": 1.0,
                    "evidence": None,
                    "assigned_at": now,
                    "assigned_by": "bench:truth",
                }
            )
            if len(members) >= BATCH:
                flush(conn)
        flush(conn)
    return ids


def series_pairs(
    folder: Path, ids: dict[str, str], rng: random.Random, n: int
) -> list[tuple[str, str]]:
    """Random pairs of people who appear in the same scenario series."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    groups = []
    for series in truth["series"]:
        people = sorted({ids[p] for p in (*series["victims"], *series["suspects"]) if p in ids})
        if len(people) >= 2:
            groups.append(people)
    return [tuple(rng.sample(rng.choice(groups), 2)) for _ in range(n)] if groups else []  # type: ignore[misc]


def timed(
    engine: Engine, pairs: list[tuple[str, str]], max_hops: int
) -> tuple[list[float], list[int]]:
    latencies, lengths = [], []
    with engine.connect() as conn:
        for a, b in pairs:
            started = time.perf_counter()
            paths = shortest_paths(conn, a, b, max_hops=max_hops)
            latencies.append((time.perf_counter() - started) * 1000)
            lengths.append(paths[0].length if paths else 0)
    return latencies, lengths


def describe(name: str, latencies: list[float], lengths: list[int]) -> str:
    if not latencies:
        return f"{name}: no pairs"
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    found = sum(1 for n in lengths if n)
    by_length = {n: lengths.count(n) for n in sorted(set(lengths)) if n}
    return (
        f"{name}: {len(latencies)} pairs, connected {found} {by_length}; "
        f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {max(latencies):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--max-hops", type=int, default=4)
    parser.add_argument("--from", dest="source", type=Path, default=None, help="a synth folder")
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--timing-only",
        action="store_true",
        help="only time searches on a --db store built by an earlier run from --from",
    )
    args = parser.parse_args()
    if args.timing_only and (args.db is None or args.source is None):
        parser.error("--timing-only needs --db and --from")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.source
        if folder is None:
            folder = Path(scratch) / "force"
            started = time.perf_counter()
            generate_force(folder, args.incidents, args.seed)
            print(f"generated {args.incidents:,} incidents in {time.perf_counter() - started:.1f}s")
        engine = open_store(args.db or f"sqlite:///{scratch}/bench.db")
        if args.timing_only:
            with engine.connect() as conn:
                rows = conn.execute(select(t.entities.c.label, t.entities.c.id)).all()
                ids = {label: entity for label, entity in rows}
        else:
            started = time.perf_counter()
            files = [folder / f for f in ("incidents.jsonl", "crimes.jsonl", "orders.jsonl")]
            report = import_files(engine, files, batch_size=5000)
            print(
                f"imported {report.counts.stored:,} records in "
                f"{time.perf_counter() - started:.1f}s (rejected {report.rejected})"
            )
            started = time.perf_counter()
            ids = assign_entities(engine, folder)
            elapsed = time.perf_counter() - started
            print(f"assigned {len(ids):,} true people as entities in {elapsed:.1f}s")
        people = sorted(ids.values())
        same_series = series_pairs(folder, ids, rng, args.pairs)
        general = [tuple(rng.sample(people, 2)) for _ in range(args.pairs)]
        timed(engine, general[:20], args.max_hops)  # warm the page cache
        for name, pairs in (("same series", same_series), ("random pairs", general)):
            latencies, lengths = timed(engine, pairs, args.max_hops)  # type: ignore[arg-type]
            print(describe(name, latencies, lengths))


if __name__ == "__main__":
    main()
