"""The CPU of each step of batch resolution (:func:`threadline.resolve.batch.resolve_store`),
for ``bench/bench_growth.py --steps``: which steps grow faster than the force.

Each step is a function or method of the package, wrapped for the run (:func:`timed_steps`) so
that a call adds its CPU seconds (``time.process_time``: this process, DuckDB's threads
included) to the step's count. A step's count is its *own* time: what the steps it calls (also
wrapped) take is counted to them, so the counts add up to the whole run, the rest of
``_resolve``'s own code counted to ``_resolve``. A name the code under test does not have (an
older or newer checkout) is skipped, so one list serves main and a branch alike.
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: (module, attribute or ``Class.method``, the step's name as printed), in run order.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("threadline.resolve.batch", "_resolve", "resolve (own code)"),
    ("threadline.resolve.batch", "load_feature_table", "read features"),
    ("threadline.resolve.batch", "FeatureRows.__init__", "feature rows: index"),
    ("threadline.resolve.batch", "FeatureRows.__call__", "feature rows: rows"),
    ("threadline.resolve.batch", "FeatureRows.column", "feature rows: column"),
    ("threadline.resolve.batch", "latest_judgements", "read judgements"),
    ("threadline.resolve.batch", "predict_pairs", "score (Splink)"),
    ("threadline.resolve.batch", "FramePairs._taken", "pairs taken"),
    ("threadline.resolve.batch", "all_mentions", "read records' people"),
    ("threadline.resolve.batch", "_lineage", "lineage"),
    ("threadline.resolve.batch", "FramePairs.cluster", "cluster: edges"),
    ("threadline.resolve.batch", "cluster_with_reasons", "cluster: components"),
    ("threadline.resolve.clustering", "_feature_rows", "cluster: feature rows"),
    ("threadline.resolve.clustering", "_Contradictions.__init__", "cluster: profiles"),
    ("threadline.resolve.clustering", "_Contradictions.any_within", "cluster: any within"),
    ("threadline.resolve.clustering", "_resolve_component", "cluster: split components"),
    ("threadline.resolve.batch", "_strongest_partner", "cluster: strongest partner"),
    ("threadline.resolve.batch", "targeting_records", "read targeting records"),
    ("threadline.resolve.batch", "_join_by_victim", "victim: gather"),
    ("threadline.resolve.batch", "joins_by_victim", "victim: joins by victim"),
    ("threadline.resolve.batch", "joins_by_description", "victim: joins by description"),
    ("threadline.resolve.batch", "_apply_joins", "apply joins (guard)"),
    ("threadline.resolve.batch", "_join_sole_bearers", "sole bearers: gather"),
    ("threadline.resolve.batch", "sole_bearer_joins", "sole bearers: joins"),
    ("threadline.resolve.batch", "infer_ex_partners", "ex-partners"),
    ("threadline.resolve.batch", "_guarded", "ex-partners: guard"),
    ("threadline.resolve.batch", "stable_ids", "stable ids"),
    ("threadline.resolve.batch", "entity_labels", "entity labels"),
    ("threadline.resolve.batch", "apply_memberships", "write: memberships (own)"),
    ("threadline.resolve.entities", "_write_memberships", "write: members and events"),
    ("threadline.resolve.entities", "rebuild_parties", "write: incident parties"),
    ("threadline.resolve.batch", "FramePairs.apart", "review: pairs apart"),
    ("threadline.resolve.batch", "mention_words", "review: mention words"),
    ("threadline.resolve.batch", "_refused_for_review", "review: refused links"),
    ("threadline.resolve.batch", "_with_values", "review: values"),
    ("threadline.resolve.batch", "queue_pairs", "review: queue"),
    ("threadline.resolve.batch", "open_count", "review: open count"),
    ("threadline.resolve.batch", "analyse", "analyse"),
)


class StepClock:
    """Own CPU seconds and calls of each step (a call's time less its wrapped callees')."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list[float]] = []  # [started, callees' time] of each open call

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        clock = time.process_time
        stack = self._stack

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [clock(), 0.0]
            stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                stack.pop()
                spent = clock() - frame[0]
                self.cpu[name] = self.cpu.get(name, 0.0) + spent - frame[1]
                self.calls[name] = self.calls.get(name, 0) + 1
                if stack:
                    stack[-1][1] += spent

        return timed


@contextmanager
def timed_steps() -> Iterator[StepClock]:
    """The :data:`STEPS` wrapped for the block, then put back as they were."""
    clock = StepClock()
    undo: list[tuple[Any, str, Any]] = []
    for module_name, path, name in STEPS:
        owner: Any = importlib.import_module(module_name)
        *outer, attribute = path.split(".")
        try:
            for part in outer:
                owner = getattr(owner, part)
            original = (
                owner.__dict__[attribute] if isinstance(owner, type) else getattr(owner, attribute)
            )
        except (AttributeError, KeyError):
            continue
        undo.append((owner, attribute, original))
        setattr(owner, attribute, clock.wrap(name, original))
    try:
        yield clock
    finally:
        for owner, attribute, original in reversed(undo):
            setattr(owner, attribute, original)
