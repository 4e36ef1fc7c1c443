"""Explanations: the evidence for a score, in words, with the model's weights."""

from __future__ import annotations

import pandas as pd

from threadline.resolve import (
    LinkageModel,
    explain_pair,
    features_of,
    pair_evidence,
    predict_pairs,
    score_pairs,
)


def _jon_and_jonathan(model: LinkageModel) -> pd.Series:
    jon = features_of(
        {
            "mention_id": "x1",
            "forenames": "Jon",
            "surname": "Prichard",
            "dob": "1984-07-03",
            "phones": ["07700 900555"],
        }
    )
    jonathan = features_of(
        {
            "mention_id": "x2",
            "forenames": "Jonathan",
            "surname": "Pritchard",
            "dob": "1984-03-07",
            "phones": ["+44 7700 900555"],
        }
    )
    return score_pairs(model, jon, [jonathan]).iloc[0]


def test_explanation_names_the_nickname_and_the_shared_phone(model: LinkageModel) -> None:
    row = _jon_and_jonathan(model)
    lines = explain_pair(model, row.to_dict())
    summary, evidence = lines[0], lines[1:]
    assert summary.startswith(f"match probability {row['match_probability']:.4f}")
    text = "\n".join(evidence)
    assert "forename jon is a nickname of jonathan" in text
    assert "phone +447700900555 in both" in text
    assert "day and month swapped" in text
    assert "prichard ≈ pritchard (Jaro-Winkler" in text
    in_both = model.level_weights["phones"][1]
    phone = ["+447700900555"]  # weighed by how many of the force's mentions hold it
    phone_weight = in_both.match_weight + model.tf_adjustment(in_both, phone, phone)
    assert f"phone +447700900555 in both: {phone_weight:+.1f}" in evidence


def test_evidence_is_ordered_by_strength_and_adds_up(model: LinkageModel) -> None:
    row = _jon_and_jonathan(model).to_dict()
    evidence = pair_evidence(model, row)
    strengths = [abs(weight) for _, weight in evidence]
    assert strengths == sorted(strengths, reverse=True)
    total = model.prior_match_weight + sum(weight for _, weight in evidence)
    assert abs(total - row["match_weight"]) < 1e-9


def test_explains_batch_rows_and_bare_gammas(model: LinkageModel, features: pd.DataFrame) -> None:
    pairs = predict_pairs(model, features.head(200), threshold_match_probability=0.9)
    # the first pair in a fixed order: DuckDB returns predictions in no particular order
    row = pairs.sort_values(["unique_id_l", "unique_id_r"]).iloc[0].to_dict()
    from_row = explain_pair(model, row)
    assert from_row[0].startswith(f"match probability {row['match_probability']:.4f}")
    gammas = {k.removeprefix("gamma_"): v for k, v in row.items() if k.startswith("gamma_")}
    from_gammas = explain_pair(model, gammas)

    # without the values the text falls back to the level labels, but the weights are the same,
    # except where a level is adjusted by how common the value is (a surname, a shared phone):
    # that adjustment needs the values themselves
    from collections import Counter

    adjusted = sum(
        1
        for name, gamma in gammas.items()
        if name in model.level_weights
        and model.level_for_gamma(name, int(gamma)).tf_column is not None
        and model.level_for_gamma(name, int(gamma)).tf_weight != 0
    )
    with_values = Counter(line.rsplit(": ", 1)[1] for line in from_row[1:])
    bare = Counter(line.rsplit(": ", 1)[1] for line in from_gammas[1:])
    assert len(from_gammas) == len(from_row)
    assert sum((with_values - bare).values()) <= adjusted
    assert sum((bare - with_values).values()) <= adjusted
    assert len(with_values) - adjusted >= 2  # most weights are compared, not excused


def test_father_and_son_explanation_says_a_generation_apart(model: LinkageModel) -> None:
    father = features_of(
        {"mention_id": "f", "forenames": "Gareth", "surname": "Hughes", "dob": "1960-04-15"}
    )
    son = features_of(
        {"mention_id": "s", "forenames": "Gareth", "surname": "Hughes", "dob": "1988-09-20"}
    )
    lines = explain_pair(model, score_pairs(model, father, [son]).iloc[0].to_dict())
    assert any(line.startswith("born a generation apart") for line in lines)
    assert lines[1].startswith("born a generation apart")  # the strongest evidence
