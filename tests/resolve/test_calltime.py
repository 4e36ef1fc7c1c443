"""Call-time resolution of one new mention: join, review or new person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record

HOME = {"text": "4 Park Crescent, Hednesford", "postcode": "WS12 0BH"}
DARREN = {"forenames": "Darren", "surname": "Harington", "sex": "male", "address": HOME}


def test_a_mention_that_fits_a_father_and_his_son_alike_joins_neither(
    engine: Any, small_model: Any
) -> None:
    """Darren Harington and his son Darren live at one address. A Darren Harington recorded
    there with no date of birth is either; the call handler is not told he is one of them."""
    now = datetime(2026, 3, 2, tzinfo=UTC)

    def go(ref: str, **fields: Any) -> Any:
        record = parse_record(incident(ref, people=[person("victim", **DARREN, **fields)]))
        return submit(engine, small_model, record, now).decisions[0]

    father = go("INC-F", dob="1952-08-19")
    son = go("INC-S", dob="1981-05-23")
    assert father.entity_id != son.entity_id
    again = go("INC-S2", dob="1981-05-23")  # the son's date of birth says which
    assert (again.outcome, again.entity_id) == ("joined", son.entity_id)

    either = go("INC-X")
    assert either.outcome == "review", either
    assert either.entity_id not in (father.entity_id, son.entity_id)
    assert any(
        "fits both" in line and father.entity_id in line and son.entity_id in line
        for line in either.evidence
    ), either.evidence
