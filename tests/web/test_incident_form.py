"""The incident form as the browser sends it, turned into an import record and back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from threadline.model import Incident, RecordError, parse_record
from threadline.web.incident_form import input_name, new_form, read_form, to_record


def posted(**extra: str) -> list[tuple[str, str]]:
    items = [
        ("ref", "WEB-1"),
        ("reported_at", "2026-03-01T10:15"),
        ("channel", "999"),
        ("category", "breach_of_order"),
        ("qualifiers", "domestic"),
        ("qualifiers", "repeat"),
        ("location", "14 Kestrel Close, Stafford"),
        ("postcode", "ST16 3AB"),
        ("narrative", "Her ex turned up at her house."),
        ("people-0-role", "victim"),
        ("people-0-forenames", "Alys"),
        ("people-0-surname", "Penhallow"),
        ("people-0-dob", "12/04/1991"),
        ("people-0-phone", "07700 900123, 07700 900124"),
        ("people-0-address", "14 Kestrel Close"),
        ("people-0-postcode", "ST16 3AB"),
        ("people-3-role", "suspect"),  # a row the handler left blank: dropped
        ("people-5-role", "suspect"),
        ("people-5-forenames", "Gareth"),
        ("people-5-surname", "Tregothnan"),
        ("people-5-relationship", "former_partner"),
    ]
    items += list(extra.items())
    return items


def test_a_filled_form_becomes_a_valid_incident_with_its_people_in_order() -> None:
    record = parse_record(to_record(read_form(posted())))
    assert isinstance(record, Incident)
    assert record.source == "web"
    assert [q.value for q in record.qualifiers] == ["domestic", "repeat"]
    assert record.location is not None and record.location.postcode == "ST16 3AB"
    victim, suspect = record.people
    assert victim.phones == ["07700 900123", "07700 900124"]
    assert victim.address is not None and victim.address.text == "14 Kestrel Close"
    assert suspect.surname == "Tregothnan"
    assert suspect.relationship_to_victim is not None
    assert suspect.relationship_to_victim.value == "former_partner"
    assert record.reported_at.utcoffset() is not None  # local time, given the force's zone


def test_problems_name_the_inputs_of_the_rerendered_form() -> None:
    form = read_form(posted(**{"people-5-dob": "31/02/1990"}))
    with pytest.raises(RecordError) as caught:
        parse_record(to_record(form))
    names = {input_name(p.field) for p in caught.value.problems}
    assert names == {"people-1-dob"}  # the second kept row, whatever its number in the browser


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("people[2].phones[0]", "people-2-phone"),
        ("people[0].address.postcode", "people-0-postcode"),
        ("people[1].relationship_to_victim", "people-1-relationship"),
        ("people[1]", "people-1-role"),
        ("location.postcode", "postcode"),
        ("reported_at", "reported_at"),
        ("category", "category"),
    ],
)
def test_input_names(field: str, name: str) -> None:
    assert input_name(field) == name


def test_a_missing_category_and_role_are_reported() -> None:
    items = [(k, v) for k, v in posted() if k not in ("category", "people-0-role")]
    with pytest.raises(RecordError) as caught:
        parse_record(to_record(read_form(items)))
    assert {input_name(p.field) for p in caught.value.problems} == {"category", "people-0-role"}


def test_a_new_form_is_reported_now_in_local_time_with_a_victim_and_a_suspect() -> None:
    form = new_form("WEB-2", datetime(2026, 7, 1, 9, 5, 42, tzinfo=UTC))
    assert form.values["reported_at"] == "2026-07-01T10:05"  # BST
    assert [row["role"] for row in form.people] == ["victim", "suspect"]
