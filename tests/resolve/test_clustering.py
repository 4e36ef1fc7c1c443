"""Clustering: Splink's connected components, and cannot-link judgements that are never merged."""

from __future__ import annotations

import itertools
import random
from typing import Any

import networkx as nx
import pandas as pd

from threadline.resolve import LinkageModel, cluster, cluster_with_reasons, predict_pairs


def edges(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def test_connected_components_above_the_threshold() -> None:
    pairs = edges(("a", "b", 0.9), ("b", "c", 0.6), ("d", "e", 0.4))
    clusters = cluster(pairs, ["a", "b", "c", "d", "e", "f"], threshold=0.5)
    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "e", "f": "f"}


def test_same_components_as_networkx_on_a_random_graph() -> None:
    rnd = random.Random(5)
    ids = [f"n{i:02d}" for i in range(60)]
    rows = [(a, b, rnd.random()) for a, b in itertools.combinations(ids, 2) if rnd.random() < 0.03]
    clusters = cluster(edges(*rows), ids, threshold=0.5)
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((a, b) for a, b, p in rows if p >= 0.5)
    expected = {
        node: min(component) for component in nx.connected_components(graph) for node in component
    }
    assert clusters == expected


def test_cannot_link_breaks_the_weakest_link_on_the_path() -> None:
    # a - b - c - d in a chain; a and d judged different people; c-d is the weakest link
    pairs = edges(("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.7))
    result = cluster_with_reasons(
        pairs, ["a", "b", "c", "d"], threshold=0.5, cannot_link={frozenset({"a", "d"})}
    )
    assert result.clusters == {"a": "a", "b": "a", "c": "a", "d": "d"}
    assert [(r.unique_id_l, r.unique_id_r) for r in result.refused] == [("c", "d")]
    assert "judged to be different people" in result.refused[0].reason


def test_cannot_link_in_a_dense_component_is_always_respected() -> None:
    rnd = random.Random(9)
    ids = [f"m{i}" for i in range(12)]
    rows = [(a, b, 0.5 + rnd.random() / 2) for a, b in itertools.combinations(ids, 2)]
    forbidden = {frozenset({"m0", "m5"}), frozenset({"m3", "m7"}), frozenset({"m1", "m11"})}
    clusters = cluster(edges(*rows), ids, threshold=0.5, cannot_link=forbidden)
    for pair in forbidden:
        a, b = sorted(pair)
        assert clusters[a] != clusters[b]
    # only as much split as needed: with three cannot-link pairs, at most four clusters
    assert len(set(clusters.values())) <= 4


def test_components_without_cannot_link_pairs_are_untouched() -> None:
    pairs = edges(("a", "b", 0.9), ("b", "c", 0.8), ("x", "y", 0.9), ("y", "z", 0.8))
    clusters = cluster(pairs, list("abcxyz"), threshold=0.5, cannot_link={frozenset({"x", "z"})})
    assert clusters["a"] == clusters["b"] == clusters["c"] == "a"
    assert clusters["x"] == clusters["y"] != clusters["z"]


def test_cannot_link_holds_on_model_predictions(
    model: LinkageModel, features: pd.DataFrame, population: Any
) -> None:
    pairs = predict_pairs(model, features, threshold_match_probability=0.5)
    ids = features["unique_id"].tolist()
    plain = cluster(pairs, ids, threshold=0.5)
    # pick a person whose mentions form one cluster and forbid the first and last mention
    truth = population.truth
    by_cluster: dict[str, list[str]] = {}
    for mention_id, label in plain.items():
        by_cluster.setdefault(label, []).append(mention_id)
    group = next(
        sorted(members)
        for members in by_cluster.values()
        if len(members) >= 3 and len({truth[m] for m in members}) == 1
    )
    forbidden = {frozenset({group[0], group[-1]})}
    constrained = cluster(pairs, ids, threshold=0.5, cannot_link=forbidden)
    assert constrained[group[0]] != constrained[group[-1]]
    unaffected = [m for m in ids if m not in group]
    assert all(constrained[m] == plain[m] for m in unaffected)


def person(mention_id: str, **fields: Any) -> dict[str, Any]:
    from threadline.resolve import features_of

    return features_of({"mention_id": mention_id, **fields})


def test_a_bare_mention_does_not_chain_two_namesakes() -> None:
    # two Karolina Jankowskas with different birthdays; a bare mention links strongly to both
    rows = [
        person("a1", forenames="Karolina", surname="Jankowska", dob="1990-10-07"),
        person("a2", forenames="Karolina", surname="Jankowska", dob="1990-10-07"),
        person("b1", forenames="Karolina", surname="Jankowska", dob="1985-12-21"),
        person("x", forenames="Karolina", surname="Jankowska"),
    ]
    pairs = edges(("a1", "a2", 0.999), ("a2", "x", 0.97), ("x", "b1", 0.96))
    ids = ["a1", "a2", "b1", "x"]
    assert len(set(cluster(pairs, ids, 0.95).values())) == 1  # connected components chain
    result = cluster_with_reasons(pairs, ids, 0.95, features=rows)
    assert result.clusters["a1"] == result.clusters["a2"]
    assert result.clusters["b1"] != result.clusters["a1"]
    # the bare mention fits both women, so it joins neither and says why
    assert result.clusters["x"] == "x"
    assert any(
        "fits both" in r.reason and "dates of birth differ" in r.reason for r in result.refused
    )


def test_a_mention_that_fits_one_namesake_far_better_joins_that_one() -> None:
    """Two Henry Browns, born apart; one lives at 55 Linden Road. A Henry Brown with no date of
    birth recorded at that house fits the other by the name alone: he is the first."""
    home = {"address_text": "55 Linden Road", "postcode": "WS12 4LD"}
    rows = [
        person("a1", forenames="Henry", surname="Brown", dob="1997-02-03", **home),
        person("a2", forenames="Henry", surname="Brown", dob="1997-02-03", **home),
        person("b1", forenames="Henry", surname="Brown", dob="1997-12-06"),
        person("x", forenames="Henry", surname="Brown", **home),
    ]
    ids = ["a1", "a2", "b1", "x"]
    # by the house and the name, x~a1 is near certain (weight +30); by the name alone x~b1
    # is +6.5: a Bayes factor of 2^23.5 between them
    far = edges(("a1", "a2", 1 - 2**-40), ("a1", "x", 1 - 2**-30), ("x", "b1", 0.989))
    result = cluster_with_reasons(far, ids, 0.95, features=rows)
    assert result.clusters == {"a1": "a1", "a2": "a1", "x": "a1", "b1": "b1"}
    # of like strength (the house shared with neither), it fits both and joins neither
    near = edges(("a1", "a2", 1 - 2**-40), ("a1", "x", 0.995), ("x", "b1", 0.989))
    result = cluster_with_reasons(near, ids, 0.95, features=rows)
    assert result.clusters["x"] == "x"
    assert any("fits both" in r.reason for r in result.refused)


def test_a_mention_that_contradicts_one_side_joins_the_other() -> None:
    rows = [
        person("f1", forenames="Darren", surname="Jones", dob="1946-11-22"),
        person("s1", forenames="Darren", surname="Jones", dob="1980-02-10"),
        person("s2", forenames="Darren", surname="Jones", dob="1980-02-10"),
    ]
    pairs = edges(("f1", "s1", 0.97), ("s1", "s2", 0.999))
    result = cluster_with_reasons(pairs, ["f1", "s1", "s2"], 0.95, features=rows)
    assert result.clusters == {"f1": "f1", "s1": "s1", "s2": "s1"}
    assert "dates of birth differ" in result.refused[0].reason


def test_components_without_contradictions_are_kept_whole() -> None:
    rows = [
        person("p1", forenames="Patricia", surname="Hall", dob="1970-02-03"),
        person("p2", forenames="Pat", surname="Hall", dob="1970-03-02"),
        person("p3", forenames="Patricai", surname="Hall"),
    ]
    pairs = edges(("p1", "p2", 0.99), ("p2", "p3", 0.96))
    result = cluster_with_reasons(pairs, ["p1", "p2", "p3"], 0.95, features=rows)
    assert set(result.clusters.values()) == {"p1"}
    assert result.refused == []


def test_a_refusal_names_the_two_values_in_the_order_it_names_the_mentions() -> None:
    # whichever mention's profile clustering compared first, "a and b, whose dates of birth
    # differ (a's / b's)": the words are the same on every run
    for older, younger in (("f1", "s1"), ("s1", "f1")):
        rows = [
            person(older, forenames="Darren", surname="Jones", dob="1946-11-22"),
            person(younger, forenames="Darren", surname="Jones", dob="1980-02-10"),
            person("s2", forenames="Darren", surname="Jones", dob="1980-02-10"),
        ]
        pairs = edges((younger, "s2", 0.999), (older, younger, 0.97))
        result = cluster_with_reasons(pairs, ["f1", "s1", "s2"], 0.95, features=rows)
        dobs = {older: "1946-11-22", younger: "1980-02-10"}
        assert [r.reason.split(": ", 1)[1] for r in result.refused] == [
            f"it would join f1 and s1, whose dates of birth differ ({dobs['f1']} / {dobs['s1']})"
        ]
