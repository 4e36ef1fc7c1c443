"""Batch person resolution on a synthetic force, scored against its truth (issue 4).

    .venv/bin/python bench/bench_resolution.py --incidents 100000 --seed 3
    .venv/bin/python bench/bench_resolution.py --force /tmp/f20k --db sqlite:////tmp/acc20k.db \
        --skip-import --explain-errors 5

Generates a force (or reuses ``--force DIR``), imports it into a fresh SQLite file (or ``--db``),
trains the linkage model, resolves every mention with :func:`threadline.resolve.batch.resolve_store`
(the path ``threadline resolve`` takes) and prints the evaluation table with stock Splink and the
exact-name baselines beside Threadline (``--no-stock-splink`` leaves stock Splink out: on a
million incidents it takes longer than everything else together).

Printed for each stage: wall time, CPU seconds (``resource.getrusage``: this process, DuckDB's
threads included) and the stage's own peak resident memory (the kernel's count reset at the start
of the stage, ``/proc/self/clear_refs``; the process's peak so far where that cannot be done),
then the number of pairs the blocking rules generate, which decides whether prediction scales.
Stock Splink is trained and run on the same mentions first, each half timed the same way, and
the run ends with Threadline's train and resolve beside stock Splink's, CPU and peak RSS as
ratios (issue 26: resolve within 3x stock Splink's CPU and 1.5x its peak RSS).

Training prints what it skipped for fields the force lacks (see
:func:`threadline.resolve.training.training_plan`). To compare a change with the code before it,
run both on one force, e.g. an older checkout's ``src`` first on ``PYTHONPATH``:

    PYTHONPATH=/tmp/old/src .venv/bin/python /tmp/old/bench/bench_resolution.py --force /tmp/f10k
    .venv/bin/python bench/bench_resolution.py --force /tmp/f10k

``--explain-errors N`` then lists why the resolution missed or wrongly made links: true
same-person groups left apart, grouped by the noise the generator put on the split-off
mentions (``truth_mentions.jsonl``) and by how far the best link between them got (never
blocked, scored below the review threshold, in the review band, or above the match threshold
but refused), with N examples of each and their evidence (:func:`explain_pair`); and the
clusters that hold more than one true person, with their mentions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import Engine, select

from threadline.evaluate import render_table
from threadline.evaluate.force import evaluate_force, load_truth, store_mentions
from threadline.evaluate.report import headroom_sentence
from threadline.evaluate.stock_splink import predict_stock_splink, train_stock_splink
from threadline.ingest import import_files
from threadline.resolve.batch import (
    MATCH_THRESHOLD,
    REVIEW_THRESHOLD,
    load_features,
    resolve_store,
    train_store_model,
)
from threadline.resolve.comparisons import blocking_keys, blocking_table
from threadline.resolve.explain import explain_pair
from threadline.resolve.linkage import LinkageModel, load_model, predict_pairs, save_model
from threadline.store import open_store
from threadline.store import tables as t
from threadline.synth import generate_force

RECORD_FILES = ("incidents.jsonl", "crimes.jsonl", "assessments.jsonl", "orders.jsonl")
#: Noise that normalisation removes entirely; left out when grouping errors.
CLEANED_NOISE = frozenset(
    {
        "phone_format",
        "caps",
        "address_lower",
        "address_abbrev",
        "postcode_lower",
        "postcode_squashed",
    }
)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process so far (DuckDB's threads included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reset_peak_rss() -> bool:
    """Start the kernel's peak-RSS count afresh (Linux: ``5`` to ``clear_refs``), so that a
    stage's peak is its own and not an earlier stage's; ``False`` where that cannot be done."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _stage_peak_rss_mb() -> float:
    """The peak RSS since :func:`_reset_peak_rss` (``VmHWM``), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


@dataclass
class Cost:
    wall: float
    cpu: float
    #: the stage's own peak RSS (the process's so far where it cannot be reset)
    peak_mb: float


@contextmanager
def stage(
    name: str, timings: dict[str, float], costs: dict[str, Cost] | None = None
) -> Iterator[None]:
    reset = _reset_peak_rss()
    started, cpu = time.perf_counter(), cpu_seconds()
    yield
    timings[name] = time.perf_counter() - started
    used = cpu_seconds() - cpu
    peak = _stage_peak_rss_mb() if reset else peak_rss_mb()
    if costs is not None:
        costs[name] = Cost(timings[name], used, peak)
    print(
        f"{name}: {timings[name]:.1f}s wall, {used:.1f}s CPU, peak RSS {peak:,.0f} MiB"
        f"{'' if reset else ' (process so far)'}",
        flush=True,
    )


def stock_splink_cost(
    engine: Engine, folder: Path, timings: dict[str, float], costs: dict[str, Cost]
) -> None:
    """Train and run stock Splink on the mentions the evaluation gives it, timing each half."""
    truth = load_truth(folder)
    mentions = [
        {**m, "id": "|".join(m["id"])}
        for m in store_mentions(engine)
        if m["id"] in truth.person_of and m["id"] not in truth.unnamed
    ]
    with stage("stock Splink train", timings, costs):
        linker, ids = train_stock_splink(mentions)
    with stage("stock Splink resolve", timings, costs):
        predict_stock_splink(linker, ids)


def print_ratios(costs: dict[str, Cost]) -> None:
    """Threadline's train and resolve beside stock Splink's: CPU and peak RSS, with ratios."""
    print("\nCost beside stock Splink (same store; CPU seconds, stage peak RSS):")
    print(f"  {'stage':<8} {'Threadline':>22} {'stock Splink':>22} {'CPU ×':>7} {'RSS ×':>7}")
    for name in ("train", "resolve"):
        mine, theirs = costs.get(name), costs.get(f"stock Splink {name}")
        if mine is None or theirs is None:
            continue
        print(
            f"  {name:<8} {mine.cpu:>8.1f}s {mine.peak_mb:>8,.0f} MiB "
            f"{theirs.cpu:>8.1f}s {theirs.peak_mb:>8,.0f} MiB "
            f"{mine.cpu / theirs.cpu:>6.1f}× {mine.peak_mb / theirs.peak_mb:>6.2f}×"
        )


def blocked_pair_counts(features: pd.DataFrame) -> dict[str, int]:
    """How many pairs each prediction blocking rule generates (before deduplication).

    Counted with one GROUP BY per rule, never by making the pairs: ``n (n - 1) / 2`` per key;
    a rule with a condition on the two sides (:data:`.comparisons.KEY_CONDITIONS`) by joining
    the mentions on its key, the condition applied.
    """
    table = blocking_table(features)
    con = duckdb.connect()
    con.register("mentions", table)
    counts: dict[str, int] = {}
    for key in blocking_keys():
        source = "mentions"
        if key.explode:
            column = key.explode
            source = f"(SELECT unnest({column}) AS {column} FROM mentions)"
        conditions = [f'"{c}" IS NOT NULL' for c in key.columns]
        if key.crowd:
            conditions.append(key.crowd.replace('l."', '"'))
        keys = ", ".join(f'"{c}"' for c in key.columns)
        if key.condition is not None:
            (count,) = con.execute(
                "SELECT count(*) FROM mentions l JOIN mentions r "
                f"ON l.unique_id < r.unique_id AND {key.sql}"
            ).fetchone()
        else:
            (count,) = con.execute(
                f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n "
                f"FROM {source} WHERE {' AND '.join(conditions)} GROUP BY {keys})"
            ).fetchone()
        where = [w.replace('l."', "") for w in (key.crowd,) if w]
        if key.condition is not None:
            where.append(key.condition.sql)
        label = ", ".join(key.columns) + (f" where {' AND '.join(where)}" if where else "")
        counts[label.replace('"', "")] = int(count)
    return counts


# -- Error analysis ----------------------------------------------------------------------------


def _mention_noise(folder: Path) -> dict[tuple[str, str, str], list[str]]:
    noise: dict[tuple[str, str, str], list[str]] = {}
    with (folder / "truth_mentions.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            kind, ref = row["kind"], row["ref"]
            for index, person in enumerate(row.get("people") or []):
                noise[(kind, ref, str(index))] = person.get("noise") or []
            for role in ("subject", "respondent"):
                if row.get(role):
                    noise[(kind, ref, role)] = row[role].get("noise") or []
            for index, person in enumerate(row.get("protected") or []):
                noise[(kind, ref, f"protected{index}")] = person.get("noise") or []
    return noise


def _mention_identity(mention_key: str) -> tuple[str, str, str]:
    record, position = mention_key.rsplit("#", 1)
    kind, _source, ref = record.split(":", 2)
    return (kind, ref, position)


def explain_errors(
    engine: Engine, folder: Path, model: LinkageModel, examples: int, out: Any = sys.stdout
) -> None:
    """Print missed and wrong links of the stored resolution, grouped by cause (see module doc)."""
    truth = load_truth(folder)
    noise = _mention_noise(folder)
    with engine.connect() as conn:
        features = load_features(conn)
        entity_of = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
    person: dict[str, str] = {}
    for key in features["unique_id"]:
        identity = _mention_identity(key)
        if identity in truth.person_of and identity not in truth.unnamed:
            person[key] = truth.person_of[identity]
    features = features[features["unique_id"].isin(person)].reset_index(drop=True)
    pairs = predict_pairs(model, features, threshold_match_probability=0.001)
    score = {
        frozenset((a, b)): p
        for a, b, p in zip(
            pairs["unique_id_l"], pairs["unique_id_r"], pairs["match_probability"], strict=True
        )
    }
    by_person: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, who in person.items():
        by_person[who][entity_of.get(key, key)].append(key)

    groups: Counter[tuple[str, str]] = Counter()
    lost: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for clusters in by_person.values():
        if len(clusters) < 2:
            continue
        ordered = sorted(clusters.values(), key=len, reverse=True)
        main = ordered[0]
        for group in ordered[1:]:
            tags = sorted(
                {n for k in group for n in noise.get(_mention_identity(k), [])} - CLEANED_NOISE
            )
            best = max((score.get(frozenset((a, b)), -1.0), a, b) for a in group for b in main)
            if best[0] < 0:
                status = "never blocked"
            elif best[0] < REVIEW_THRESHOLD:
                status = f"scored below {REVIEW_THRESHOLD}"
            elif best[0] < MATCH_THRESHOLD:
                status = "in the review band"
            else:
                status = "above the threshold, refused"
            cause = (",".join(tags) or "no noise", status)
            groups[cause] += 1
            lost[cause] += len(group) * len(main)
            shown[cause].append(best)

    rows = features.set_index("unique_id")
    columns = ["forename", "surname", "dob", "sex", "postcode", "address_key", "phones"]

    def describe(key: str) -> str:
        values = [rows.at[key, c] for c in columns]
        text = " | ".join("-" if v is None or v != v or v == [] else str(v) for v in values)
        return f"{text}   noise: {','.join(noise.get(_mention_identity(key), [])) or '-'}"

    print("\nMissed links: groups of one person's mentions left apart from the person's", file=out)
    print(
        "largest group, by noise on the split-off mentions and how far the best link got", file=out
    )
    print(f"{'groups':>7} {'pairs':>7}  cause", file=out)
    for cause, count in groups.most_common(30):
        print(f"{count:7d} {lost[cause]:7d}  {cause[0]}; {cause[1]}", file=out)
    for cause, _ in groups.most_common(8):
        print(f"\n== {cause[0]}; {cause[1]}", file=out)
        for probability, a, b in shown[cause][:examples]:
            print(f"  {describe(a)}\n  {describe(b)}", file=out)
            if probability >= 0:
                row = pairs[
                    ((pairs["unique_id_l"] == a) & (pairs["unique_id_r"] == b))
                    | ((pairs["unique_id_l"] == b) & (pairs["unique_id_r"] == a))
                ].iloc[0]
                print("    " + "; ".join(explain_pair(model, row.to_dict())), file=out)

    members: dict[str, list[str]] = defaultdict(list)
    for key in person:
        members[entity_of.get(key, key)].append(key)
    impure = []
    for entity, keys in members.items():
        people = Counter(person[k] for k in keys)
        if len(people) > 1:
            wrong = (sum(people.values()) ** 2 - sum(v * v for v in people.values())) // 2
            impure.append((wrong, entity, people))
    impure.sort(key=lambda item: (-item[0], item[1]))
    print(
        f"\nWrong links: {len(impure)} clusters hold more than one person, "
        f"{sum(w for w, _, _ in impure):,} wrong pairs",
        file=out,
    )
    for wrong, entity, people in impure[:examples]:
        print(f"  {entity}: {wrong} wrong pairs, people {dict(people)}", file=out)
        for key in sorted(members[entity], key=lambda k: person[k])[:10]:
            print(f"    {person[key]:>10}  {describe(key)}", file=out)


# -- The run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--force", type=Path, default=None, help="reuse this synthetic force (made if missing)"
    )
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--skip-import", action="store_true", help="--db already holds the force")
    parser.add_argument(
        "--model", type=Path, default=None, help="save the trained model here (reused if it exists)"
    )
    parser.add_argument("--no-stock-splink", action="store_true")
    parser.add_argument("--explain-errors", type=int, default=0, metavar="N")
    parser.add_argument(
        "--threshold",
        type=float,
        default=MATCH_THRESHOLD,
        help=f"match probability that joins two mentions (default {MATCH_THRESHOLD})",
    )
    args = parser.parse_args()

    timings: dict[str, float] = {}
    costs: dict[str, Cost] = {}
    with tempfile.TemporaryDirectory(prefix="threadline-bench-") as scratch:
        folder = args.force or Path(scratch) / "force"
        if not (folder / "incidents.jsonl").is_file():
            with stage(f"generate {args.incidents:,} incidents (seed {args.seed})", timings):
                generate_force(folder, args.incidents, args.seed)
        engine = open_store(args.db or f"sqlite:///{scratch}/bench.db")
        if not args.skip_import:
            files = [folder / name for name in RECORD_FILES if (folder / name).is_file()]
            with stage("import", timings):
                report = import_files(engine, files)
            print(f"  rejected {report.rejected}")
        with engine.connect() as conn:
            features = load_features(conn)
        counts = blocked_pair_counts(features)
        print(f"{len(features):,} person mentions; pairs per blocking rule (before dedup):")
        for rule, count in counts.items():
            print(f"  {count:>14,}  {rule}")
        del features
        if not args.no_stock_splink:
            stock_splink_cost(engine, folder, timings, costs)
        now = dt.datetime.now(dt.UTC)
        if args.model is not None and args.model.is_file():
            model = load_model(args.model)
            print(f"reusing the model {args.model} (trained on this store before)")
        else:
            with stage("train", timings, costs):
                model = train_store_model(engine, trained_at=now)
            for reason in model.metadata.get("skipped", []):
                print(f"  training skipped {reason}")
            if args.model is not None:
                save_model(model, args.model)
        with stage("resolve", timings, costs):
            resolved = resolve_store(engine, model, now=now, threshold=args.threshold)
        print(
            f"  {resolved.mentions:,} mentions, {resolved.pairs_scored:,} pairs at or above "
            f"{REVIEW_THRESHOLD}, {resolved.entities:,} people, "
            f"{resolved.queued_for_review:,} pairs newly queued for review "
            f"({resolved.awaiting_review:,} awaiting a reviewer)"
        )
        with stage("evaluate", timings):
            sections, details = evaluate_force(
                engine, folder, stock_splink=not args.no_stock_splink
            )
        wanted = ("Resolution of named person mentions", "Resolution of all person mentions")
        shown = {name: s for name, s in sections.items() if name.startswith(wanted)}
        print()
        print(render_table(shown, title=f"Resolution of {folder} (seed {args.seed})"))
        train = f"train {timings['train']:.0f}s + " if "train" in timings else "(model reused) "
        print(
            f"\nbatch resolution: {train}resolve {timings['resolve']:.0f}s; "
            f"peak RSS {peak_rss_mb():,.0f} MiB (of this process, evaluation included)"
        )
        print_ratios(costs)
        headroom = headroom_sentence(details["resolution"])
        if headroom:
            print(headroom)
        for reason in details["resolution"]["trap_merges"].get("Threadline", []):
            print(f"  trap merged: {reason}")
        if args.explain_errors:
            explain_errors(engine, folder, model, args.explain_errors)


if __name__ == "__main__":
    main()
