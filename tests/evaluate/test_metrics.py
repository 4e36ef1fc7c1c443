"""Tests for threadline.evaluate.metrics: worked examples, edge cases and brute-force checks."""

import itertools
import random

import pytest

from threadline.evaluate.metrics import (
    bcubed_scores,
    breach_recall,
    false_alert_rate,
    first_alert_positions,
    joined_by_either,
    pairwise_scores,
    share_at_or_before,
    trap_merges,
)

# Worked example used by several tests.
#   truth:     a, b, c are person 1; d is person 2
#   predicted: a, b in X; c, d in Y
TRUTH = {"a": 1, "b": 1, "c": 1, "d": 2}
PREDICTED = {"a": "X", "b": "X", "c": "Y", "d": "Y"}


def brute_force_pairwise(truth, predicted):
    """O(n^2) reference: enumerate every pair of mentions present in both mappings."""
    common = sorted(set(truth) & set(predicted))
    true_pairs = predicted_pairs = correct = 0
    for m, n in itertools.combinations(common, 2):
        same_truth = truth[m] == truth[n]
        same_predicted = predicted[m] == predicted[n]
        true_pairs += same_truth
        predicted_pairs += same_predicted
        correct += same_truth and same_predicted
    return true_pairs, predicted_pairs, correct


def brute_force_bcubed(truth, predicted):
    """Reference B-cubed: for each mention, look at every other mention."""
    common = [m for m in truth if m in predicted]
    if not common:
        return 1.0, 1.0
    precision = recall = 0.0
    for m in common:
        same_predicted = [n for n in common if predicted[n] == predicted[m]]
        same_truth = [n for n in common if truth[n] == truth[m]]
        both = [n for n in same_predicted if truth[n] == truth[m]]
        precision += len(both) / len(same_predicted)
        recall += len(both) / len(same_truth)
    return precision / len(common), recall / len(common)


def test_pairwise_worked_example():
    # True pairs: ab, ac, bc = 3. Predicted pairs: ab, cd = 2. Correct: ab = 1.
    # Precision 1/2, recall 1/3, F1 = 2 * (1/2 * 1/3) / (1/2 + 1/3) = (1/3) / (5/6) = 2/5.
    scores = pairwise_scores(TRUTH, PREDICTED)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 2, 1)
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(2 / 5)
    assert scores.scored_mentions == 4
    assert scores.left_out == 0
    assert "1 of 2 predicted pairs" in scores.summary
    assert "1 of 3 true pairs" in scores.summary


def test_pairwise_scores_only_mentions_in_both_and_counts_the_rest():
    # a is only in truth; e, f only predicted. Scored: b, c, d.
    # Truth among b, c, d: bc is a pair (person 1) = 1 true pair.
    # Predicted among b, c, d: cd (Y) = 1 predicted pair; e and f would have paired with b if
    # counted, but they are not. Correct: none (bc split, cd wrong).
    predicted = {"b": "X", "c": "Y", "d": "Y", "e": "X", "f": "X"}
    scores = pairwise_scores(TRUTH, predicted)
    assert scores.scored_mentions == 3
    assert (scores.only_in_truth, scores.only_in_predicted, scores.left_out) == (1, 2, 3)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (1, 1, 0)
    assert scores.precision == 0.0 and scores.recall == 0.0 and scores.f1 == 0.0


def test_pairwise_empty_inputs_score_perfect_with_nothing_scored():
    # No pairs predicted -> precision defined as 1; no true pairs -> recall 1.
    scores = pairwise_scores({}, {})
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (0, 0, 0)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)
    assert scores.scored_mentions == 0


def test_pairwise_all_singletons_against_one_person():
    # Truth: four mentions of one person = C(4,2) = 6 true pairs. Predicted: all singletons,
    # so no predicted pairs: precision 1 by definition, recall 0/6 = 0, F1 0.
    truth = dict.fromkeys("abcd", "P")
    predicted = {m: m for m in "abcd"}
    scores = pairwise_scores(truth, predicted)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (6, 0, 0)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)
    # And the reverse: everything merged when all are distinct people: precision 0, recall 1.
    reverse = pairwise_scores(predicted, truth)
    assert (reverse.precision, reverse.recall) == (0.0, 1.0)


def test_pairwise_all_singletons_both_sides():
    truth = {m: m for m in "abc"}
    predicted = {m: m.upper() for m in "abc"}
    scores = pairwise_scores(truth, predicted)
    assert (scores.true_pairs, scores.predicted_pairs) == (0, 0)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize("seed", range(40))
def test_pairwise_agrees_with_brute_force(seed):
    rng = random.Random(seed)
    mentions = [f"m{i}" for i in range(rng.randint(0, 40))]
    truth = {m: rng.randint(0, rng.randint(1, 8)) for m in mentions if rng.random() < 0.9}
    predicted = {m: f"c{rng.randint(0, rng.randint(1, 8))}" for m in mentions if rng.random() < 0.9}
    predicted.update({f"extra{i}": "c0" for i in range(rng.randint(0, 3))})
    scores = pairwise_scores(truth, predicted)
    true_pairs, predicted_pairs, correct = brute_force_pairwise(truth, predicted)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (
        true_pairs,
        predicted_pairs,
        correct,
    )
    common = set(truth) & set(predicted)
    assert scores.scored_mentions == len(common)
    assert scores.only_in_truth == len(set(truth) - common)
    assert scores.only_in_predicted == len(set(predicted) - common)
    b = bcubed_scores(truth, predicted)
    expected_precision, expected_recall = brute_force_bcubed(truth, predicted)
    assert b.precision == pytest.approx(expected_precision)
    assert b.recall == pytest.approx(expected_recall)


def test_bcubed_worked_example():
    # Cells: (1,X) = {a,b}, (1,Y) = {c}, (2,Y) = {d}. |X| = 2, |Y| = 2, |1| = 3, |2| = 1.
    # Precision per mention: a 2/2, b 2/2, c 1/2, d 1/2 -> mean 3/4.
    # Recall per mention:    a 2/3, b 2/3, c 1/3, d 1/1 -> sum 8/3 -> mean 2/3.
    # F1 = 2 * 3/4 * 2/3 / (3/4 + 2/3) = 1 / (17/12) = 12/17.
    scores = bcubed_scores(TRUTH, PREDICTED)
    assert scores.precision == pytest.approx(3 / 4)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(12 / 17)
    assert scores.scored_mentions == 4


def test_bcubed_edge_cases():
    empty = bcubed_scores({}, {})
    assert (empty.precision, empty.recall, empty.scored_mentions) == (1.0, 1.0, 0)
    # One person of 4 mentions, predicted all singletons: each mention's precision 1/1, recall 1/4.
    split = bcubed_scores(dict.fromkeys("abcd", 1), {m: m for m in "abcd"})
    assert split.precision == pytest.approx(1.0)
    assert split.recall == pytest.approx(1 / 4)
    # Perfect prediction with different label names.
    perfect = bcubed_scores(TRUTH, {"a": 9, "b": 9, "c": 9, "d": 8})
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)


@pytest.mark.slow
def test_pairwise_two_million_mentions():
    # Truth: clusters of 4 -> 500,000 * C(4,2) = 3,000,000 true pairs. Predicted: the halves of
    # each cluster, clusters of 2 -> 1,000,000 pairs, all correct. Precision 1, recall 1/3.
    n = 2_000_000
    truth = {i: i // 4 for i in range(n)}
    predicted = {i: i // 2 for i in range(n)}
    scores = pairwise_scores(truth, predicted)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (
        3_000_000,
        1_000_000,
        1_000_000,
    )
    assert scores.recall == pytest.approx(1 / 3)
    # B-cubed: precision 1; each mention's recall 2/4.
    b = bcubed_scores(truth, predicted)
    assert (b.precision, b.recall) == (pytest.approx(1.0), pytest.approx(0.5))


# --- trap merges -----------------------------------------------------------------------------

# Persons A and B are twins, C and D father and son, E a same-name stranger of A.
TRAP_TRUTH = {"m1": "A", "m2": "A", "m3": "B", "m4": "C", "m5": "C", "m6": "D", "m7": "E"}
# m2 (A) and m3 (B) merged in Y; m5 (C) and m6 (D) in W; m7 (E) alone; m8 unknown to truth.
TRAP_PREDICTED = {"m1": "X", "m2": "Y", "m3": "Y", "m4": "Z", "m5": "W", "m6": "W", "m7": "V"}


def test_trap_merges_reports_each_violated_pair_with_evidence():
    traps = [("A", "B", "twins"), ("C", "D", "father/son"), ("A", "E", "same name")]
    merges = trap_merges(TRAP_PREDICTED, traps, TRAP_TRUTH)
    assert [(t.person_a, t.person_b) for t in merges] == [("A", "B"), ("C", "D")]
    twins = merges[0]
    assert twins.clusters == ("Y",)
    assert twins.mentions_a == ("m2",)  # m1 of A is in X, not merged with B
    assert twins.mentions_b == ("m3",)
    assert twins.kind == "twins"
    assert "m2" in twins.reason and "m3" in twins.reason and "twins" in twins.reason
    assert merges[1].mentions_a == ("m5",) and merges[1].mentions_b == ("m6",)


def test_trap_merges_lists_every_shared_cluster_and_dedupes_pairs():
    # A and B share two clusters: Y (m2, m3) and Q (m1, m9).
    truth = {**TRAP_TRUTH, "m9": "B"}
    predicted = {**TRAP_PREDICTED, "m1": "Q", "m9": "Q"}
    merges = trap_merges(predicted, [("A", "B"), ("B", "A"), ("A", "B", "twins")], truth)
    assert len(merges) == 1
    assert merges[0].clusters == ("Q", "Y")
    assert merges[0].mentions_a == ("m1", "m2")
    assert merges[0].mentions_b == ("m3", "m9")
    assert merges[0].kind is None


def test_trap_merges_ignores_unscored_mentions_and_unknown_people():
    # Drop m3 from the prediction: B has no scored mention, so the twins are not merged.
    predicted = {m: c for m, c in TRAP_PREDICTED.items() if m != "m3"}
    assert trap_merges(predicted, [("A", "B"), ("A", "nobody")], TRAP_TRUTH) == []
    assert trap_merges({}, [("A", "B")], {}) == []
    assert trap_merges(TRAP_PREDICTED, [], TRAP_TRUTH) == []


def test_trap_pair_of_one_person_is_an_error():
    with pytest.raises(ValueError, match="same person"):
        trap_merges(TRAP_PREDICTED, [("A", "A")], TRAP_TRUTH)


# --- alert timing ----------------------------------------------------------------------------

SERIES = {"S1": ["i1", "i2", "i3", "i4"], "S2": ["j1", "j2", "i3"]}


def test_first_alert_positions():
    alerts = [
        ("R1", "i3"),  # i3 is 3rd in S1 and 3rd in S2
        ("R1", "i2"),  # 2nd in S1: earlier, so R1 first fired at 2 in S1
        ("R2", "i4"),  # 4th in S1
        ("R2", "j2", "i1"),  # 2nd in S2; citing i1 does not place it in S1
        ("R3", "b7"),  # a background incident: in no series
    ]
    positions = first_alert_positions(SERIES, alerts, rules=["R4"])
    assert positions == {
        "S1": {"R4": None, "R1": 2, "R2": 4, "R3": None},
        "S2": {"R4": None, "R1": 3, "R2": 2, "R3": None},
    }
    # R1: S1 at 2, S2 at 3.
    assert share_at_or_before(positions, "R1", 1) == 0.0
    assert share_at_or_before(positions, "R1", 2) == 0.5
    assert share_at_or_before(positions, "R1", 3) == 1.0
    assert share_at_or_before(positions, "R2", 2) == 0.5
    assert share_at_or_before(positions, "R2", 4) == 1.0
    assert share_at_or_before(positions, "R3", 10) == 0.0
    assert share_at_or_before(positions, "never-seen", 10) == 0.0


def test_first_alert_positions_edge_cases():
    assert first_alert_positions({}, [("R1", "i1")]) == {}
    assert first_alert_positions(SERIES, []) == {"S1": {}, "S2": {}}
    # A repeated incident keeps its first position.
    assert first_alert_positions({"S": ["x", "y", "x"]}, [("R", "x")]) == {"S": {"R": 1}}
    with pytest.raises(ValueError, match="rule id"):
        first_alert_positions(SERIES, [("R1",)])
    assert share_at_or_before({}, "R1", 3) == 0.0
    with pytest.raises(ValueError):
        share_at_or_before({"S": {"R": 1}}, "R", 0)


def test_breach_recall():
    truth = {"O1": ["i1", "i3", "i5"], "O2": ["i3", "i6"], "O3": ["i8"]}
    flagged = [
        ("O1", "i1", 1),  # correct
        ("O1", "i3", 3),  # right order, wrong count (i3 is breach 2 of O1)
        ("O2", "i3", 1),  # correct
        ("O1", "i5", 3),  # correct
        ("O1", "i5", 3),  # repeated: counted once
        ("O3", "i7", 1),  # i7 is no breach: spurious
        ("O1", "i6", 1),  # i6 breached O2, not O1: O2/i6 is "wrong order", and the flag spurious
    ]
    # O3/i8 is never flagged: missed. Happened 6, correct 3; 6 distinct flags.
    scores = breach_recall(truth, flagged)
    assert (scores.happened, scores.flagged, scores.correct) == (6, 6, 3)
    assert (scores.wrong_count, scores.wrong_order, scores.missed, scores.spurious) == (1, 1, 1, 2)
    assert scores.recall == 0.5 and scores.precision == 0.5
    by_key = {(o.order_ref, o.incident_ref): o for o in scores.outcomes}
    assert by_key[("O1", "i3")].outcome == "wrong_count"
    assert by_key[("O1", "i3")].expected_count == 2
    assert "flagged as order O1 count 3" in by_key[("O1", "i3")].reason
    assert by_key[("O2", "i6")].outcome == "wrong_order"
    assert by_key[("O3", "i8")].reason.endswith("not flagged")
    assert "3 of 6 breaches" in scores.summary


def test_breach_recall_edge_cases():
    nothing = breach_recall({}, [])
    assert (nothing.recall, nothing.precision, nothing.happened) == (1.0, 1.0, 0)
    none_flagged = breach_recall({"O1": ["i1"]}, [])
    assert (none_flagged.recall, none_flagged.missed) == (0.0, 1)
    with pytest.raises(ValueError, match="twice"):
        breach_recall({"O1": ["i1", "i1"]}, [])


def test_false_alert_rate():
    assert false_alert_rate(3, 1500) == pytest.approx(2.0)
    assert false_alert_rate(0, 1500) == 0.0
    assert false_alert_rate(0, 0) == 0.0
    with pytest.raises(ValueError):
        false_alert_rate(1, 0)
    with pytest.raises(ValueError):
        false_alert_rate(-1, 10)


def test_joined_by_either_counts_true_pairs_one_or_the_other_joins() -> None:
    # a-b joined by the first, b-c by the second, a-c by neither; d is someone else
    first = {"a": "X", "b": "X", "c": "Y", "d": "X"}  # d wrongly with a and b: not a true pair
    second = {"b": "S", "c": "S"}  # a and d missing: alone
    assert joined_by_either(TRUTH, first, second) == (2, 3)


@pytest.mark.parametrize("seed", range(5))
def test_joined_by_either_matches_brute_force(seed: int) -> None:
    rnd = random.Random(seed)
    mentions = [f"m{i}" for i in range(60)]
    truth = {m: rnd.randrange(12) for m in mentions}
    first = {m: rnd.randrange(15) for m in mentions if rnd.random() < 0.9}
    second = {m: rnd.randrange(15) for m in mentions if rnd.random() < 0.9}
    pairs = [(m, n) for m, n in itertools.combinations(mentions, 2) if truth[m] == truth[n]]

    def together(clusters: dict[str, int], m: str, n: str) -> bool:
        return m in clusters and n in clusters and clusters[m] == clusters[n]

    either = sum(together(first, m, n) or together(second, m, n) for m, n in pairs)
    assert joined_by_either(truth, first, second) == (either, len(pairs))
