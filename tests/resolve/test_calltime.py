"""Call-time resolution of one new mention: join, review or new person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record
from threadline.store import tables as t

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


TWIN_HOME = {"text": "11 Tannery Row, Rugeley", "postcode": "WS15 2AB"}
FARRANT = {"surname": "Farrant", "dob": "1994-07-03", "sex": "male", "address": TWIN_HOME}


def test_a_twin_never_joins_the_person_of_his_brother(engine: Any, small_model: Any) -> None:
    """Jake Farrant is on record, and so is a Farrant with his date of birth, his address and his
    phone but no forename, who joined him. His twin Connor (same surname, date of birth and
    address) fits that forename-less record at the match threshold, but Jake's own record says
    Connor is somebody else: he must not join Jake's person (issue 21: call time merged twins)."""
    now = datetime(2026, 3, 2, tzinfo=UTC)

    def go(ref: str, **fields: Any) -> Any:
        record = parse_record(incident(ref, people=[person("victim", **FARRANT, **fields)]))
        return submit(engine, small_model, record, now).decisions[0]

    jake = go("INC-J", forenames="Jake", phones=["07700 900411"])
    nameless = go("INC-N", phones=["07700 900411"])
    assert (nameless.outcome, nameless.entity_id) == ("joined", jake.entity_id), nameless
    luke = go("INC-L", forenames="Connor")
    assert luke.entity_id != jake.entity_id, luke
    with engine.connect() as conn:
        members = conn.execute(
            select(t.entity_members.c.mention_key).where(
                t.entity_members.c.entity_id == jake.entity_id
            )
        ).scalars()
        assert luke.mention_key not in set(members)
