"""The live path beside batch on one force (issue 21: the live path equals batch).

    .venv/bin/python bench/bench_live_batch.py --incidents 5000 --seed 7
    .venv/bin/python bench/bench_live_batch.py --incidents 5000 --seed 7 --profile sparse

Generates the force (``--profile``: the default force, or ``sparse``, whose settings differ from
every test's: many shared surnames, most dates of birth, phones and e-mails absent), imports it
into one store, trains the linkage model there and resolves it in batch; then replays the same
records one at a time, in reported order, through the live path into a fresh store
(:func:`threadline.crossref.replay.replay`, as ``bench/bench_replay.py``), with the same model.
Prints, for both: pairwise precision and recall of named mentions and trap pairs merged (as
``threadline eval`` scores them), and the contradicting joins: mentions in a person one of whose
other members they contradict (forenames, dates of birth, sexes:
:func:`threadline.resolve.comparisons.contradiction`). Targets: live recall within 0.02 of
batch, live precision at least 0.995, no contradicting join.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from threadline.crossref.replay import replay
from threadline.evaluate.force import load_truth, resolution
from threadline.ingest import import_files
from threadline.resolve.batch import load_features, resolve_store, train_store_model
from threadline.resolve.features import features_table
from threadline.resolve.joins import first_contradiction
from threadline.store import open_store
from threadline.store import tables as t
from threadline.synth import PROFILES, generate_force

FILES = ("orders.jsonl", "incidents.jsonl", "crimes.jsonl", "assessments.jsonl")


def contradicting_joins(engine: Engine) -> int:
    """Mentions in a person with another member they contradict."""
    with engine.connect() as conn:
        features = load_features(conn)
        members = conn.execute(
            select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)
        ).all()
    rows = {str(r["unique_id"]): r for r in features_table(features).to_pylist()}
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in members:
        if row.mention_key in rows:
            people[row.entity_id].append(rows[row.mention_key])
    count = 0
    for group in people.values():
        if len(group) < 2:
            continue
        for i, mention in enumerate(group):
            others = group[:i] + group[i + 1 :]
            if first_contradiction([mention], others) is not None:
                count += 1
    return count


def scores(engine: Engine, folder: Path) -> dict[str, float]:
    section, _details = resolution(engine, load_truth(folder))
    return {
        "pairwise precision": float(section["pairwise precision"]["Threadline"]),  # type: ignore[arg-type]
        "pairwise recall": float(section["pairwise recall"]["Threadline"]),  # type: ignore[arg-type]
        "trap pairs merged": float(section["trap pairs merged"]["Threadline"]),  # type: ignore[arg-type]
        "contradicting joins": float(contradicting_joins(engine)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument("--keep", type=Path, default=None, help="keep the force and stores here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        folder = scratch / "force"
        generate_force(folder, args.incidents, args.seed, PROFILES[args.profile])
        paths = [folder / name for name in FILES]
        batch = open_store(f"sqlite:///{scratch}/batch.db")
        import_files(batch, paths)
        now = datetime.now(UTC)
        model = train_store_model(batch, trained_at=now)
        started = time.perf_counter()
        resolve_store(batch, model, now=now)
        batch_seconds = time.perf_counter() - started
        live = open_store(f"sqlite:///{scratch}/live.db")
        started = time.perf_counter()
        report = replay(live, model, paths)
        live_seconds = time.perf_counter() - started
        results = {"batch": scores(batch, folder), "live": scores(live, folder)}
        latencies = sorted(report.latencies_ms)
        p50, p95 = (latencies[int(share * (len(latencies) - 1))] for share in (0.5, 0.95))
        print(
            f"force: {args.incidents:,} incidents, seed {args.seed}, profile {args.profile}; "
            f"batch resolved in {batch_seconds:.0f}s, live replayed {report.submitted:,} "
            f"records in {live_seconds:.0f}s (per record p50 {p50:.1f} ms, p95 {p95:.1f} ms)"
        )
        print(f"{'':24}{'batch':>10}{'live':>10}")
        for metric in results["batch"]:
            b, v = results["batch"][metric], results["live"][metric]
            shown = (f"{b:10.4f}{v:10.4f}" if metric.startswith("pairwise")
                     else f"{b:10.0f}{v:10.0f}")  # fmt: skip
            print(f"{metric:24}{shown}")
        gap = results["batch"]["pairwise recall"] - results["live"]["pairwise recall"]
        print(
            f"recall gap {gap:+.4f} (target <= 0.02); live precision "
            f"{results['live']['pairwise precision']:.4f} (target >= 0.995); live contradicting "
            f"joins {results['live']['contradicting joins']:.0f} (target 0)"
        )


if __name__ == "__main__":
    main()
