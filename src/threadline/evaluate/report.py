"""Lay out evaluation results: a plain-text table comparing systems, and the same data as JSON.

Results travel as *sections*: ``{section title: {metric: {system: value}}}``, plain mappings in
the order they should be shown. Rows are metrics, columns are systems (Threadline, exact name,
exact name + DOB, stock Splink, ...), in the order each system first appears. A system without a
value for a metric shows ``-``; a value of ``None`` (not applicable) shows ``n/a``.

:func:`resolution_section` and :func:`alert_section` build sections from the score objects of
:mod:`threadline.evaluate.metrics`, so every caller names the metrics the same way.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from threadline.evaluate.metrics import (
    BCubedScores,
    BreachScores,
    PairwiseScores,
    TrapMerge,
    share_at_or_before,
)

MetricValue = int | float | str | None
Section = Mapping[str, Mapping[str, MetricValue]]
Sections = Mapping[str, Section]


def resolution_section(
    pairwise: Mapping[str, PairwiseScores],
    bcubed: Mapping[str, BCubedScores] | None = None,
    trap_merges: Mapping[str, Sequence[TrapMerge]] | None = None,
) -> dict[str, dict[str, MetricValue]]:
    """Entity-resolution rows, one column per system named in any of the mappings."""
    rows: dict[str, dict[str, MetricValue]] = {}

    def put(metric: str, system: str, value: MetricValue) -> None:
        rows.setdefault(metric, {})[system] = value

    for system, scores in pairwise.items():
        put("pairwise precision", system, scores.precision)
        put("pairwise recall", system, scores.recall)
        put("pairwise F1", system, scores.f1)
    for system, b in (bcubed or {}).items():
        put("B-cubed precision", system, b.precision)
        put("B-cubed recall", system, b.recall)
        put("B-cubed F1", system, b.f1)
    for system, scores in pairwise.items():
        put("true pairs", system, scores.true_pairs)
        put("predicted pairs", system, scores.predicted_pairs)
        put("correct pairs", system, scores.correct_pairs)
        put("mentions scored", system, scores.scored_mentions)
        put("mentions left out", system, scores.left_out)
    for system, merges in (trap_merges or {}).items():
        put("trap pairs merged", system, len(merges))
    return rows


def alert_section(
    positions: Mapping[str, Mapping[Hashable, Mapping[Hashable, int | None]]],
    ks: Sequence[int] = (2, 3, 5),
    breaches: Mapping[str, BreachScores] | None = None,
    false_alerts_per_1000: Mapping[str, float] | None = None,
) -> dict[str, dict[str, MetricValue]]:
    """Alerting rows: for each rule, the share of series it caught by the k-th incident.

    ``positions`` maps a system to its :func:`~threadline.evaluate.metrics.first_alert_positions`
    result. Rules are listed in the order first seen.
    """
    rows: dict[str, dict[str, MetricValue]] = {}
    for system, by_series in positions.items():
        rules: dict[Hashable, None] = {}
        for by_rule in by_series.values():
            rules.update(dict.fromkeys(by_rule))
        for rule in rules:
            for k in ks:
                metric = f"{rule}: caught by incident {k}"
                rows.setdefault(metric, {})[system] = share_at_or_before(by_series, rule, k)
    for system, scores in (breaches or {}).items():
        rows.setdefault("breaches flagged (right order and count)", {})[system] = scores.recall
        rows.setdefault("breaches happened", {})[system] = scores.happened
        rows.setdefault("breach flags spurious", {})[system] = scores.spurious
    for system, rate in (false_alerts_per_1000 or {}).items():
        rows.setdefault("false alerts per 1,000 background incidents", {})[system] = rate
    return rows


def _systems(sections: Sections) -> list[str]:
    seen: dict[str, None] = {}
    for rows in sections.values():
        for values in rows.values():
            seen.update(dict.fromkeys(values))
    return list(seen)


def format_value(value: MetricValue) -> str:
    """How a cell is written: integers with thousands separators, fractions to 3 places."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value:,.3f}"
    return str(value)


def render_table(
    sections: Sections, systems: Sequence[str] | None = None, title: str | None = None
) -> str:
    """A plain-text table: one block per section, a row per metric, a column per system.

    ``systems`` fixes the columns and their order; by default every system in ``sections``, in
    the order first seen. Numbers are right-aligned.
    """
    columns = list(systems) if systems is not None else _systems(sections)
    body: list[list[str] | str] = []
    for section, rows in sections.items():
        if body:
            body.append("")
        body.append(section)
        for metric, values in rows.items():
            body.append(
                [metric] + [format_value(values[s]) if s in values else "-" for s in columns]
            )
    header = [""] + columns
    table_rows = [r for r in body if isinstance(r, list)]
    widths = [max([len(header[i])] + [len(r[i]) for r in table_rows]) for i in range(len(header))]
    widths[0] = max([widths[0]] + [len(r) for r in body if isinstance(r, str)])

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    out: list[str] = []
    if title:
        out += [title, ""]
    out.append(line(header))
    out.append("  ".join("-" * w for w in widths))
    for row in body:
        out.append(row if isinstance(row, str) else line(row))
    return "\n".join(out) + "\n"


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for extra in ("reason", "summary", "left_out"):
            attr = getattr(type(value), extra, None)
            if isinstance(attr, property):
                data[extra] = _jsonable(getattr(value, extra))
        return data
    if isinstance(value, Mapping):
        return {
            k if isinstance(k, str) else json.dumps(_jsonable(k)): _jsonable(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def to_json(
    sections: Sections,
    details: Mapping[str, Any] | None = None,
    systems: Sequence[str] | None = None,
    indent: int | None = 2,
) -> str:
    """The results as JSON: ``{"systems": [...], "sections": {...}, "details": {...}}``.

    ``details`` carries evidence (trap merges, breach outcomes, score objects); dataclasses become
    objects with their fields and their ``reason``/``summary``, tuples become lists, and keys that
    are not strings are written as JSON text.
    """
    document = {
        "systems": list(systems) if systems is not None else _systems(sections),
        "sections": _jsonable(sections),
        "details": _jsonable(details or {}),
    }
    return json.dumps(document, indent=indent, ensure_ascii=False)


def headroom_sentence(details: Mapping[str, Any]) -> str | None:
    """The recall of joining every pair Threadline or the evidence ceiling joins, in words (from
    :func:`threadline.evaluate.force.resolution`'s details), or None if not measured."""
    found = details.get("threadline_or_ceiling")
    if not found or not found["true_pairs"]:
        return None
    joined, total = found["joined"], found["true_pairs"]
    return (
        f"Threadline or the evidence ceiling joins {joined:,} of {total:,} true pairs "
        f"(recall {joined / total:.4f}); in each other true pair the two mentions share "
        "nothing the ceiling counts as evidence, and Threadline kept them apart"
    )
