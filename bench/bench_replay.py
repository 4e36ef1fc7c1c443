"""Replaying a force through the live path (issue 5: the 20k demo force in under 5 minutes).

    .venv/bin/python bench/bench_replay.py --incidents 20000 --seed 7

Generates the force, trains the linkage model on a bulk-imported copy (as a force would train on
its history), then replays every record one at a time, in reported order, into a fresh store
through :func:`threadline.crossref.submit` — storing, resolving and recognising each — and
prints the total time and the per-record latency percentiles, then scores what the live path
resolved and raised against the force's truth (``threadline eval``'s resolution and recognition
sections), so the call-time path is measured as well as the batch one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from threadline.crossref.replay import ownership_report, replay
from threadline.evaluate.force import evaluate_force
from threadline.evaluate.report import render_table
from threadline.ingest import import_files
from threadline.recognise.ownership import OwnershipLedger
from threadline.resolve.batch import train_store_model
from threadline.settings import Settings
from threadline.store import open_store
from threadline.synth import generate_force

FILES = ("orders.jsonl", "incidents.jsonl", "crimes.jsonl", "assessments.jsonl")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="keep the force and stores here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        folder = Path(scratch) / "force"
        generate_force(folder, args.incidents, args.seed)
        paths = [folder / name for name in FILES]
        history = open_store(f"sqlite:///{scratch}/history.db")
        import_files(history, paths)
        model = train_store_model(history, trained_at=datetime.now(UTC))
        live = open_store(f"sqlite:///{scratch}/live.db")
        rules: Counter[str] = Counter()
        ledger = OwnershipLedger(Settings().alert_default_team)
        started = time.perf_counter()
        report = replay(
            live,
            model,
            paths,
            on_submission=lambda s: rules.update(c.alert.rule_id for c in s.changes),
            ledger=ledger,
        )
        elapsed = time.perf_counter() - started
        lat = report.latencies_ms
        print(
            f"replayed {report.submitted:,} records in {elapsed:.0f}s "
            f"({report.submitted / elapsed:,.0f} records/s); per record "
            f"p50 {percentile(lat, 0.5):.1f} ms, p95 {percentile(lat, 0.95):.1f} ms, "
            f"p99 {percentile(lat, 0.99):.1f} ms"
        )
        print("alert changes by rule:", dict(rules.most_common()))
        owed = ownership_report(live, ledger)
        print(
            f"campaigns: {len(owed['campaigns']):,}; breach alerts without an arrest decision: "
            f"{owed['breach_alerts_without_decision']:,}; alerts without an owner: "
            f"{owed['alerts_without_owner']:,}"
        )
        sections, _details = evaluate_force(live, folder)
        wanted = ("Resolution of named person mentions", "Recognition")
        print(render_table({k: v for k, v in sections.items() if k in wanted}))


if __name__ == "__main__":
    main()
