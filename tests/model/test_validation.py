"""Schema validation: unknown fields, bad dates and bad roles are errors naming the field."""

from __future__ import annotations

import pytest

from factories import incident, order, person
from threadline.model import Incident, RecordError, parse_record


def problems(raw: object) -> list[str]:
    with pytest.raises(RecordError) as caught:
        parse_record(raw)
    return [str(p) for p in caught.value.problems]


def test_a_good_incident_is_read_with_times_in_utc() -> None:
    record = parse_record(incident(reported_at="2026-07-01T10:00:00"))
    assert isinstance(record, Incident)
    assert record.reported_at.isoformat() == "2026-07-01T09:00:00+00:00"  # BST → UTC


def test_unknown_field_is_named() -> None:
    assert problems(incident(colour="red")) == ["colour: is not a known field"]


def test_unknown_field_inside_a_person_is_named_with_its_position() -> None:
    raw = incident(people=[person("victim"), person("suspect", nickname="Gaz")])
    assert problems(raw) == ["people[1].nickname: is not a known field"]


def test_impossible_date_of_birth_is_named() -> None:
    raw = incident(people=[person("victim"), person("suspect", dob="31/02/1990")])
    assert problems(raw) == ['people[1].dob: "31/02/1990" is not a date']


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("21/02/1990", "1990-02-21"),
        ("1990-02-21", "1990-02-21"),
        ("1990-02", "1990-02"),
        ("1990", "1990"),
        ("", None),
    ],
)
def test_partial_and_uk_dates_of_birth(written: str, stored: str | None) -> None:
    record = parse_record(incident(people=[person("victim", dob=written)]))
    assert isinstance(record, Incident)
    assert record.people[0].dob == stored


def test_bad_role_is_named() -> None:
    [problem] = problems(incident(people=[person("bystander")]))
    assert problem.startswith("people[0].role: 'bystander' is not one of")


def test_missing_required_field_and_unknown_kind() -> None:
    raw = incident()
    del raw["reported_at"]
    assert problems(raw) == ["reported_at: is required"]
    assert problems({"kind": "parking_ticket", "ref": "X"})[0].startswith("kind: 'parking_ticket'")


def test_order_ending_before_it_starts_is_refused() -> None:
    [problem] = problems(order(starts="2026-05-01", ends="2026-04-01"))
    assert "ends is before starts" in problem
