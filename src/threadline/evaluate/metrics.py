"""Score entity resolution and alerting against a known truth, as plain functions on plain values.

Entity resolution is scored from two mappings, ``mention_id -> cluster label``: the truth (which
person each mention really is) and a system's prediction. Labels in the two mappings live in
separate namespaces; only the grouping matters. Every score is computed from the contingency table
of (true label, predicted label) cells, so the cost is linear in the number of mentions: pairs are
counted as ``C(n, 2)`` per cell, never enumerated.

Only mentions present in *both* mappings are scored. The scores report how many were left out on
each side, so a system that silently drops mentions cannot look better than it is without the
reader seeing it.

Alert timing is scored from the truth's series (each a list of incident refs in reported order)
and the alerts a system raised; order breaches from the truth's breaches and the system's flags.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Self

# --------------------------------------------------------------------------------------------
# Entity resolution: pairwise and B-cubed
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scores:
    """Precision, recall and F1 over the mentions in both mappings, with how many were left out."""

    precision: float
    recall: float
    f1: float
    scored_mentions: int
    only_in_truth: int
    only_in_predicted: int

    @classmethod
    def _scored(cls, table: _Contingency, precision: float, recall: float, **counts: int) -> Self:
        return cls(
            precision=precision,
            recall=recall,
            f1=_f1(precision, recall),
            scored_mentions=table.scored,
            only_in_truth=table.only_in_truth,
            only_in_predicted=table.only_in_predicted,
            **counts,
        )

    @property
    def left_out(self) -> int:
        """Mentions in one mapping but not the other, which were not scored."""
        return self.only_in_truth + self.only_in_predicted


@dataclass(frozen=True, slots=True)
class PairwiseScores(_Scores):
    """Pair counting scores: a pair is two mentions in one cluster.

    ``precision`` is ``correct_pairs / predicted_pairs`` and is defined as 1.0 when the prediction
    puts no two mentions together (it claimed nothing, so nothing it claimed is wrong).
    ``recall`` is ``correct_pairs / true_pairs`` and is 1.0 when the truth has no pairs.
    ``f1`` is their harmonic mean, 0.0 when both are 0.
    """

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def summary(self) -> str:
        """One line a reader can check: the scores with the counts they came from."""
        return (
            f"pairwise precision {self.precision:.3f} ({self.correct_pairs:,} of "
            f"{self.predicted_pairs:,} predicted pairs correct); recall {self.recall:.3f} "
            f"({self.correct_pairs:,} of {self.true_pairs:,} true pairs found); f1 {self.f1:.3f}; "
            f"{self.scored_mentions:,} mentions scored, {self.left_out:,} left out "
            f"({self.only_in_truth:,} only in truth, {self.only_in_predicted:,} only predicted)"
        )


@dataclass(frozen=True, slots=True)
class BCubedScores(_Scores):
    """B-cubed scores (Bagga and Baldwin, 1998), averaged over mentions.

    For a mention ``m``, precision is the share of its predicted cluster that truly shares its
    person (``m`` included) and recall the share of its true person's mentions that were put in its
    predicted cluster. Both are averaged over the scored mentions; with no mentions to score, both
    are 1.0 (nothing was got wrong) and ``scored_mentions`` says 0.
    """

    @property
    def summary(self) -> str:
        """One line a reader can check."""
        return (
            f"B-cubed precision {self.precision:.3f}; recall {self.recall:.3f}; f1 {self.f1:.3f}; "
            f"{self.scored_mentions:,} mentions scored, {self.left_out:,} left out"
        )


@dataclass(frozen=True, slots=True)
class _Contingency:
    cells: Counter[tuple[Hashable, Hashable]]
    truth_sizes: Counter[Hashable]
    predicted_sizes: Counter[Hashable]
    scored: int
    only_in_truth: int
    only_in_predicted: int


def _contingency(
    truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> _Contingency:
    # Counting pairs of labels in one pass at C speed (about 2 s for 2 million mentions); mentions
    # missing from the prediction are counted under a sentinel label, then taken out.
    missing = object()
    cells: Counter[tuple[Hashable, Hashable]] = Counter(
        zip(truth.values(), map(predicted.get, truth, repeat(missing)), strict=True)
    )
    only_in_truth = 0
    for cell in [cell for cell in cells if cell[1] is missing]:
        only_in_truth += cells.pop(cell)
    scored = sum(cells.values())
    if scored == len(truth) == len(predicted):  # the usual case: both cover the same mentions
        truth_sizes = Counter(truth.values())
        predicted_sizes = Counter(predicted.values())
    else:
        truth_sizes, predicted_sizes = Counter(), Counter()
        for (true_label, predicted_label), n in cells.items():
            truth_sizes[true_label] += n
            predicted_sizes[predicted_label] += n
    return _Contingency(
        cells=cells,
        truth_sizes=truth_sizes,
        predicted_sizes=predicted_sizes,
        scored=scored,
        only_in_truth=only_in_truth,
        only_in_predicted=len(predicted) - scored,
    )


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(precision: float, recall: float) -> float:
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def pairwise_scores(
    truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> PairwiseScores:
    """Pairwise precision, recall and F1 of ``predicted`` clusters against ``truth``.

    Both arguments map a mention id to a cluster label. Only mentions present in both are scored;
    the rest are counted in ``only_in_truth`` / ``only_in_predicted``. Precision is 1.0 when no
    pairs are predicted, recall 1.0 when there are no true pairs (see :class:`PairwiseScores`).
    """
    table = _contingency(truth, predicted)
    true_pairs = sum(_pairs(n) for n in table.truth_sizes.values())
    predicted_pairs = sum(_pairs(n) for n in table.predicted_sizes.values())
    correct_pairs = sum(_pairs(n) for n in table.cells.values())
    precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0
    return PairwiseScores._scored(
        table,
        precision,
        recall,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct_pairs,
    )


def joined_by_either(
    truth: Mapping[Hashable, Hashable],
    first: Mapping[Hashable, Hashable],
    second: Mapping[Hashable, Hashable],
) -> tuple[int, int]:
    """How many true pairs ``first`` or ``second`` (or both) puts in one cluster, and how many
    true pairs there are. Mentions missing from a clustering are alone in it.

    With ``first`` Threadline and ``second`` the evidence ceiling, the share is the recall of
    joining every pair either joins; each other true pair is two mentions that share nothing the
    ceiling counts as evidence and that Threadline kept apart.
    """
    by_person: dict[Hashable, list[Hashable]] = defaultdict(list)
    for mention, person in truth.items():
        by_person[person].append(mention)
    joined = total = 0
    for mentions in by_person.values():
        total += _pairs(len(mentions))
        a = Counter(first.get(m, ("alone", m)) for m in mentions)
        b = Counter(second.get(m, ("alone", m)) for m in mentions)
        both = Counter((first.get(m, ("alone", m)), second.get(m, ("alone", m))) for m in mentions)
        joined += sum(map(_pairs, a.values())) + sum(map(_pairs, b.values()))
        joined -= sum(map(_pairs, both.values()))
    return joined, total


def bcubed_scores(
    truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> BCubedScores:
    """B-cubed precision, recall and F1 of ``predicted`` against ``truth``, averaged over mentions.

    A cell of ``n`` mentions sharing true label ``t`` and predicted label ``p`` contributes
    ``n * n / |p|`` to the precision sum and ``n * n / |t|`` to the recall sum (each of its ``n``
    mentions scores ``n / |p|`` and ``n / |t|``). Only mentions in both mappings are scored.
    """
    table = _contingency(truth, predicted)
    if table.scored == 0:
        precision = recall = 1.0
    else:
        precision = (
            math.fsum(n * n / table.predicted_sizes[p] for (_, p), n in table.cells.items())
            / table.scored
        )
        recall = (
            math.fsum(n * n / table.truth_sizes[t] for (t, _), n in table.cells.items())
            / table.scored
        )
    return BCubedScores._scored(table, precision, recall)


# --------------------------------------------------------------------------------------------
# Trap merges: people who must never be joined
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrapMerge:
    """Two different true people (twins, father and son, strangers sharing a name) joined.

    ``clusters`` are the predicted clusters holding mentions of both; ``mentions_a`` and
    ``mentions_b`` are their mentions in those clusters, sorted by id where ids sort.
    """

    person_a: Hashable
    person_b: Hashable
    clusters: tuple[Hashable, ...]
    mentions_a: tuple[Hashable, ...]
    mentions_b: tuple[Hashable, ...]
    kind: str | None = None

    @property
    def reason(self) -> str:
        """Why this is a violation, with the evidence."""
        what = f" ({self.kind})" if self.kind else ""
        clusters = ", ".join(map(str, self.clusters))
        return (
            f"trap pair {self.person_a} / {self.person_b}{what} merged in predicted cluster "
            f"{clusters}: mentions {', '.join(map(str, self.mentions_a))} of {self.person_a} "
            f"with {', '.join(map(str, self.mentions_b))} of {self.person_b}"
        )


def _sorted(items: Iterable[Hashable]) -> tuple[Hashable, ...]:
    values = list(items)
    try:
        return tuple(sorted(values))  # type: ignore[type-var]
    except TypeError:
        return tuple(sorted(values, key=repr))


def trap_merges(
    predicted: Mapping[Hashable, Hashable],
    trap_pairs: Iterable[tuple[Hashable, Hashable] | tuple[Hashable, Hashable, str]],
    truth: Mapping[Hashable, Hashable],
) -> list[TrapMerge]:
    """The trap pairs of true people whose mentions the prediction put in one cluster.

    ``trap_pairs`` holds pairs of *true* person ids (labels of ``truth``), optionally with a third
    item naming the kind of trap (``"twins"``), which is carried into the result. A pair is
    violated when any mention of ``a`` and any mention of ``b`` share a predicted cluster. Only
    mentions present in both mappings count. A pair given twice (in either order) is reported once,
    in the order first given; a pair naming the same person twice is an error.
    """
    clusters_by_person: dict[Hashable, dict[Hashable, list[Hashable]]] = defaultdict(
        lambda: defaultdict(list)
    )
    missing = object()
    for mention, person in truth.items():
        cluster = predicted.get(mention, missing)
        if cluster is not missing:
            clusters_by_person[person][cluster].append(mention)

    violations: list[TrapMerge] = []
    seen: set[frozenset[Hashable]] = set()
    for trap in trap_pairs:
        a, b = trap[0], trap[1]
        kind = trap[2] if len(trap) > 2 else None
        if a == b:
            raise ValueError(f"trap pair names the same person twice: {a!r}")
        key = frozenset((a, b))
        if key in seen:
            continue
        seen.add(key)
        clusters_a = clusters_by_person.get(a, {})
        clusters_b = clusters_by_person.get(b, {})
        shared = [c for c in clusters_a if c in clusters_b]
        if not shared:
            continue
        violations.append(
            TrapMerge(
                person_a=a,
                person_b=b,
                clusters=_sorted(shared),
                mentions_a=_sorted(m for c in shared for m in clusters_a[c]),
                mentions_b=_sorted(m for c in shared for m in clusters_b[c]),
                kind=kind,
            )
        )
    return violations


# --------------------------------------------------------------------------------------------
# Alert timing
# --------------------------------------------------------------------------------------------


def first_alert_positions(
    series_incidents: Mapping[Hashable, Sequence[Hashable]],
    alerts: Iterable[Sequence[Hashable]],
    rules: Iterable[Hashable] = (),
) -> dict[Hashable, dict[Hashable, int | None]]:
    """For each series and rule, the 1-based position of the incident at which the rule first fired.

    ``series_incidents`` maps a series id to its incident refs in the order they were reported.
    Each alert is ``(rule_id, incident_ref, *cited_refs)``; it belongs to every series that holds
    the incident it fired on (cited refs do not place it). ``None`` means the rule never fired on
    that series. Every rule seen in ``alerts``, plus any named in ``rules`` (so a rule that never
    fired still gets a row), appears for every series. An incident listed twice in one series
    takes its first position.
    """
    where: dict[Hashable, list[tuple[Hashable, int]]] = defaultdict(list)
    for series, incidents in series_incidents.items():
        placed: set[Hashable] = set()
        for position, incident in enumerate(incidents, start=1):
            if incident not in placed:
                placed.add(incident)
                where[incident].append((series, position))

    all_rules: dict[Hashable, None] = dict.fromkeys(rules)
    first: dict[tuple[Hashable, Hashable], int] = {}
    for alert in alerts:
        if len(alert) < 2:
            raise ValueError(f"an alert needs a rule id and an incident ref: {alert!r}")
        rule, incident = alert[0], alert[1]
        all_rules.setdefault(rule, None)
        for series, position in where.get(incident, ()):
            key = (series, rule)
            if key not in first or position < first[key]:
                first[key] = position

    return {
        series: {rule: first.get((series, rule)) for rule in all_rules}
        for series in series_incidents
    }


def share_at_or_before(
    positions: Mapping[Hashable, Mapping[Hashable, int | None]], rule_id: Hashable, k: int
) -> float:
    """Share of series in which ``rule_id`` first fired at or before the ``k``-th incident.

    ``positions`` is the result of :func:`first_alert_positions`. A series where the rule never
    fired (or has no entry for it) counts as not caught. With no series the share is 0.0.
    """
    if k < 1:
        raise ValueError(f"k is a 1-based position, got {k}")
    if not positions:
        return 0.0
    caught = 0
    for by_rule in positions.values():
        position = by_rule.get(rule_id)
        if position is not None and position <= k:
            caught += 1
    return caught / len(positions)


# --------------------------------------------------------------------------------------------
# Order breaches
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreachOutcome:
    """What the system did about one true breach.

    ``outcome`` is ``"correct"`` (flagged against the right order with the right count),
    ``"wrong_count"`` (right order, other count), ``"wrong_order"`` (the incident was flagged, but
    only against other orders) or ``"missed"``.
    """

    order_ref: Hashable
    incident_ref: Hashable
    expected_count: int
    flagged: tuple[tuple[Hashable, int], ...]
    outcome: str

    @property
    def reason(self) -> str:
        """The outcome in words."""
        head = (
            f"breach {self.expected_count} of order {self.order_ref} "
            f"at incident {self.incident_ref}"
        )
        if self.outcome == "missed":
            return f"{head}: not flagged"
        flags = "; ".join(f"order {o} count {c}" for o, c in self.flagged)
        return f"{head}: {self.outcome.replace('_', ' ')} (flagged as {flags})"


@dataclass(frozen=True, slots=True)
class BreachScores:
    """Order breaches flagged against breaches that happened.

    ``recall`` is ``correct / happened`` (1.0 when nothing happened); ``precision`` is ``correct /
    flagged`` (1.0 when nothing was flagged). ``spurious`` counts flags whose (order, incident) is
    not a true breach. ``outcomes`` gives one :class:`BreachOutcome` per true breach.
    """

    happened: int
    flagged: int
    correct: int
    wrong_count: int
    wrong_order: int
    missed: int
    spurious: int
    recall: float
    precision: float
    outcomes: tuple[BreachOutcome, ...]

    @property
    def summary(self) -> str:
        """One line a reader can check."""
        return (
            f"{self.correct} of {self.happened} breaches flagged with the right order and count "
            f"(recall {self.recall:.3f}); {self.wrong_count} wrong count, {self.wrong_order} "
            f"wrong order, {self.missed} missed; {self.spurious} of {self.flagged} flags spurious"
        )


def breach_recall(
    truth_breaches: Mapping[Hashable, Sequence[Hashable]],
    flagged: Iterable[tuple[Hashable, Hashable, int]],
) -> BreachScores:
    """Score breach flags against the true breaches of each order.

    ``truth_breaches`` maps an order ref to the incident refs that breached it, in order, so the
    incident at index ``i`` is breach number ``i + 1``. ``flagged`` holds the system's
    ``(order_ref, incident_ref, count)`` flags. A true breach is *correct* when some flag names its
    incident, its order and its count. Repeated identical flags count once.
    """
    expected: dict[tuple[Hashable, Hashable], int] = {}
    for order, incidents in truth_breaches.items():
        for count, incident in enumerate(incidents, start=1):
            if (order, incident) in expected:
                raise ValueError(f"incident {incident!r} listed twice as a breach of {order!r}")
            expected[(order, incident)] = count

    flags: dict[tuple[Hashable, Hashable, int], None] = dict.fromkeys(
        (order, incident, int(count)) for order, incident, count in flagged
    )
    by_incident: dict[Hashable, list[tuple[Hashable, int]]] = defaultdict(list)
    for order, incident, count in flags:
        by_incident[incident].append((order, count))

    outcomes: list[BreachOutcome] = []
    tally: Counter[str] = Counter()
    for (order, incident), count in expected.items():
        on_incident = by_incident.get(incident, [])
        if (order, count) in on_incident:
            outcome = "correct"
        elif any(o == order for o, _ in on_incident):
            outcome = "wrong_count"
        elif on_incident:
            outcome = "wrong_order"
        else:
            outcome = "missed"
        tally[outcome] += 1
        outcomes.append(
            BreachOutcome(
                order_ref=order,
                incident_ref=incident,
                expected_count=count,
                flagged=tuple(on_incident),
                outcome=outcome,
            )
        )

    happened = len(expected)
    correct = tally["correct"]
    return BreachScores(
        happened=happened,
        flagged=len(flags),
        correct=correct,
        wrong_count=tally["wrong_count"],
        wrong_order=tally["wrong_order"],
        missed=tally["missed"],
        spurious=sum(1 for order, incident, _ in flags if (order, incident) not in expected),
        recall=correct / happened if happened else 1.0,
        precision=correct / len(flags) if flags else 1.0,
        outcomes=tuple(outcomes),
    )


def false_alert_rate(alerts_on_background: int, background_incidents: int) -> float:
    """Alerts raised on background incidents (belonging to no true series) per 1,000 of them.

    With no background incidents and no alerts the rate is 0.0; alerts on zero incidents, or
    negative counts, are errors.
    """
    if alerts_on_background < 0 or background_incidents < 0:
        raise ValueError("counts cannot be negative")
    if background_incidents == 0:
        if alerts_on_background:
            raise ValueError(f"{alerts_on_background} alerts on zero background incidents")
        return 0.0
    return 1000 * alerts_on_background / background_incidents
