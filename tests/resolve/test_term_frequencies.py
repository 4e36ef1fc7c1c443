"""Evidence weighed by how rare it is: shared identifiers and names are term-frequency adjusted,
and their u probabilities are those of the whole force, not of the few mentions that carry them."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from threadline.features import features_table
from threadline.resolve import LinkageModel, features_of, mention_features, score_pairs, train_model
from threadline.resolve.linkage import predict_pairs, term_frequency_tables, whole_force_u

SWITCHBOARD = "07700 900999"  # a hostel's front desk, given by many of its residents


@pytest.fixture(scope="module")
def switchboard_rows(make_population: Callable[..., Any]) -> list[dict[str, Any]]:
    """The test population, with one in twelve mentions giving the same switchboard number,
    one person in six named Smith, and accounts given by ten people only, in every mention
    of them (as in a stalking campaign: the suspect's account, in every report)."""
    population = make_population(300, seed=11)
    rnd = random.Random(5)
    for n, person in enumerate(population.people):
        for mention in person.mentions:
            mention["accounts"] = [person.account] if n < 10 else []
    for person in population.people:
        if rnd.random() < 1 / 6:
            person.surname = "smith"
            for mention in person.mentions:
                mention["surname"] = "Smith"
    rows = population.rows
    for row in rows:
        if rnd.random() < 1 / 12:
            row["phones"] = [SWITCHBOARD]
    return rows


@pytest.fixture(scope="module")
def tf_model(switchboard_rows: list[dict[str, Any]]) -> LinkageModel:
    features = mention_features(switchboard_rows)
    return train_model(features, trained_at="2026-01-01T00:00:00+00:00", seed=3, max_pairs=2e5)


def _contribution(
    model: LinkageModel, left: dict[str, Any], right: dict[str, Any], name: str
) -> float:
    scored = score_pairs(model, features_of(left), [features_of(right)])
    return float(scored.loc[0, f"mw_{name}"])


def _mention(mention_id: str, **fields: Any) -> dict[str, Any]:
    return {"mention_id": mention_id, "forenames": "Nerys", "surname": "Quarrie", **fields}


def test_a_shared_account_is_strong_evidence(tf_model: LinkageModel) -> None:
    """Few mentions give an account, mostly one person's own: among those few, two sharing an
    account is common (random sampling among them gave it +3.9); across the force it is
    rare."""
    account = [("instagram", "nerys_q_77")]
    weight = _contribution(
        tf_model, _mention("a", accounts=account), _mention("b", accounts=account), "accounts"
    )
    assert weight > 8
    assert tf_model.metadata["whole_force_u"]["accounts"] < 0.01


def test_a_switchboard_phone_weighs_less_than_a_phone_two_mentions_share(
    tf_model: LinkageModel, switchboard_rows: list[dict[str, Any]]
) -> None:
    held = [phone for row in switchboard_rows for phone in set(features_of(row)["phones"])]
    shared_by_two = pd.Series(held).value_counts()
    rare = next(phone for phone, count in shared_by_two.items() if count == 2)
    common = _contribution(
        tf_model, _mention("a", phones=[SWITCHBOARD]), _mention("b", phones=[SWITCHBOARD]), "phones"
    )
    rarely = _contribution(
        tf_model, _mention("a", phones=[rare]), _mention("b", phones=[rare]), "phones"
    )
    assert rarely > common + 3
    assert rarely > 6
    # two mentions sharing both numbers are weighed by the rarer
    both = _contribution(
        tf_model,
        _mention("a", phones=[SWITCHBOARD, rare]),
        _mention("b", phones=[rare, SWITCHBOARD]),
        "phones",
    )
    assert both == pytest.approx(rarely)


def test_a_common_surname_weighs_less_than_a_rare_one(tf_model: LinkageModel) -> None:
    def surname_weight(surname: str) -> float:
        return _contribution(
            tf_model,
            {"mention_id": "a", "forenames": "Nerys", "surname": surname},
            {"mention_id": "b", "forenames": "Nerys", "surname": surname},
            "surname",
        )

    frequencies = tf_model.term_frequencies["surname"]
    assert frequencies["smith"] > 5 * frequencies["tregothnan"]
    assert surname_weight("Smith") < surname_weight("Tregothnan") - 2


def test_batch_finds_every_pair_the_shared_values_lift_over_the_threshold(
    tf_model: LinkageModel, switchboard_rows: list[dict[str, Any]]
) -> None:
    """Splink's threshold is applied before the shared-value adjustment, so batch asks Splink
    for pairs down to the lowest weight the adjustment could lift over it."""
    features = mention_features(switchboard_rows)
    everything = predict_pairs(tf_model, features, None)
    above = predict_pairs(tf_model, features, 0.5)
    expected = everything[everything["match_probability"] >= 0.5]
    assert len(above) == len(expected) > 100
    key = ["unique_id_l", "unique_id_r"]
    merged = above.merge(expected, on=key, suffixes=("", "_all"))
    assert len(merged) == len(above)
    assert (merged["match_weight"] - merged["match_weight_all"]).abs().max() < 1e-9


def test_values_are_counted_once_for_each_mention_that_holds_them() -> None:
    """A number listed twice in one mention is held by one mention; a number one mention
    holds is shared with nobody (TF_MIN_COUNT) while a name keeps its count; a mention without
    a number holds none but counts among the force's mentions."""
    rows = [
        _mention("m1", phones=["07700 900111", "07700 900111"], surname="Quarrie"),
        _mention("m2", phones=["07700 900111"], surname="Quarrie"),
        _mention("m3", phones=["07700 900222"], surname="Penhallow"),
        _mention("m4", surname="Quarrie"),
    ]
    table = features_table(mention_features(rows))
    shared = table.column("phones")[1].as_py()[0]
    quarrie, penhallow = (table.column("surname")[i].as_py() for i in (0, 2))
    frequencies = term_frequency_tables(table)
    assert frequencies["phones"] == {shared: 2 / 4}
    assert frequencies["surname"] == {quarrie: 3 / 4, penhallow: 1 / 4}
    assert whole_force_u(table)["phones"] == pytest.approx(2 * 1 / (4 * 3))


def test_a_frame_and_its_arrow_table_train_the_same_model(
    switchboard_rows: list[dict[str, Any]], tf_model: LinkageModel
) -> None:
    """Batch training reads the store's features as Arrow (load_feature_table), other callers
    pass a frame: one model either way, to the last digit and the data's fingerprint."""
    table = features_table(mention_features(switchboard_rows))
    again = train_model(table, trained_at="2026-01-01T00:00:00+00:00", seed=3, max_pairs=2e5)
    assert again.to_dict() == tf_model.to_dict()
