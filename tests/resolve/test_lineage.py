"""A crime's people are joined to the people of the incident it was recorded from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record
from threadline.resolve import features_of
from threadline.resolve.batch import resolve_store
from threadline.resolve.explain import read_evidence
from threadline.resolve.lineage import lineage_links
from threadline.store import tables as t
from threadline.store.records import write_batch


def row(key: str, role: str, **fields: Any) -> dict[str, Any]:
    return {**features_of({"mention_id": key, **fields}), "role": role}


def links(crime: list[dict[str, Any]], source: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (link.crime_mention, link.incident_mention)
        for link in lineage_links("CRM-1", crime, "INC-1", source)
    ]


def test_the_crimes_suspect_is_the_incidents_suspect_with_the_reason() -> None:
    source = [
        row("i0", "victim", forenames="Alys", surname="Penhallow", dob="1991-04-12"),
        row("i1", "suspect", forenames="Gareth", surname="Tregothnan", dob="1988-02-03"),
    ]
    crime = [
        row("c0", "victim", forenames="Alys", surname="Penhallow"),
        row("c1", "suspect", forenames="Gaz", surname="TREGOTHNAN"),
    ]
    found = lineage_links("CRM-1", crime, "INC-1", source)
    assert [(f.crime_mention, f.incident_mention) for f in found] == [("c0", "i0"), ("c1", "i1")]
    assert found[1].evidence[0] == "crime CRM-1 was recorded from incident INC-1"
    assert "Gareth Tregothnan as the suspect" in found[1].evidence[1]


def test_another_name_or_role_is_not_linked() -> None:
    source = [row("i1", "suspect", forenames="Gareth", surname="Tregothnan")]
    assert links([row("c1", "suspect", forenames="Gareth", surname="Okafor")], source) == []
    assert links([row("c1", "suspect", forenames="Priya", surname="Tregothnan")], source) == []
    assert links([row("c1", "witness", forenames="Gareth", surname="Tregothnan")], source) == []


def test_a_contradicting_date_of_birth_is_not_linked() -> None:
    source = [row("i1", "suspect", forenames="Gareth", surname="Tregothnan", dob="1960-02-03")]
    crime = [row("c1", "suspect", forenames="Gareth", surname="Tregothnan", dob="1988-02-03")]
    assert links(crime, source) == []


def test_two_people_who_fit_leave_it_to_the_model() -> None:
    """Father and son of one name in the incident: the crime's "Darren Jones" could be either."""
    source = [
        row("i1", "suspect", forenames="Darren", surname="Jones", dob="1961-05-01"),
        row("i2", "suspect", forenames="Darren", surname="Jones", dob="1989-09-09"),
    ]
    assert links([row("c1", "suspect", forenames="Darren", surname="Jones")], source) == []
    # One incident mention that fits two of the crime's mentions is no link either.
    one = [row("i1", "suspect", forenames="Darren", surname="Jones")]
    two = [
        row("c1", "suspect", forenames="Darren", surname="Jones"),
        row("c2", "suspect", forenames="D", surname="Jones"),
    ]
    assert links(two, one) == []


def crime_from(incident_ref: str, ref: str = "CRM-2026-000001", **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "crime",
        "ref": ref,
        "offence": "Harassment",
        "recorded_at": "2026-03-01T12:00:00Z",
        "incident_refs": [incident_ref],
        "narrative": f"Crime recorded from {incident_ref}.",
        "people": [
            person("victim", forenames="Alys", surname="Penhallow"),
            person("suspect", forenames="Gareth", surname="Tregothnan"),
        ],
    }
    record.update(fields)
    return record


def entities(engine: Any) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id))
        return {r.mention_key: r.entity_id for r in rows}


def test_batch_joins_the_crimes_people_to_the_incidents(engine: Any, small_model: Any) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with engine.begin() as conn:
        write_batch(conn, [parse_record(incident("INC-20260301-0001"))], now)
        write_batch(conn, [parse_record(crime_from("INC-20260301-0001"))], now)
    resolve_store(engine, small_model, now=now)
    members = entities(engine)
    suspect = members["incident:cad:INC-20260301-0001#1"]
    assert members["crime:rms:CRM-2026-000001#1"] == suspect
    assert members["crime:rms:CRM-2026-000001#0"] == members["incident:cad:INC-20260301-0001#0"]
    with engine.connect() as conn:
        evidence = conn.execute(
            select(t.entity_members.c.evidence).where(
                t.entity_members.c.mention_key == "crime:rms:CRM-2026-000001#1"
            )
        ).scalar_one()
    said = read_evidence(evidence)
    assert "crime CRM-2026-000001 was recorded from incident INC-20260301-0001" in said


def test_call_time_joins_the_crime_to_its_incident(engine: Any, small_model: Any) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    submit(engine, small_model, parse_record(incident("INC-20260301-0001")), now)
    crime = crime_from(
        "INC-20260301-0001",
        people=[person("suspect", forenames="G", surname="Tregothnan")],
    )
    submission = submit(engine, small_model, parse_record(crime), now)
    [decision] = submission.decisions
    members = entities(engine)
    assert decision.outcome == "joined"
    assert decision.entity_id == members["incident:cad:INC-20260301-0001#1"]
    assert decision.matched_mention == "incident:cad:INC-20260301-0001#1"
    assert decision.evidence[0] == "crime CRM-2026-000001 was recorded from incident " + (
        "INC-20260301-0001"
    )
