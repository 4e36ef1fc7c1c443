"""Call-time resolution of new incidents against a resolved store (issue 4 targets: p95 ≤ 50 ms
for resolution, ≤ 100 ms for resolution + picture + rules).

    .venv/bin/python bench/bench_calltime.py --incidents 100000 --sample 300
    .venv/bin/python bench/bench_calltime.py --force /tmp/fct100k --db sqlite:////tmp/ct100k.db \
        --model /tmp/ct100k.json          # reuse a store this script built

Building: generates a force of ``--incidents`` + ``--sample`` incidents, imports all but the
last ``--sample`` incidents (and the crimes and risk assessments recorded from those held back),
trains the linkage model and resolves the store in batch. Timing: submits each held-back
incident, oldest first, through :func:`threadline.crossref.pipeline.submit` (store, resolve,
rules, one transaction) and then builds its picture with
:func:`threadline.crossref.build_picture`, and prints p50/p95/p99 of each part:

* ``resolve``: call-time resolution of the incident's people (``timings_ms["resolve"]``);
* ``submit``: the whole submit (store + resolve + rules);
* ``picture``: building the picture afterwards;
* ``submit + picture``: what an officer waits for.

Reusing (``--db`` and ``--model`` that exist, with ``--force``): the held-back incidents are
those of the force not yet in the store.

``--truth-entities`` skips batch resolution: every stored mention is put in the entity of its
true person (from ``truth_mentions.jsonl``), so call time can be timed against a million
incidents without first resolving them in batch (whose time and memory
``bench_resolution.py`` measures). The live path then resolves each new incident as always.

    .venv/bin/python bench/bench_calltime.py --incidents 1000000 --sample 300 --truth-entities

``--build-only`` builds and stops, so that several runs can be timed against one store: build
with a larger ``--sample`` (say 1200) and each later run with ``--sample 300`` submits the next
300 held-back incidents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from threadline.crossref import build_picture
from threadline.crossref.pipeline import submit
from threadline.evaluate.force import load_truth
from threadline.ingest import import_files
from threadline.model import Incident, parse_record
from threadline.resolve.batch import resolve_store, train_store_model
from threadline.resolve.entities import Membership, apply_memberships, format_entity_id
from threadline.resolve.linkage import load_model, save_model
from threadline.store import open_store
from threadline.store import tables as t
from threadline.store.records import record_time
from threadline.synth import generate_force


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:7.1f}  p95 {cuts[94]:7.1f}  p99 {cuts[98]:7.1f}  max {max(values):7.1f}"


def split_force(folder: Path, held_back: int, out: Path) -> list[dict[str, Any]]:
    """Write ``out``/*.jsonl without the last ``held_back`` incidents and what was recorded from
    them; return the held-back incidents (as JSON objects), oldest first."""
    incidents = [json.loads(line) for line in (folder / "incidents.jsonl").open()]
    incidents.sort(key=lambda row: (row["reported_at"], row["ref"]))
    kept, back = incidents[:-held_back], incidents[-held_back:]
    later = {row["ref"] for row in back}
    out.mkdir(parents=True, exist_ok=True)
    with (out / "incidents.jsonl").open("w") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in kept)
    for name, refs in (("crimes.jsonl", "incident_refs"), ("assessments.jsonl", "incident_ref")):
        source = folder / name
        if not source.is_file():
            continue
        with source.open() as lines, (out / name).open("w") as handle:
            for line in lines:
                row = json.loads(line)
                linked = row.get(refs) or []
                linked = [linked] if isinstance(linked, str) else linked
                if not later.intersection(linked):
                    handle.write(line)
    if (folder / "orders.jsonl").is_file():
        (out / "orders.jsonl").write_text((folder / "orders.jsonl").read_text())
    return back


def held_back_from_store(engine: Engine, folder: Path, sample: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        stored = set(conn.execute(select(t.incidents.c.ref)).scalars())
    rows = [json.loads(line) for line in (folder / "incidents.jsonl").open()]
    rows = [row for row in rows if row["ref"] not in stored]
    rows.sort(key=lambda row: (row["reported_at"], row["ref"]))
    return rows[:sample]


def entities_from_truth(engine: Engine, folder: Path, now: dt.datetime) -> int:
    """Put every stored mention in its true person's entity; return the number of people."""
    truth = load_truth(folder)
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.mentions.c.mention_key, t.mentions.c.record_key, t.mentions.c.position)
        ).all()
    number: dict[str, str] = {}
    members: dict[str, Membership] = {}
    for row in rows:
        kind, _source, ref = row.record_key.split(":", 2)
        person = truth.person_of.get((kind, ref, row.position)) or row.mention_key
        entity = number.setdefault(person, format_entity_id(len(number) + 1))
        members[row.mention_key] = Membership(entity, None, ["from the synthetic truth"])
    with engine.begin() as conn:
        apply_memberships(conn, members, {}, now, by="bench:truth")
    return len(number)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300, help="incidents submitted live")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--force", type=Path, default=None, help="a force folder to use")
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--model", type=Path, default=None, help="model file to write or reuse")
    parser.add_argument(
        "--truth-entities",
        action="store_true",
        help="put stored mentions in their true person's entity instead of batch resolving",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build the store (with --db, --model, --force) and stop, submitting nothing; "
        "later runs that reuse it take --sample of the held-back incidents each",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="threadline-calltime-") as scratch:
        work = Path(scratch)
        folder = args.force or work / "force"
        engine = open_store(args.db or f"sqlite:///{work}/calltime.db")
        reuse = args.model is not None and args.model.is_file() and args.db is not None
        if reuse:
            model = load_model(args.model)
            held_back = held_back_from_store(engine, folder, args.sample)
            print(f"reusing {args.db} and {args.model}; {len(held_back)} incidents to submit")
        else:
            if not (folder / "incidents.jsonl").is_file():
                started = time.perf_counter()
                generate_force(folder, args.incidents + args.sample, args.seed)
                print(f"generated in {time.perf_counter() - started:.0f}s")
            held_back = split_force(folder, args.sample, work / "store")
            started = time.perf_counter()
            files = sorted((work / "store").glob("*.jsonl"))
            report = import_files(engine, files)
            print(f"import {time.perf_counter() - started:.0f}s (rejected {report.rejected})")
            now = dt.datetime.now(dt.UTC)
            started = time.perf_counter()
            model = train_store_model(engine, trained_at=now)
            print(f"train {time.perf_counter() - started:.0f}s")
            if args.model is not None:
                save_model(model, args.model)
            started = time.perf_counter()
            if args.truth_entities:
                people = entities_from_truth(engine, folder, now)
                print(f"entities from the truth {time.perf_counter() - started:.0f}s: {people:,}")
            else:
                resolved = resolve_store(engine, model, now=now)
                print(
                    f"batch resolve {time.perf_counter() - started:.0f}s: "
                    f"{resolved.mentions:,} mentions, {resolved.entities:,} people"
                )
            if args.build_only:
                print(f"built; {len(held_back)} incidents held back for later runs")
                return

        timings: dict[str, list[float]] = {
            "resolve": [],
            "submit": [],
            "picture": [],
            "submit + picture": [],
        }
        people = joined = 0
        for raw in held_back:
            record = parse_record(raw)
            assert isinstance(record, Incident)
            submission = submit(engine, model, record, record_time(record))
            started = time.perf_counter()
            with engine.connect() as conn:
                build_picture(conn, record.ref, today=record_time(record).date())
            picture_ms = (time.perf_counter() - started) * 1000
            timings["resolve"].append(submission.timings_ms["resolve"])
            timings["submit"].append(submission.timings_ms["total"])
            timings["picture"].append(picture_ms)
            timings["submit + picture"].append(submission.timings_ms["total"] + picture_ms)
            people += len(submission.decisions)
            joined += sum(1 for d in submission.decisions if d.outcome == "joined")
        print(
            f"\n{len(held_back)} incidents submitted live, {people} people in them "
            f"({joined} joined a known person); milliseconds per incident:"
        )
        for name, values in timings.items():
            print(f"  {name:<17} {percentiles(values)}")
        print(f"peak RSS {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
