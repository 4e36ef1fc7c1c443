"""A forename and a surname typed into each other's boxes ("JAMES THOMAS" for Thomas James): a
level of its own in the forename comparison (weighed once, there), no contradiction of
forenames, compared by the crossed key, joined alike at call time and in batch, and never a
reason to join two people whose dates of birth say they are two."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record
from threadline.resolve import features_of
from threadline.resolve.batch import MATCH_THRESHOLD, resolve_store
from threadline.resolve.comparisons import (
    FORENAME_DIFFERS,
    SWAPPED,
    SWAPPED_SOUNDING,
    contradiction,
    forename_level,
    surname_level,
    swapped,
)
from threadline.resolve.explain import explain_pair
from threadline.resolve.linkage import LinkageModel, predict_pairs, score_pairs
from threadline.store import tables as t

NOW = datetime(2026, 3, 2, tzinfo=UTC)
HOME = {"text": "9 Cinder Hill, Cheadle", "postcode": "ST10 1QA"}
#: What the two men of the tests below share: a house, a phone, an e-mail address.
SHARED = {"sex": "male", "address": HOME, "phones": ["07700 900733"],
          "emails": ["tj.cinderhill@example.org"]}  # fmt: skip


def m(uid: str = "x", **fields: Any) -> dict[str, Any]:
    return features_of({"mention_id": uid, **fields})


def test_a_forename_and_surname_swapped_have_levels_of_their_own() -> None:
    thomas = m(forenames="Thomas", surname="James")
    james = m(forenames="James", surname="Thomas")
    levels = [c.get_comparison("duckdb").comparison_levels for c in _name_creators()]
    forename_labels = [level.label_for_charts for level in levels[0]]
    surname_labels = [level.label_for_charts for level in levels[1]]

    assert swapped(thomas, james) == 0
    assert forename_labels[forename_level(thomas, james)] == SWAPPED
    assert surname_labels[surname_level(thomas, james)].startswith(SWAPPED)
    harriet = m(forenames="Harriet", surname="White")
    whiite = m(forenames="Whiite", surname="Harriet")  # a slip as well as the swap
    assert swapped(harriet, whiite) == 1
    assert forename_labels[forename_level(harriet, whiite)] == SWAPPED_SOUNDING
    assert surname_labels[surname_level(harriet, whiite)].startswith(SWAPPED_SOUNDING)
    # the surname comparison's swapped levels say nothing: the forename's weigh the swap once
    assert levels[1][surname_level(thomas, james)].is_null_level
    assert not levels[0][forename_level(thomas, james)].is_null_level
    # another James Thomas is no swap of a Thomas Jones, nor a name that is the same
    assert forename_level(thomas, m(forenames="James", surname="Jones")) == FORENAME_DIFFERS
    assert swapped(james, m(forenames="James", surname="Thomas")) is None


def _name_creators() -> list[Any]:
    from threadline.resolve.comparisons import forename_comparison, surname_comparison

    return [forename_comparison(), surname_comparison()]


def test_a_swap_is_no_contradiction_of_forenames_but_other_birthdays_still_are() -> None:
    thomas = m(forenames="Thomas", surname="James", dob="1981-05-02")
    assert contradiction(thomas, m(forenames="James", surname="Thomas", dob="1981-05-02")) is None
    assert contradiction(thomas, m(forenames="James", surname="Thomas")) is None  # no date
    # day and month swapped too: still one man
    assert contradiction(thomas, m(forenames="James", surname="Thomas", dob="1981-02-05")) is None
    assert "forenames differ" in str(contradiction(thomas, m(forenames="James", surname="Jones")))
    # another birthday: no swap at all, two men, whose forenames differ as well
    other = m(forenames="James", surname="Thomas", dob="1979-11-14")
    assert swapped(thomas, other) is None
    assert forename_level(thomas, other) == FORENAME_DIFFERS
    why = contradiction(thomas, other)
    assert why is not None and "dates of birth differ" in why and "forenames differ" in why
    son = contradiction(thomas, m(forenames="James", surname="Thomas", dob="2004-05-02"))
    assert son is not None and "dates of birth differ" in son


def test_batch_sql_and_call_time_put_a_swap_in_the_same_levels(model: LinkageModel) -> None:
    rows = [
        m("a", forenames="Thomas", surname="James", dob="1981-05-02"),
        m("b", forenames="James", surname="Thomas", dob="1981-05-02"),
        m("c", forenames="Harriet", surname="White", dob="1969-03-30"),
        m("d", forenames="Whiite", surname="Harriet", dob="1969-03-30"),
    ]
    batch = predict_pairs(model, pd.DataFrame(rows), threshold_match_probability=None)
    by_pair = batch.set_index(["unique_id_l", "unique_id_r"])
    for left, right in ((rows[0], rows[1]), (rows[2], rows[3])):
        expected = by_pair.loc[(left["unique_id"], right["unique_id"])]
        scored = score_pairs(model, left, [right]).iloc[0]
        for gamma in ("gamma_forename", "gamma_surname"):
            assert scored[gamma] == expected[gamma], gamma
        assert abs(scored["match_weight"] - expected["match_weight"]) < 1e-9


def test_an_explanation_says_the_names_were_swapped(model: LinkageModel) -> None:
    thomas = m("a", forenames="Thomas", surname="James", dob="1981-05-02")
    james = m("b", forenames="James", surname="Thomas", dob="1981-05-02")
    lines = explain_pair(model, score_pairs(model, thomas, [james]).iloc[0].to_dict())
    assert any(
        line.startswith("forename and surname swapped (thomas james / james thomas)")
        for line in lines
    ), lines
    assert not any("differs" in line for line in lines if "name" in line), lines


def _records(second_dob: str) -> list[Any]:
    first = person("victim", forenames="Thomas", surname="James", dob="1981-05-02", **SHARED)
    second = person("victim", forenames="James", surname="Thomas", dob=second_dob, **SHARED)
    return [
        parse_record(incident("INC-T1", people=[first])),
        parse_record(incident("INC-T2", people=[second])),
    ]


def _entities(engine: Any) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id))
        return {key: entity for key, entity in rows}


def _swaps_learnt(model: LinkageModel) -> LinkageModel:
    """``model`` as if its force had taught it that a swap is strong evidence (one true match in
    twenty has its names swapped): the small force's generator writes no swaps, so there the
    swapped level weighs nothing."""
    data = copy.deepcopy(model.to_dict())
    (forename,) = (
        c for c in data["splink"]["comparisons"] if c["output_column_name"] == "forename"
    )
    for level in forename["comparison_levels"]:
        if level["label_for_charts"] in (SWAPPED, SWAPPED_SOUNDING):
            level["m_probability"] = 0.05
    return LinkageModel.from_dict(data)


def test_a_swapped_name_joins_alike_at_call_time_and_in_batch(
    engine: Any, small_model: Any
) -> None:
    """Thomas James, and "James Thomas" with his date of birth, his address and his phone: one
    man, at call time and in batch."""
    model = _swaps_learnt(small_model)
    first, second = _records("1981-05-02")
    live = [submit(engine, model, record, NOW).decisions[0] for record in (first, second)]
    assert (live[1].outcome, live[1].entity_id) == ("joined", live[0].entity_id), live[1]

    resolve_store(engine, model, now=NOW)
    members = _entities(engine)
    assert members[live[0].mention_key] == members[live[1].mention_key]


def test_a_swapped_name_born_on_another_day_stays_apart(engine: Any, small_model: Any) -> None:
    """James Thomas and Thomas James at one address with one phone and one e-mail, born in
    different years: two men, however strongly the model weighs a swap and what they share.
    Another birthday is no swap: their forenames differ, near-conclusively, so neither call
    time nor batch joins them (batch leaves a pair of two mentions to its score alone)."""
    model = _swaps_learnt(small_model)
    first, second = _records("1979-11-14")
    shared = {"sex": "male", "address_text": HOME["text"], "postcode": HOME["postcode"],
              "phones": SHARED["phones"], "emails": SHARED["emails"]}  # fmt: skip
    left = m("a", forenames="Thomas", surname="James", dob="1981-05-02", **shared)
    right = m("b", forenames="James", surname="Thomas", dob="1979-11-14", **shared)
    assert score_pairs(model, left, [right]).loc[0, "match_probability"] < MATCH_THRESHOLD
    # with the same birthday the same evidence is one man
    same_day = {**right, "dob": "1981-05-02", "dob_year": 1981, "dob_month": 5, "dob_day": 2}
    assert score_pairs(model, left, [same_day]).loc[0, "match_probability"] >= MATCH_THRESHOLD
    live = [submit(engine, model, record, NOW).decisions[0] for record in (first, second)]
    assert live[1].entity_id != live[0].entity_id, live[1]

    resolve_store(engine, model, now=NOW)
    members = _entities(engine)
    assert members[live[0].mention_key] != members[live[1].mention_key]


def test_evidence_stored_before_the_swapped_levels_keeps_its_words() -> None:
    """Name levels past those that compare the names alike are read by label: "forename
    differs" stored at the position a swap holds now still says the forenames differ."""
    from threadline.resolve.explain import Evidence

    before = Evidence("forename", weight=-13.3, level=9, label="forename differs",
                      values=("thomas", "jones"))  # fmt: skip
    assert before.sentence() == "forename thomas differs from jones: -13.3"
    swap = Evidence("forename", weight=6.1, level=9, label=SWAPPED, values=("thomas", "james"))
    assert swap.sentence() == "forename and surname swapped (thomas james / james thomas): +6.1"
    by_sound = Evidence("forename", weight=4.0, level=10, label=SWAPPED_SOUNDING,
                        values=("whiite", "harriet"))  # fmt: skip
    assert by_sound.sentence().startswith("forename and surname swapped, sounding alike")
