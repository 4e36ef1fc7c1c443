"""Stalking behaviours in narratives: recall and precision per behaviour, spaCy vs phrase lists.

    .venv/bin/python bench/bench_narrative.py --heldout
    .venv/bin/python bench/bench_narrative.py --speed 20000   # also time a 20k synthetic batch

Scores ``bench/data/narratives/dev.jsonl`` (the half the patterns were written from) and, when it
is there, ``heldout.jsonl`` (written by someone else, never used to write patterns), each line
``{"id", "text", "behaviours": [names], "source"}``. Both matchers run in one go: ``new`` is
:mod:`threadline.recognise.behaviours` (spaCy lemmas, Matcher, negation and actor checks), ``old``
is the regular-expression phrase lists it replaced (``bench/narrative_phrase_lists.py``, kept
verbatim). Narrative signs only: categories are not part of this set. ``reported_stalking`` is
category-only and is not scored.

``--speed N`` generates a synthetic force of N incidents and times both matchers over its
narratives, cold (caches cleared), per call and (new only) batched.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

from threadline.recognise import behaviours as new

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "narratives"
NAMES = [b.id for b in new.BEHAVIOURS if b.id != "reported_stalking"]


def _load_old() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "narrative_phrase_lists", HERE / "narrative_phrase_lists.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


old = _load_old()


def read(path: Path) -> list[dict[str, object]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def old_found(text: str) -> set[str]:
    return {s.behaviour for s in old.narrative_signs("N", text)}


def new_found(text: str) -> set[str]:
    return {s.behaviour for s in new.narrative_signs("N", text)}


def score(
    rows: list[dict[str, object]], find: Callable[[str], set[str]]
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, set[str], set[str]]]]:
    """Per behaviour: tp, fp, fn, recall, precision; and the rows it got wrong."""
    counts = {n: {"tp": 0, "fp": 0, "fn": 0, "n": 0} for n in NAMES + ["all"]}
    wrong = []
    for row in rows:
        truth = set(row["behaviours"]) & set(NAMES)  # type: ignore[arg-type]
        got = find(str(row["text"])) & set(NAMES)
        for name in NAMES:
            t, g = name in truth, name in got
            for key in (name, "all"):
                counts[key]["n"] += t
                counts[key]["tp"] += t and g
                counts[key]["fp"] += g and not t
                counts[key]["fn"] += t and not g
        if truth != got:
            wrong.append((str(row["id"]), str(row["text"]), truth, got))
    figures: dict[str, dict[str, float]] = {}
    for name, c in counts.items():
        found = c["tp"] + c["fp"]
        figures[name] = {
            **c,
            "recall": c["tp"] / c["n"] if c["n"] else float("nan"),
            "precision": c["tp"] / found if found else float("nan"),
        }
    return figures, wrong


def table(
    title: str, rows: list[dict[str, object]], show_wrong: bool
) -> dict[str, dict[str, float]]:
    figures_new, wrong_new = score(rows, new_found)
    figures_old, _ = score(rows, old_found)
    print(f"\n{title}: {len(rows)} narratives")
    head = f"{'R':>6} {'P':>6} {'tp/fp/fn':>10}"
    print(f"{'behaviour':28} {'n':>4}  new: {head}  old: {head}")
    for name in NAMES + ["all"]:
        a, b = figures_new[name], figures_old[name]
        print(f"{name:28} {int(a['n']):4d}       {_cells(a)}       {_cells(b)}")
    if show_wrong:
        for ref, text, truth, got in wrong_new:
            print(f"  {ref}: missed {sorted(truth - got)} extra {sorted(got - truth)}: {text}")
    return figures_new


def _cells(f: dict[str, float]) -> str:
    counts = f"{int(f['tp'])}/{int(f['fp'])}/{int(f['fn'])}"
    return f"{f['recall']:6.3f} {f['precision']:6.3f} {counts:>10}"


def synthetic_narratives(incidents: int) -> list[str]:
    from threadline.synth import generate_force

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        generate_force(folder, incidents, seed=1)
        texts = []
        for name in ("incidents.jsonl", "crimes.jsonl"):
            for row in read(folder / name):
                text = row.get("narrative")
                if isinstance(text, str) and text:
                    texts.append(text)
    return texts


def timed(label: str, run: Callable[[], Iterable[object]], count: int) -> None:
    started = time.perf_counter()
    hits = sum(1 for found in run() if found)
    took = time.perf_counter() - started
    print(
        f"  {label:32} {took:7.2f} s  ({count / took:8.0f} narratives/s, {hits} with a behaviour)"
    )


def speed(incidents: int) -> None:
    texts = synthetic_narratives(incidents)
    print(f"\nspeed: {len(texts)} narratives of a synthetic force of {incidents} incidents")
    old._narrative_signs.cache_clear()
    timed("old phrase lists, per call", lambda: [old_found(t) for t in texts], len(texts))
    started = time.perf_counter()
    new.lexicon()
    print(f"  {'new: build nlp + Matcher once':32} {time.perf_counter() - started:7.2f} s")
    new._narrative_signs.cache_clear()
    timed("new spaCy lexicon, per call", lambda: [new_found(t) for t in texts], len(texts))
    timed("new spaCy lexicon, batched", lambda: new.narrative_behaviours(texts), len(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--wrong", action="store_true", help="list the dev narratives the new matcher gets wrong"
    )
    parser.add_argument(
        "--speed", type=int, default=0, help="also time a synthetic force of N incidents"
    )
    parser.add_argument("--heldout", action="store_true", help="also score the held-out half")
    args = parser.parse_args()
    table("dev (patterns written from it)", read(DATA / "dev.jsonl"), args.wrong)
    heldout = DATA / "heldout.jsonl"
    if not args.heldout:
        print("\nheld-out: not scored (add --heldout)")
    elif heldout.exists():
        table("held-out (never used to write patterns)", read(heldout), False)
    else:
        print(f"\nheld-out: {heldout} not present")
    if args.speed:
        speed(args.speed)


if __name__ == "__main__":
    main()
