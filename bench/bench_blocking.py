"""Which prediction blocking rules pay for their pairs (issue 26), on a synthetic force's truth.

    .venv/bin/python bench/bench_resolution.py --force /tmp/f100k --db sqlite:////tmp/r.db \
        --skip-import --model /tmp/m.json            # resolves the store first
    .venv/bin/python bench/bench_blocking.py --force /tmp/f100k --db sqlite:////tmp/r.db \
        --model /tmp/m.json

For each rule of :func:`threadline.resolve.comparisons.blocking_keys` (the code on
``PYTHONPATH``, whatever rules the saved model holds), in order:

- ``pairs``: the pairs it generates that no earlier rule does (as Splink counts them: a pair
  is scored once, under the first rule that finds it);
- ``true``: of those, how many are one person (named mentions only, from the force's truth);
- ``alone``: true pairs that this rule alone finds (no other rule, earlier or later): what
  dropping the rule could cost;
- ``joined``: of the ``alone`` pairs, how many sit in one entity of the store's resolution
  (``entity_members``: resolve the store first, e.g. with ``bench_resolution.py``);
- ``strong``: of the ``alone`` pairs, how many score at or above the match threshold with
  ``--model`` (a direct link; the others, if joined, are joined through other mentions);
  the CPU of Splink's predict alone on all the rules' pairs is printed first;
- ``lost`` / ``wrong``: with ``--model``, the true (and false) pairs of the store's entities
  that the links scored at or above the threshold would no longer connect without the pairs
  this rule alone finds: an estimate of the pairwise recall (and the false links) the rule
  buys (clustering's refusals and the joins after scoring are not re-run).

The last line gives the totals: pairs, true pairs among them, and true pairs of named mentions
that no rule finds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlalchemy import select

from threadline.evaluate.force import load_truth
from threadline.resolve.batch import MATCH_THRESHOLD, REVIEW_THRESHOLD, load_feature_table
from threadline.resolve.comparisons import BlockingKey, blocking_keys, blocking_table
from threadline.resolve.linkage import load_model, predict_pairs
from threadline.store import open_store
from threadline.store import tables as t

sys.path.insert(0, str(Path(__file__).parent))
from bench_resolution import _mention_identity, cpu_seconds  # noqa: E402


def rule_label(key: BlockingKey) -> str:
    where = []
    if key.crowd:
        where.append(key.crowd.replace('l."', "").replace('"', "").replace("crowd__", "#"))
    condition = getattr(key, "condition", None)  # an older checkout's keys have none
    if condition is not None:
        where.append(condition.sql.replace('"', ""))
    return ", ".join(key.columns) + (" where " + " AND ".join(where) if where else "")


def rule_pairs_sql(key: BlockingKey) -> str:
    """The pairs ``key`` generates among the mentions (the table ``m``), as Splink makes them."""
    if key.explode:
        column = key.explode
        return (
            f"WITH e AS (SELECT unique_id, unnest({column}) AS v FROM m) "
            "SELECT DISTINCT l.unique_id AS a, r.unique_id AS b FROM e l JOIN e r "
            "ON l.v = r.v AND l.unique_id < r.unique_id"
        )
    return (
        "SELECT l.unique_id AS a, r.unique_id AS b FROM m l JOIN m r "
        f"ON l.unique_id < r.unique_id AND {key.sql}"
    )


class Components:
    """Union-find over the mentions of one entity."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def connected_pairs(
    members: list[str], edges: list[tuple[str, str]], person: dict[str, str]
) -> tuple[int, int]:
    """True and false pairs among ``members`` with a true person that ``edges`` connect."""
    components = Components()
    for a, b in edges:
        components.union(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for m in members:
        if m in person:
            groups[components.find(m)].append(m)
    true = false = 0
    for group in groups.values():
        people: dict[str, int] = defaultdict(int)
        for m in group:
            people[person[m]] += 1
        n = len(group)
        same = sum(c * (c - 1) // 2 for c in people.values())
        true += same
        false += n * (n - 1) // 2 - same
    return true, false


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", type=Path, required=True)
    parser.add_argument("--db", required=True, help="the store the force was imported into")
    parser.add_argument("--model", type=Path, default=None, help="score the pairs with this model")
    parser.add_argument("--threshold", type=float, default=MATCH_THRESHOLD)
    args = parser.parse_args()

    engine = open_store(args.db)
    with engine.connect() as conn:
        table = load_feature_table(conn)
        entity_of = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
    truth = load_truth(args.force)
    person: dict[str, str] = {}
    for key in table.column("unique_id").to_pylist():
        identity = _mention_identity(key)
        if identity in truth.person_of and identity not in truth.unnamed:
            person[key] = truth.person_of[identity]
    print(f"{table.num_rows:,} mentions, {len(person):,} named with a true person", flush=True)

    con = duckdb.connect()
    con.register("m", blocking_table(table))
    con.register(
        "truth",
        pa.table({"uid": list(person), "person": list(person.values())}),
    )
    keys = blocking_keys()
    con.execute("CREATE TABLE found (a VARCHAR, b VARCHAR, rule INTEGER)")
    for index, key in enumerate(keys):
        con.execute(f"INSERT INTO found SELECT a, b, {index} FROM ({rule_pairs_sql(key)})")
    con.execute(
        "CREATE TABLE pairs AS SELECT f.a, f.b, min(rule) AS first, count(*) AS rules, "
        "arg_min(rule, rule) AS only_rule, "
        "any_value(ta.person = tb.person) AS same FROM found f "
        "LEFT JOIN truth ta ON ta.uid = f.a LEFT JOIN truth tb ON tb.uid = f.b GROUP BY f.a, f.b"
    )
    con.execute("DROP TABLE found")
    per_rule = {
        rule: (pairs, true)
        for rule, pairs, true in con.execute(
            "SELECT first, count(*), count(*) FILTER (WHERE same) FROM pairs GROUP BY first"
        ).fetchall()
    }
    alone: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for a, b, rule in con.execute(
        "SELECT a, b, only_rule FROM pairs WHERE rules = 1 AND same"
    ).fetchall():
        alone[rule].append((a, b))
    alone_all: dict[int, set[frozenset[str]]] = defaultdict(set)
    for a, b, rule in con.execute("SELECT a, b, only_rule FROM pairs WHERE rules = 1").fetchall():
        alone_all[rule].add(frozenset((a, b)))
    (total, total_true) = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE same) FROM pairs"
    ).fetchone() or (0, 0)
    by_person: dict[str, int] = defaultdict(int)
    for who in person.values():
        by_person[who] += 1
    all_true = sum(n * (n - 1) // 2 for n in by_person.values())

    strong_edges: list[tuple[str, str]] = []
    strong: set[frozenset[str]] = set()
    if args.model is not None:
        model = load_model(args.model)
        started, cpu = time.perf_counter(), cpu_seconds()
        scored = predict_pairs(model, table, REVIEW_THRESHOLD, values=False)
        print(
            f"Splink's predict alone (as resolution runs it, from {REVIEW_THRESHOLD}): "
            f"{time.perf_counter() - started:.1f}s wall, {cpu_seconds() - cpu:.1f}s CPU, "
            f"{len(scored):,} pairs kept",
            flush=True,
        )
        scored = scored[scored["match_probability"] >= args.threshold]
        strong_edges = list(zip(scored["unique_id_l"], scored["unique_id_r"], strict=True))
        strong = {frozenset(e) for e in strong_edges}
        print(f"{len(strong_edges):,} pairs score {args.threshold} or more", flush=True)
    members: dict[str, list[str]] = defaultdict(list)
    for key, entity in entity_of.items():
        members[entity].append(key)
    edges_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in strong_edges:
        if entity_of.get(a) == entity_of.get(b) is not None:
            edges_of[entity_of[a]].append((a, b))

    print(
        f"\n{'#':>3} {'pairs':>10} {'true':>8} {'alone':>7} {'joined':>7} {'strong':>7} "
        f"{'lost':>7} {'wrong':>7}  rule"
    )
    for index, key in enumerate(keys):
        pairs, true = per_rule.get(index, (0, 0))
        mine = alone.get(index, [])
        joined = sum(1 for a, b in mine if entity_of.get(a, a) == entity_of.get(b, b))
        strong_alone = sum(1 for a, b in mine if frozenset((a, b)) in strong)
        lost = wrong = 0
        dropped = alone_all.get(index, set())
        if strong and dropped:
            touched = {entity_of[a] for pair in dropped & strong for a in pair if a in entity_of}
            for entity in touched:
                edges = edges_of.get(entity, [])
                kept = [e for e in edges if frozenset(e) not in dropped]
                before = connected_pairs(members[entity], edges, person)
                after = connected_pairs(members[entity], kept, person)
                lost += before[0] - after[0]
                wrong += before[1] - after[1]
        shown = (f"{lost:7,d} {wrong:7,d}") if strong else f"{'-':>7} {'-':>7}"
        print(
            f"{index:>3} {pairs:>10,d} {true:>8,d} {len(mine):>7,d} {joined:>7,d} "
            f"{strong_alone:>7,d} {shown}  {rule_label(key)}"
        )
    print(
        f"    {total:>10,d} {total_true:>8,d}  all rules; {all_true - total_true:,} of "
        f"{all_true:,} true pairs of named mentions found by no rule"
    )


if __name__ == "__main__":
    main()
