"""A person recorded by name only joins the one person of that name the force has identified."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.crossref.pipeline import CallTimeSettings
from threadline.model import parse_record
from threadline.resolve import features_of
from threadline.resolve.namesakes import name_key, sole_bearer_joins
from threadline.store import tables as t

COLLINS = {"forenames": "Aaron", "surname": "Collins", "sex": "male"}
FULL = {**COLLINS, "dob": "1985-08-08", "address": {"text": "8 Quarry Lane, Hixon"}}


def feature(key: str, **fields: Any) -> dict[str, Any]:
    return features_of({"mention_id": key, **fields})


def joins(
    mentions: dict[str, tuple[str, dict[str, Any]]],
    pairs: list[tuple[str, str, float]],
    cannot_link: set[frozenset[str]] | None = None,
) -> list[tuple[str, str]]:
    """The joins among ``mentions`` (key: (cluster, fields)) scored by ``pairs``."""
    clusters = {key: cluster for key, (cluster, _fields) in mentions.items()}
    rows = {key: feature(key, **fields) for key, (_cluster, fields) in mentions.items()}
    names = {key: name_key(row) for key, row in rows.items()}
    dated = {key for key, row in rows.items() if row["dob_year"] is not None}
    found = sole_bearer_joins(
        pairs,
        clusters,
        names,
        dated,
        lambda keys: {k: rows[k] for k in keys},
        cannot_link or set(),
        review_threshold=0.5,
    )
    return [(j.source, j.target) for j in found]


def test_a_name_only_mention_joins_the_one_identified_person_of_its_name() -> None:
    mentions = {
        "a1": ("A", FULL),
        "a2": ("A", FULL),
        "n1": ("N", COLLINS),
        "n2": ("N", {**COLLINS, "forenames": "Aaron"}),
    }
    assert joins(mentions, [("n1", "a1", 0.86), ("n2", "a2", 0.8), ("n1", "n2", 0.6)]) == [
        ("N", "A")
    ]


def test_a_nickname_counts_as_its_formal_name() -> None:
    # "Gaz" is Gareth: the formal forename is the name that is looked up
    mentions = {
        "a": ("A", {**FULL, "forenames": "Gareth"}),
        "n": ("N", {**COLLINS, "forenames": "Gaz"}),
    }
    assert joins(mentions, [("n", "a", 0.7)]) == [("N", "A")]


def test_a_second_identified_person_of_the_name_stops_it() -> None:
    mentions = {
        "a": ("A", FULL),
        "b": ("B", {**COLLINS, "dob": "1950-01-30"}),  # never scored against n
        "n": ("N", COLLINS),
    }
    assert joins(mentions, [("n", "a", 0.86)]) == []


def test_partners_in_two_people_stop_it() -> None:
    mentions = {
        "a": ("A", FULL),
        "b": ("B", {**COLLINS, "surname": "Colins", "dob": "1950-01-30"}),
        "n": ("N", COLLINS),
    }
    assert joins(mentions, [("n", "a", 0.86), ("n", "b", 0.55)]) == []
    assert joins(mentions, [("n", "a", 0.86), ("n", "b", 0.45)]) == [("N", "A")]  # b below band


def test_nobody_identified_means_no_join() -> None:
    mentions = {"m": ("M", {**COLLINS, "address": {"text": "8 Quarry Lane"}}), "n": ("N", COLLINS)}
    assert joins(mentions, [("n", "m", 0.9)]) == []


def test_what_is_recorded_against_it_stops_it() -> None:
    mentions = {"a": ("A", FULL), "n": ("N", {**COLLINS, "sex": "female"})}
    assert joins(mentions, [("n", "a", 0.6)]) == []
    plain = {"a": ("A", FULL), "n": ("N", COLLINS)}
    assert joins(plain, [("n", "a", 0.6)], cannot_link={frozenset(("n", "a"))}) == []
    assert joins(plain, [("n", "a", 0.6)]) == [("N", "A")]


def test_an_initial_names_nobody_in_particular() -> None:
    initial = {**COLLINS, "forenames": "A"}
    assert joins({"a": ("A", FULL), "n": ("N", initial)}, [("n", "a", 0.7)]) == []
    # beside a full forename in its cluster, the full one is the name looked up
    both = {"a": ("A", FULL), "n": ("N", initial), "m": ("N", COLLINS)}
    assert joins(both, [("n", "a", 0.7), ("m", "a", 0.8)]) == [("N", "A")]


def test_a_dated_cluster_never_moves() -> None:
    mentions = {"a": ("A", FULL), "b": ("B", {**FULL, "dob": "1985-08-09"})}
    assert joins(mentions, [("a", "b", 0.9)]) == []


def test_call_time_joins_a_bare_name_to_the_one_person_of_its_name_provisionally(
    engine: Any, small_model: Any
) -> None:
    """The rule at call time: a mention recorded without a date of birth that shares nothing
    but the name with the one Tobias Quenwick on record joins him provisionally
    (joins.JoinRule.provisional_at_call_time: a namesake may not have arrived yet); once a
    second Tobias Quenwick is identified, the join is undone and a name alone no longer says
    which."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    # the small model is sure of a bare name in a small force: a threshold above its score puts
    # the pair in the review band, where the rule decides
    strict = CallTimeSettings(match_threshold=0.999)

    def go(ref: str, fields: dict[str, Any]) -> Any:
        record = parse_record(incident(ref, people=[person("witness", **fields)]))
        return submit(engine, small_model, record, now, strict).decisions[0]

    names = {"forenames": "Tobias", "surname": "Quenwick", "sex": "male"}
    address = {"text": "3 Kiln Row, Leek", "postcode": "ST13 6BB"}
    known = go("INC-1", {**names, "dob": "1979-06-14", "address": address})
    assert known.outcome == "new"
    decision = go("INC-2", names)
    assert (decision.outcome, decision.rule) == ("joined", "only-dated-person-of-the-name")
    assert decision.entity_id == known.entity_id and decision.provisional, decision
    assert decision.evidence[-1].startswith("provisional"), decision.evidence
    assert decision.probability is not None and decision.probability < 0.999
    assert any("the one person named tobias quenwick" in line for line in decision.evidence)
    # once a second Tobias Quenwick is identified, a name alone no longer says which
    assert go("INC-3", {**names, "dob": "1948-11-02"}).outcome != "joined"
    with engine.connect() as conn:
        now_in = conn.execute(
            select(t.entity_members.c.entity_id).where(
                t.entity_members.c.mention_key == decision.mention_key
            )
        ).scalar_one()
    assert now_in != known.entity_id
    decision = go("INC-4", names)
    assert decision.outcome == "review", decision


def test_batch_reads_names_as_call_time_does() -> None:
    import pandas as pd

    from threadline.features import features_table
    from threadline.resolve.batch import FeatureRows, FramePairs, _join_sole_bearers

    fields = {"a": FULL, "n": COLLINS, "i": {**COLLINS, "forenames": "A"}}
    features = FeatureRows(features_table([feature(key, **f) for key, f in fields.items()]))
    pairs = pd.DataFrame(
        {"unique_id_l": ["n", "i"], "unique_id_r": ["a", "a"], "match_probability": [0.8, 0.7]}
    )
    clusters = {"a": "A", "n": "N", "i": "I"}
    moved = _join_sole_bearers(FramePairs(pairs), clusters, features, set(), 0.5)
    assert clusters == {"a": "A", "n": "A", "i": "I"}  # the initial names nobody in particular
    assert list(moved) == ["n"]
