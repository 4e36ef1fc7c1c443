"""A suspect named like the one suspect already recorded against the same victim is that person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record
from threadline.resolve import features_of
from threadline.resolve.described import MentionRow
from threadline.resolve.victims import joins_by_victim
from threadline.store import tables as t


def m(key: str, record: str, role: str) -> MentionRow:
    return MentionRow(key, record, role, named=True)


def feature(key: str, **fields: Any) -> dict[str, Any]:
    return features_of({"mention_id": key, **fields})


VICTIM = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12"}


def force(*suspects: tuple[str, str, dict[str, Any]], victim_of: str = "V") -> tuple[Any, ...]:
    """Records INC-1.., each with victim ``victim_of`` and a suspect (key, cluster, fields)."""
    rows, clusters, features = [], {}, {}
    for number, (key, cluster, fields) in enumerate(suspects, start=1):
        record = f"incident:cad:INC-{number}"
        rows += [m(f"v{number}", record, "victim"), m(key, record, "suspect")]
        clusters[f"v{number}"] = victim_of
        clusters[key] = cluster
        features[key] = feature(key, **fields)
    return rows, clusters, features


def test_a_name_only_suspect_joins_the_suspect_of_that_name() -> None:
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Richard", "surname": "Williams", "dob": "1983-02-19"}),
        ("s2", "A", {"forenames": "Rich", "surname": "Williams", "dob": "1983-02-19"}),
        ("s3", "B", {"forenames": "Richard", "surname": "Wiliams"}),
        ("s4", "C", {"forenames": "Owain", "surname": "Pryce"}),
    )
    [join] = joins_by_victim(rows, clusters, features, labels={"V": "Alys Penhallow"})
    assert (join.source, join.target) == ("B", "A")
    assert "named as the suspect against Alys Penhallow in INC-1, INC-2" in join.evidence[0]
    assert "INC-3" in join.evidence[1]


def test_a_suspect_with_forename_and_surname_swapped_joins_through_the_victim() -> None:
    """A name typed "WILLIAMS RICHARD" into the forename box is the Richard Williams already named
    against her; swapped names of another birthday are not (comparisons.swapped)."""
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Richard", "surname": "Williams", "dob": "1983-02-19"}),
        ("s2", "B", {"forenames": "Williams", "surname": "Richard"}),
    )
    [join] = joins_by_victim(rows, clusters, features)
    assert {join.source, join.target} == {"A", "B"}
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Richard", "surname": "Williams", "dob": "1983-02-19"}),
        ("s2", "B", {"forenames": "Williams", "surname": "Richard", "dob": "1964-07-02"}),
    )
    assert joins_by_victim(rows, clusters, features) == []


def test_father_and_son_of_one_name_leave_a_name_only_mention_alone() -> None:
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Darren", "surname": "Jones", "dob": "1961-05-01"}),
        ("s2", "B", {"forenames": "Darren", "surname": "Jones", "dob": "1989-09-09"}),
        ("s3", "C", {"forenames": "Darren", "surname": "Jones"}),
    )
    assert joins_by_victim(rows, clusters, features) == []


def test_fragments_that_all_fit_are_one_person() -> None:
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Ryan", "surname": "Evans", "dob": "1985-09-29"}),
        ("s2", "A", {"forenames": "Ryan", "surname": "Evans", "dob": "1985-09-29"}),
        ("s3", "B", {"forenames": "Ryan", "surname": "Evans"}),
        ("s4", "C", {"forenames": "Ryan", "surname": "Evans"}),
    )
    joins = joins_by_victim(rows, clusters, features)
    assert {j.source for j in joins} == {"B", "C"}
    assert all(j.target == "A" for j in joins)


def test_the_same_name_against_different_victims_is_not_joined() -> None:
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Richard", "surname": "Williams", "dob": "1983-02-19"})
    )
    other = force(("s2", "B", {"forenames": "Richard", "surname": "Williams"}), victim_of="W")
    rows += [MentionRow("w1", "incident:cad:INC-9", "victim", True),
             MentionRow("s2", "incident:cad:INC-9", "suspect", True)]  # fmt: skip
    clusters.update({"w1": "W", "s2": "B"})
    features.update(other[2])
    assert joins_by_victim(rows, clusters, features) == []


def test_a_contradiction_anywhere_in_the_cluster_or_a_judgement_holds_it_apart() -> None:
    rows, clusters, features = force(
        ("s1", "A", {"forenames": "Richard", "surname": "Williams"}),
        ("s2", "B", {"forenames": "Richard", "surname": "Williams"}),
    )
    # B's other mention, in some other record, was born in another decade than A's.
    features["a9"] = feature("a9", forenames="Richard", surname="Williams", dob="1950-01-01")
    features["b9"] = feature("b9", forenames="Richard", surname="Williams", dob="1999-07-07")
    members = {"A": ["s1", "a9"], "B": ["s2", "b9"]}
    assert joins_by_victim(rows, clusters, features, members_of=members) == []
    assert joins_by_victim(rows, clusters, features) != []
    judged = {frozenset(("s1", "s2"))}
    assert joins_by_victim(rows, clusters, features, cannot_link=judged) == []


def _entity(engine: Any, key: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(t.entity_members.c.entity_id).where(t.entity_members.c.mention_key == key)
            ).scalar_one()
        )


def test_call_time_joins_a_name_only_suspect_through_the_victim(
    engine: Any, small_model: Any
) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    first = incident(
        "INC-20260301-0001",
        people=[
            person("victim", **VICTIM, phones=["07700 900123"]),
            person("suspect", forenames="Gareth", surname="Tregothnan", dob="1988-02-03",
                   address={"text": "4 Mill Lane, Leek", "postcode": "ST13 5AA"}),
        ],
    )  # fmt: skip
    submit(engine, small_model, parse_record(first), now)
    # another Gareth Tregothnan is on record, so the name alone does not say which one he is
    # (threadline.resolve.namesakes); the victim does
    namesake = incident(
        "INC-20260301-0002",
        people=[person("witness", forenames="Gareth", surname="Tregothnan", dob="1961-09-30")],
    )
    submit(engine, small_model, parse_record(namesake), now)
    second = incident(
        "INC-20260302-0001",
        reported_at="2026-03-02T10:00:00Z",
        people=[
            person("victim", **VICTIM, phones=["07700 900123"]),
            person("suspect", forenames="Gaz", surname="Tregothnan"),
        ],
    )
    submission = submit(engine, small_model, parse_record(second), now)
    suspect = next(d for d in submission.decisions if d.mention_key.endswith("#1"))
    assert suspect.outcome == "inferred"
    assert _entity(engine, "incident:cad:INC-20260302-0001#1") == _entity(
        engine, "incident:cad:INC-20260301-0001#1"
    )
    assert "the only suspect of that name recorded against" in suspect.evidence[1]
    # the fresh entity it was first given is retired, not left behind empty
    with engine.connect() as conn:
        retired = (
            conn.execute(
                select(t.entity_events.c.entity_id).where(t.entity_events.c.action == "retired")
            )
            .scalars()
            .all()
        )
        members = conn.execute(
            select(t.entity_members.c.mention_key).where(t.entity_members.c.entity_id.in_(retired))
        ).all()
    assert len(retired) == 1 and members == []


def test_vague_descriptions_and_her_ex_pick_nobody_out() -> None:
    from threadline.resolve.victims import description_key

    assert description_key("unknown male") is None
    assert description_key("male in a high-vis jacket") is None
    assert description_key("her ex") is None
    assert description_key("Male, 30s, beard,  dark green jacket") == (
        "male 30s beard dark green jacket"
    )


def test_an_unknown_suspect_described_alike_against_one_victim_is_one_person() -> None:
    from threadline.resolve.victims import joins_by_description

    def unnamed(key: str, record: str, description: str) -> MentionRow:
        return MentionRow(key, record, "suspect", named=False, description=description)

    beard, vague = "male, 30s, beard, dark green jacket", "unknown male"
    rows = [
        m("v1", "incident:cad:INC-1", "victim"), unnamed("u1", "incident:cad:INC-1", beard),
        m("v2", "incident:cad:INC-2", "victim"), unnamed("u2", "incident:cad:INC-2", beard),
        m("v3", "incident:cad:INC-3", "victim"), unnamed("u3", "incident:cad:INC-3", beard),
        m("v4", "incident:cad:INC-4", "victim"), unnamed("u4", "incident:cad:INC-4", vague),
        m("w5", "incident:cad:INC-5", "victim"), unnamed("u5", "incident:cad:INC-5", beard),
        m("v6", "incident:cad:INC-6", "victim"), unnamed("u6", "incident:cad:INC-6", vague),
    ]  # fmt: skip
    clusters = {f"v{i}": "V" for i in range(1, 7)} | {"w5": "W"}
    clusters |= {f"u{i}": f"U{i}" for i in range(1, 7)}
    joins = joins_by_description(rows, clusters, {"V": "Alys Penhallow"})
    assert {(j.source, j.target) for j in joins} == {("U2", "U1"), ("U3", "U1")}
    assert (
        'described as "male, 30s, beard, dark green jacket" against Alys Penhallow'
        in (joins[0].evidence[0])
    )


def test_victims_of_one_suspect_named_alike_are_one_person() -> None:
    """The other way round: "L Wrad", born the day Lucy Ward was, reported against her partner."""
    rows, clusters, features = [], {}, {}
    people = [("v1", "A", {"forenames": "Lucy", "surname": "Ward", "dob": "1985-01-06"}),
              ("v2", "B", {"forenames": "L", "surname": "Wrad", "dob": "1985-01-06"}),
              ("v3", "C", {"forenames": "Priya", "surname": "Mistry"})]  # fmt: skip
    for number, (key, cluster, fields) in enumerate(people, start=1):
        record = f"incident:cad:INC-{number}"
        rows += [m(key, record, "victim"), m(f"s{number}", record, "suspect")]
        clusters[key], clusters[f"s{number}"] = cluster, "S"
        features[key] = feature(key, **fields)
    [join] = joins_by_victim(
        rows, clusters, features, labels={"S": "Robert Ward"}, subject="victim"
    )
    assert (join.source, join.target) in {("B", "A"), ("A", "B")}
    assert "named as the victim of Robert Ward" in join.evidence[0]
