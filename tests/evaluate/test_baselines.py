"""Tests for threadline.evaluate.baselines: exact-name and exact-name-plus-DOB clustering."""

import datetime

import pytest

from threadline.evaluate.baselines import (
    MentionRecord,
    exact_name_clusters,
    exact_name_dob_clusters,
)
from threadline.evaluate.metrics import pairwise_scores


def m(id, forenames=None, surname=None, dob=None):
    return MentionRecord(id=id, forenames=forenames, surname=surname, dob=dob)


MENTIONS = [
    m(1, "Jane", "Hollowell", "1990-02-21"),
    m(2, " jane ", "HOLLOWELL", "21/02/1990"),  # same after case-fold, trim and UK date reading
    m(3, "Janie", "Hollowell", "1990-02-21"),  # nickname: exact match cannot see it
    m(4, "Jane", "Hollowel", "1990-02-21"),  # typo in surname
    m(5, "Jane", "Hollowell", None),  # no DOB
    m(6, None, "Hollowell", "1990-02-21"),  # no forename
    m(7, "Jane", "Hollowell", "1990"),  # partial DOB
    m(8, "Jane", "Hollowell", "1985-06-01"),  # a different Jane Hollowell
    m(9, "", "Hollowell", "1990-02-21"),  # blank forename is missing
    m(10, "Mary  Ann", "Brindley", datetime.date(1975, 1, 9)),
    m(11, "mary ann", " Brindley", "1975-01-09"),  # inner whitespace collapsed
    m(12, "Jane", None, "1990-02-21"),  # no surname
    m(13, "Jane", "Hollowell", "31/02/1990"),  # impossible DOB: unreadable, treated as missing
]


def partition(labels):
    """The clusters as a set of frozensets of mention ids, whatever the labels are."""
    groups = {}
    for mention, label in labels.items():
        groups.setdefault(label, set()).add(mention)
    return {frozenset(g) for g in groups.values()}


def test_exact_name_clusters():
    # Jane Hollowell: 1, 2, 5, 7, 8, 13 whatever the DOB. Mary Ann Brindley: 10, 11.
    # Janie (3), the typo (4) and the mentions missing a name part (6, 9, 12) stand alone.
    labels = exact_name_clusters(MENTIONS)
    assert set(labels) == {x.id for x in MENTIONS}
    assert partition(labels) == {
        frozenset({1, 2, 5, 7, 8, 13}),
        frozenset({10, 11}),
        frozenset({3}),
        frozenset({4}),
        frozenset({6}),
        frozenset({9}),
        frozenset({12}),
    }
    assert labels[1] == ("name", "jane", "hollowell")
    assert labels[6] == ("singleton", 6)


def test_exact_name_dob_clusters():
    # Only 1 and 2 (same name, same full DOB) and 10 and 11 join; 8 has another DOB; 5, 7 and 13
    # lack a usable full DOB, so each stands alone, as do all the exact-name singletons.
    labels = exact_name_dob_clusters(MENTIONS)
    assert partition(labels) == {frozenset({1, 2}), frozenset({10, 11})} | {
        frozenset({i}) for i in (3, 4, 5, 6, 7, 8, 9, 12, 13)
    }
    assert labels[1] == ("name_dob", "jane", "hollowell", "1990-02-21")


def test_baselines_accept_mappings_and_score_against_truth():
    mentions = [
        {"id": "a", "forenames": "Priya", "surname": "Calder", "dob": "1988-03-04"},
        {"id": "b", "forenames": "Priya", "surname": "Calder", "dob": "1988-03-04"},
        {"id": "c", "forenames": "Priya", "surname": "Calder", "dob": "1962-11-30"},
        {"id": "d", "forenames": "Pri", "surname": "Calder", "dob": "1988-03-04"},
    ]
    # Truth: a, b, d are the daughter; c is her mother of the same name.
    truth = {"a": "daughter", "b": "daughter", "c": "mother", "d": "daughter"}
    # Exact name joins a, b, c: 3 predicted pairs (ab, ac, bc), 1 correct (ab); true pairs 3.
    by_name = pairwise_scores(truth, exact_name_clusters(mentions))
    assert (by_name.predicted_pairs, by_name.correct_pairs, by_name.true_pairs) == (3, 1, 3)
    # Name + DOB joins only a, b: precision 1, recall 1/3 (misses ad, bd).
    by_dob = pairwise_scores(truth, exact_name_dob_clusters(mentions))
    assert (by_dob.precision, by_dob.recall) == (1.0, pytest.approx(1 / 3))


def test_baselines_edge_cases():
    assert exact_name_clusters([]) == {}
    assert exact_name_dob_clusters([]) == {}
    with pytest.raises(ValueError, match="twice"):
        exact_name_clusters([m(1, "A", "B"), m(1, "A", "B")])
    with pytest.raises(ValueError, match="no id"):
        exact_name_dob_clusters([{"forenames": "A", "surname": "B"}])
