"""The linkage model: what it links on generated data, saving it, and call-time scoring."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from threadline.resolve import (
    THREADLINE_MODEL_VERSION,
    LinkageModel,
    features_of,
    load_model,
    mention_features,
    predict_pairs,
    save_model,
    score_pairs,
    train_model,
)

THRESHOLD = 0.5


@pytest.fixture(scope="module")
def pairs(model: LinkageModel, features: pd.DataFrame) -> pd.DataFrame:
    return predict_pairs(model, features, threshold_match_probability=None)


def _truth_column(pairs: pd.DataFrame, population: Any) -> pd.Series:
    truth = population.truth
    return pd.Series(
        [
            truth[a] == truth[b]
            for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)
        ],
        index=pairs.index,
    )


def test_model_records_what_it_was_trained_on(model: LinkageModel, features: pd.DataFrame) -> None:
    meta = model.metadata
    assert meta["threadline_model_version"] == THREADLINE_MODEL_VERSION
    assert meta["trained_at"] == "2026-01-01T00:00:00+00:00"
    assert meta["training_rows"] == len(features)
    assert len(meta["training_data_fingerprint"]) == 64
    assert meta["splink_version"].startswith("5.")
    assert "pritchard" in model.term_frequencies["surname"]


def test_links_most_true_pairs_and_few_false_ones(pairs: pd.DataFrame, population: Any) -> None:
    same = _truth_column(pairs, population)
    linked = pairs["match_probability"] >= THRESHOLD
    precision = (linked & same).sum() / linked.sum()
    counts = pd.Series(population.truth).value_counts()
    true_pairs = int((counts * (counts - 1) // 2).sum())
    recall = (linked & same).sum() / true_pairs
    assert precision > 0.98
    assert recall > 0.7


def test_links_nickname_with_day_and_month_swapped(
    model: LinkageModel, pairs: pd.DataFrame
) -> None:
    nickname = model.level_weights["forename"][2]
    swapped = model.level_weights["dob"][2]
    assert "nickname" in nickname.label and "swapped" in swapped.label
    hard = pairs[
        (pairs["gamma_forename"] == nickname.gamma) & (pairs["gamma_dob"] == swapped.gamma)
    ]
    assert len(hard) >= 3
    assert (hard["match_probability"] >= THRESHOLD).mean() >= 0.9

    jonathan = features_of(
        {
            "mention_id": "probe-1",
            "forenames": "Jonathan",
            "surname": "Pritchard",
            "dob": "1984-03-07",
            "address_text": "12 Mill Lane",
            "postcode": "LS6 2AB",
        }
    )
    jon = features_of(
        {
            "mention_id": "probe-2",
            "forenames": "Jon",
            "surname": "PRITCHARD",
            "dob": "1984-07-03",
            "address_text": "12 Mill Ln",
            "postcode": "LS62AB",
        }
    )
    scored = score_pairs(model, jonathan, [jon])
    assert scored.loc[0, "match_probability"] >= THRESHOLD


def test_a_car_in_both_is_evidence_away_from_home_and_not_at_a_shared_house(
    model: LinkageModel,
) -> None:
    """Margaret, victim of a car crime, named with her car only; Margaret at home, with it."""
    car = {"vehicles": ["FE23 DDG"]}
    home = {"address_text": "33 Broadmeadow", "postcode": "ST16 3QP", "dob": "1974-01-18"}
    known = features_of({"mention_id": "at-home", "forenames": "Margaret",
                         "surname": "Gladney", **home, **car})  # fmt: skip
    victim = {"mention_id": "car-crime", "forenames": "Margaret", "surname": "Gladney"}

    def weight(left: dict[str, Any], right: dict[str, Any]) -> float:
        return float(score_pairs(model, left, [right]).loc[0, "match_weight"])

    in_both = next(lv for lv in model.level_weights["vehicles"] if lv.label == "vehicle in both")
    # the registration is weighed by how many mentions of the force hold it (none here)
    expected = in_both.match_weight + model.tf_adjustment(in_both, ["FE23DDG"], ["FE23DDG"])
    assert expected > 5  # a registration two strangers rarely share
    gain = weight(features_of({**victim, **car}), known) - weight(features_of(victim), known)
    assert gain == pytest.approx(expected)
    # at one house the car is the household's: the pair scores as if neither had given it
    house = {"mention_id": "same-house", "forenames": "Margaret", "surname": "Gladney",
             "address_text": "33 Broadmeadow", "postcode": "ST16 3QP"}  # fmt: skip
    assert weight(features_of({**house, **car}), known) == weight(features_of(house), known)


def _household_pairs(population: Any, kind: str) -> set[frozenset[str]]:
    ids = population.households[kind]
    by_person = {p.person_id: p for p in population.people}
    out = set()
    for a, b in zip(ids[::2], ids[1::2], strict=True):
        for m1, m2 in itertools.product(by_person[a].mentions, by_person[b].mentions):
            out.add(frozenset((m1["mention_id"], m2["mention_id"])))
    return out


def _scored_household_pairs(pairs: pd.DataFrame, population: Any, kind: str) -> pd.DataFrame:
    wanted = _household_pairs(population, kind)
    keys = [frozenset(p) for p in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)]
    return pairs[[k in wanted for k in keys]]


def test_does_not_link_father_and_son_when_both_dates_of_birth_are_known(
    pairs: pd.DataFrame, population: Any
) -> None:
    scored = _scored_household_pairs(pairs, population, "father_son")
    both_dobs = scored[scored["dob_l"].notna() & scored["dob_r"].notna()]
    assert len(both_dobs) >= 10  # the same name at the same address: blocking finds them
    assert (both_dobs["match_probability"] < THRESHOLD).all()


def test_does_not_link_twins(pairs: pd.DataFrame, population: Any) -> None:
    scored = _scored_household_pairs(pairs, population, "twins")
    assert len(scored) >= 10  # same surname, date of birth and address: blocking finds them
    named = scored[scored["forename_l"].notna() & scored["forename_r"].notna()]
    assert (named["match_probability"] < THRESHOLD).all()


def test_save_and_load_give_identical_predictions(
    model: LinkageModel, features: pd.DataFrame, pairs: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "model.json"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.metadata == model.metadata
    assert loaded.term_frequencies == model.term_frequencies
    again = predict_pairs(loaded, features, threshold_match_probability=None)
    key = ["unique_id_l", "unique_id_r"]
    left = pairs.sort_values(key).reset_index(drop=True)
    right = again.sort_values(key).reset_index(drop=True)
    assert left[key].equals(right[key])
    assert (left["match_weight"] == right["match_weight"]).all()


def test_load_refuses_unknown_keys_and_versions(model: LinkageModel) -> None:
    data = model.to_dict()
    with pytest.raises(ValueError, match="unknown keys"):
        LinkageModel.from_dict({**data, "extra": 1})
    with pytest.raises(ValueError, match="version"):
        LinkageModel.from_dict(
            {**data, "threadline": {**data["threadline"], "threadline_model_version": 0}}
        )


def test_a_model_whose_levels_are_not_this_codes_is_refused(model: LinkageModel) -> None:
    """Call time's Python twins give this code's level positions; a model trained before a
    level was added, removed or moved would be read a level off, without an error."""
    data = copy.deepcopy(model.to_dict())
    forename = next(
        c for c in data["splink"]["comparisons"] if c["output_column_name"] == "forename"
    )
    levels = forename["comparison_levels"]
    levels.insert(2, {**levels[2], "label_for_charts": "names written the other way round"})
    older = LinkageModel.from_dict(data)
    with pytest.raises(ValueError, match="forename comparison has other levels.*retrain"):
        _ = older.comparisons
    assert LinkageModel.from_dict(model.to_dict()).comparisons  # its own levels: read


def test_call_time_weights_equal_batch_weights(
    model: LinkageModel, features: pd.DataFrame, pairs: pd.DataFrame
) -> None:
    by_id = {row["unique_id"]: row for row in features.to_dict("records")}
    batch = pairs.set_index(["unique_id_l", "unique_id_r"])
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    checked = 0
    for left_id, group in pairs.groupby("unique_id_l"):
        candidates = [by_id[i] for i in group["unique_id_r"]]
        scored = score_pairs(model, by_id[left_id], candidates)
        for _, row in scored.iterrows():
            expected = batch.loc[(left_id, row["unique_id_r"])]
            assert abs(row["match_weight"] - expected["match_weight"]) < 1e-9
            assert abs(row["match_probability"] - expected["match_probability"]) < 1e-9
            for gamma in gammas:
                assert row[gamma] == expected[gamma], gamma
            checked += 1
    assert checked == len(pairs) > 1000
    # every level of every comparison but a few rare ones is exercised
    for gamma in gammas:
        assert pairs[gamma].nunique() >= 3, gamma


def test_call_time_scoring_is_symmetric_and_sorted(
    model: LinkageModel, features: pd.DataFrame
) -> None:
    rows = features.head(40).to_dict("records")
    scored = score_pairs(model, rows[0], rows[1:])
    assert list(scored["match_weight"]) == sorted(scored["match_weight"], reverse=True)
    for _, row in scored.head(5).iterrows():
        other = next(r for r in rows if r["unique_id"] == row["unique_id_r"])
        back = score_pairs(model, other, [rows[0]])
        assert abs(back.loc[0, "match_weight"] - row["match_weight"]) < 1e-12


def test_labelled_pairs_hook_estimates_m_from_reviewer_judgements(
    make_population: Callable[..., Any],
) -> None:
    small = make_population(n_people=80, seed=11)
    feats = mention_features(small.rows)
    truth = small.truth
    ids = sorted(truth)
    same = [(a, b) for a, b in itertools.combinations(ids, 2) if truth[a] == truth[b]]
    labels = pd.DataFrame(
        {
            "unique_id_l": [a for a, _ in same] + [ids[0]],
            "unique_id_r": [b for _, b in same] + [ids[-1]],
            "is_match": [True] * len(same) + [False],
        }
    )
    model = train_model(feats, trained_at="2026-01-02", seed=1, max_pairs=5e4, labels=labels)
    assert model.metadata["labelled_pairs"] == len(same)
    assert not predict_pairs(model, feats).empty


@pytest.mark.slow
def test_training_is_reproducible_and_independent_of_row_order(
    make_population: Callable[..., Any],
) -> None:
    feats = mention_features(make_population(n_people=60, seed=4).rows)
    shuffled = feats.sample(frac=1, random_state=1).reset_index(drop=True)
    first = train_model(feats, trained_at="t", seed=9, max_pairs=3e4)
    again = train_model(feats, trained_at="t", seed=9, max_pairs=3e4)
    assert first.to_dict() == again.to_dict()
    reordered = train_model(shuffled, trained_at="t", seed=9, max_pairs=3e4)
    assert (
        reordered.metadata["training_data_fingerprint"]
        == first.metadata["training_data_fingerprint"]
    )


def test_chunked_prediction_scores_the_same_pairs_the_same(
    model: LinkageModel, features: pd.DataFrame, pairs: pd.DataFrame
) -> None:
    chunked = predict_pairs(
        model, features, threshold_match_probability=None, chunk_mentions=len(features) // 3
    )
    key = ["unique_id_l", "unique_id_r"]
    whole = pairs.sort_values(key).reset_index(drop=True)
    parts = chunked.sort_values(key).reset_index(drop=True)
    assert len(parts) == len(whole) > 0
    assert parts[key].equals(whole[key])
    assert np.allclose(parts["match_weight"], whole["match_weight"])


def test_the_training_fingerprint_ignores_row_order_and_sees_one_changed_value(
    features: pd.DataFrame,
) -> None:
    from threadline.resolve.linkage import features_fingerprint

    digest = features_fingerprint(features)
    assert features_fingerprint(features.sample(frac=1, random_state=5)) == digest
    assert features_fingerprint(features.iloc[::-1].reset_index(drop=True)) == digest
    changed = features.copy()
    changed.loc[changed.index[7], "surname"] = "someone-else"
    assert features_fingerprint(changed) != digest
    assert features_fingerprint(features.iloc[1:]) != digest
