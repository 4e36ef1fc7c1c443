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
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from threadline.crossref.pipeline import Submission
from threadline.crossref.replay import replay
from threadline.evaluate.force import ForceTruth, load_truth, resolution, store_mentions
from threadline.features import features_table
from threadline.ingest import import_files
from threadline.resolve.batch import load_features, resolve_store, train_store_model
from threadline.resolve.joins import first_contradiction, rule
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


@dataclass
class RulePairs:
    """The pairs of scored mentions one join rule put in one person: right, and wrong."""

    joins: int = 0
    true_pairs: int = 0
    false_pairs: int = 0


def pairs_by_rule(
    engine: Engine, truth: ForceTruth, rule_of: dict[str, str]
) -> tuple[dict[str, RulePairs], int]:
    """Which live join made each pair of (named, scored) mentions one person, from the store's
    person history in the order it was written: each ``joined`` event puts its mentions in a
    person by the rule the live path's decision named (``rule_of``, mention -> rule), each
    ``merged`` event (call time merges people only on a model link) puts the two people's
    mentions together; a mention that leaves a person (call time held it apart: it fits two
    people, ``fits-two-people``) takes its pairs there away from the rules that made them, counted
    as negative pairs of the rule that took it out. Returns the pairs made by each rule, and
    the false pairs of the final store that no event accounts for (0 when the count is right)."""
    scored = {m["key"]: truth.person_of[m["id"]] for m in store_mentions(engine)
              if m["id"] in truth.person_of and m["id"] not in truth.unnamed}  # fmt: skip
    with engine.connect() as conn:
        events = conn.execute(
            select(t.entity_events.c.action, t.entity_events.c.entity_id,
                   t.entity_events.c.mention_keys, t.entity_events.c.by)
            .order_by(t.entity_events.c.id)
        ).all()  # fmt: skip
    where: dict[str, str] = {}
    people: dict[str, Counter[str]] = defaultdict(Counter)
    made: dict[str, RulePairs] = defaultdict(RulePairs)

    def leave(mention: str, by: str | None) -> None:
        """Take ``mention`` out of its person; ``by`` (None: it moves with the rest of its
        person, whose pairs stay made) takes its pairs there away."""
        if mention not in where:
            return
        group = people[where.pop(mention)]
        group[scored[mention]] -= 1
        if by is None:
            return
        right = group[scored[mention]]
        made[by].true_pairs -= right
        made[by].false_pairs -= sum(group.values()) - right

    def join(group: Counter[str], entity: str, by: str) -> None:
        into = people[entity]
        size, mine = sum(into.values()), sum(group.values())
        right = sum(n * into[who] for who, n in group.items())
        made[by].true_pairs += right
        made[by].false_pairs += size * mine - right
        into.update(group)

    for action, entity, keys, by in events:
        keys = [k for k in keys if k in scored]
        if action == "merged":
            moving = Counter(scored[k] for k in keys)
            for k in keys:
                leave(k, None)
            made[rule("model-link").name].joins += 1
            join(moving, entity, rule("model-link").name)
            where.update(dict.fromkeys(keys, entity))
            continue
        if action not in ("created", "joined"):
            continue
        for k in keys:
            # a name-only join taken out again was undone when a namesake arrived (provisional)
            sole = rule("only-dated-person-of-the-name").name
            took = f"{sole}: undone" if rule_of.get(k) == sole else "fits-two-people: taken out"
            leave(k, took)
            named = rule_of.get(k, by) if action == "joined" else "new person"
            made[named].joins += 1
            join(Counter([scored[k]]), entity, named)
            where[k] = entity
    final = 0
    for group in people.values():
        size = sum(group.values())
        final += (size * (size - 1) - sum(n * (n - 1) for n in group.values())) // 2
    unaccounted = final - sum(r.false_pairs for r in made.values())
    return dict(made), unaccounted


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
        rule_of: dict[str, str] = {}

        def note_rules(submission: Submission) -> None:
            rule_of.update({d.mention_key: d.rule for d in submission.decisions
                            if d.rule and d.outcome in ("joined", "inferred")})  # fmt: skip

        report = replay(live, model, paths, on_submission=note_rules)
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
        made, unaccounted = pairs_by_rule(live, load_truth(folder), rule_of)
        print("live joins by the rule that made them (pairs of named mentions put in one person)")
        print(f"{'rule':34}{'joins':>8}{'true pairs':>12}{'false pairs':>13}")
        for name, pairs in sorted(made.items(), key=lambda kv: -kv[1].false_pairs):
            print(f"{name:34}{pairs.joins:8,}{pairs.true_pairs:12,}{pairs.false_pairs:13,}")
        if unaccounted:
            print(f"false pairs no join accounts for: {unaccounted:,}")
        gap = results["batch"]["pairwise recall"] - results["live"]["pairwise recall"]
        print(
            f"recall gap {gap:+.4f} (target <= 0.02); live precision "
            f"{results['live']['pairwise precision']:.4f} (target >= 0.995); live contradicting "
            f"joins {results['live']['contradicting joins']:.0f} (target 0)"
        )


if __name__ == "__main__":
    main()
