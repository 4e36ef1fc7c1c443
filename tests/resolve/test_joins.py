"""Each declared join rule (resolve/joins.py) gives the same outcome at call time and in batch.

Every scenario is a handful of records, in the order they were reported. They are fed one at a
time through the live path (:func:`threadline.crossref.submit`) into one store, and written at
once and resolved in batch (:func:`threadline.resolve.batch.resolve_store`) in another, with the
same model; then the same pairs of mentions must be one person, or two, in both stores.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from factories import incident, person
from threadline.crossref import submit
from threadline.model import parse_record
from threadline.resolve.batch import resolve_store
from threadline.resolve.joins import RULES, refusal, rule
from threadline.store import open_store
from threadline.store import tables as t
from threadline.store.records import write_batch

START = datetime(2026, 3, 1, 10, tzinfo=UTC)
ALYS = {"forenames": "Alys", "surname": "Penhallow", "dob": "1991-04-12",
        "phones": ["07700 900123"]}  # fmt: skip
HOME = {"text": "4 Park Crescent, Hednesford", "postcode": "WS12 0BH"}
TWIN_HOME = {"text": "11 Tannery Row, Rugeley", "postcode": "WS15 2AB"}
NADIA = {"forenames": "Nadia", "surname": "Okafor", "sex": "female"}
DARREN = {"forenames": "Darren", "surname": "Harington", "sex": "male", "address": HOME}
FARRANT = {"surname": "Farrant", "dob": "1994-07-03", "sex": "male", "address": TWIN_HOME}
JACKET = "male, 30s, beard, dark green jacket"


def inc(ref: str, *people: dict[str, Any], category: str = "harassment") -> dict[str, Any]:
    return incident(ref, people=list(people), category=category)


def crime(ref: str, incident_ref: str, *people: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "crime", "ref": ref, "offence": "Harassment",
            "recorded_at": "2026-03-01T12:00:00Z", "incident_refs": [incident_ref],
            "narrative": f"Crime from {incident_ref}.", "people": list(people)}  # fmt: skip


def i(ref: str, position: int) -> str:
    return f"incident:cad:{ref}#{position}"


# rule -> (records in reported order, [(mention, mention, one person?)])
SCENARIOS: dict[str, tuple[list[dict[str, Any]], list[tuple[str, str, bool]]]] = {
    "crime-lineage": (
        [
            inc("INC-L1", person("victim", **ALYS),
                person("suspect", forenames="Gareth", surname="Tregothnan")),
            crime("CRM-L1", "INC-L1", person("victim", forenames="Alys", surname="Penhallow"),
                  person("suspect", forenames="G", surname="Tregothnan")),
        ],
        [("crime:rms:CRM-L1#1", i("INC-L1", 1), True),
         ("crime:rms:CRM-L1#0", i("INC-L1", 0), True)],
    ),
    "model-link": (
        [
            inc("INC-M1", person("victim", **{**NADIA, "forenames": "N"},
                                 phones=["07700 900551"])),
            inc("INC-M2", person("victim", **NADIA, dob="1988-10-21", address=HOME)),
            inc("INC-M3", person("victim", **NADIA, phones=["07700 900551"], dob="1988-10-21",
                                 address=HOME)),
        ],
        [(i("INC-M3", 0), i("INC-M1", 0), True), (i("INC-M3", 0), i("INC-M2", 0), True)],
    ),
    "fits-two-people": (
        [
            inc("INC-F", person("victim", **DARREN, dob="1952-08-19")),
            inc("INC-S", person("victim", **DARREN, dob="1981-05-23")),
            inc("INC-X", person("victim", **DARREN)),
        ],
        [(i("INC-F", 0), i("INC-S", 0), False), (i("INC-X", 0), i("INC-F", 0), False),
         (i("INC-X", 0), i("INC-S", 0), False)],
    ),
    "suspect-through-victim": (
        [
            inc("INC-V1", person("victim", **ALYS),
                person("suspect", forenames="Richard", surname="Williams")),
            inc("INC-V2", person("victim", **ALYS),
                person("suspect", forenames="Richard", surname="Williams")),
        ],
        [(i("INC-V1", 1), i("INC-V2", 1), True)],
    ),
    "described-alike": (
        [
            inc("INC-D1", person("victim", **ALYS), person("suspect", description=JACKET)),
            inc("INC-D2", person("victim", **ALYS), person("suspect", description=JACKET)),
        ],
        [(i("INC-D1", 1), i("INC-D2", 1), True)],
    ),
    "only-dated-person-of-the-name": (
        [
            inc("INC-S1", person("suspect", forenames="John", surname="Smith", sex="male",
                                 dob="1985-02-11", address=HOME, phones=["07700 900111"])),
            inc("INC-S2", person("suspect", forenames="Johnny", surname="Smith", sex="male")),
        ],
        [(i("INC-S1", 0), i("INC-S2", 0), True)],
    ),
    "only-dated-person-of-the-name, recorded by name first": (
        [
            inc("INC-S3", person("suspect", forenames="Lucas", surname="Clarke", sex="male")),
            inc("INC-S4", person("suspect", forenames="Lucas", surname="Clarke", sex="male",
                                 dob="1979-06-30", address=HOME)),
        ],
        [(i("INC-S3", 0), i("INC-S4", 0), True)],
    ),
    "her-ex": (
        [
            inc("INC-E1", person("victim", **ALYS),
                person("suspect", forenames="Gareth", surname="Tregothnan",
                       relationship_to_victim="former_partner")),
            inc("INC-E2", person("victim", **ALYS), person("suspect", description="her ex")),
        ],
        [(i("INC-E1", 1), i("INC-E2", 1), True)],
    ),
    "guard: a member contradicts": (
        [
            inc("INC-J", person("victim", **FARRANT, forenames="Jake", phones=["07700 900411"])),
            inc("INC-N", person("victim", **FARRANT, phones=["07700 900411"])),
            inc("INC-C", person("victim", **FARRANT, forenames="Connor")),
        ],
        [(i("INC-C", 0), i("INC-J", 0), False)],
    ),
}  # fmt: skip


#: The rules whose joins call time makes provisionally
#: (:attr:`~threadline.resolve.joins.JoinRule.provisional_at_call_time`): joined as batch
#: joins them, and undone at call time when a later record makes batch refuse them.
PROVISIONAL = {"only-dated-person-of-the-name"}


def _records(raws: list[dict[str, Any]]) -> list[Any]:
    """The records, each reported an hour after the one before."""
    records = []
    for n, raw in enumerate(raws):
        at = (START + timedelta(hours=n)).isoformat().replace("+00:00", "Z")
        raw = {**raw, ("recorded_at" if raw["kind"] == "crime" else "reported_at"): at}
        records.append(parse_record(raw))
    return records


def _members(engine: Any) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id))
        return {r.mention_key: r.entity_id for r in rows}


def test_every_declared_rule_has_a_scenario_and_a_reason() -> None:
    assert {r.name for r in RULES} <= set(SCENARIOS)
    assert all(r.reason and r.decided_by for r in RULES)
    assert {r.name for r in RULES if r.provisional_at_call_time} == PROVISIONAL
    assert rule("her-ex").by == "inference:former-partner"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_rule_decides_alike_at_call_time_and_in_batch(
    name: str, small_model: Any, tmp_path: Path
) -> None:
    raws, expected = SCENARIOS[name]
    live = open_store(f"sqlite:///{tmp_path}/live.db")
    batch = open_store(f"sqlite:///{tmp_path}/batch.db")
    records = _records(raws)
    for record in records:
        submit(live, small_model, record, START + timedelta(days=1))
    with batch.begin() as conn:
        write_batch(conn, records, START)
    resolve_store(batch, small_model, now=START + timedelta(days=1))
    for path, engine in (("call time", live), ("batch", batch)):
        members = _members(engine)
        found = [(a, b, members[a] == members[b]) for a, b, _same in expected]
        assert found == expected, (path, found)
    live.dispose()
    batch.dispose()


def test_the_guard_refuses_a_mention_that_contradicts_any_member() -> None:
    """One member of a person that the mention contradicts is enough, whichever it is."""

    def row(key: str, forename: str | None, dob: str | None = None) -> dict[str, Any]:
        return {"unique_id": key, "forename": forename, "forename_canonical": forename,
                "forename_nicknames": [], "forename_initial": forename[0] if forename else None,
                "forename_phonetic": forename, "surname": "farrant",
                "surname_phonetic": "F653", "dob": dob,
                "dob_year": int(dob[:4]) if dob else None,
                "dob_month": int(dob[5:7]) if dob else None,
                "dob_day": int(dob[8:]) if dob else None, "sex": "male"}  # fmt: skip

    connor = row("c", "connor", "1994-07-03")
    person_of_jake = [row("n", None, "1994-07-03"), row("j", "jake", "1994-07-03")]
    refused = refusal([connor], person_of_jake)
    assert refused is not None and refused.member_key == "j"
    assert "forenames differ" in refused.why
    assert refusal([connor], person_of_jake[:1]) is None
    judged = refusal([connor], person_of_jake[:1], [frozenset(("c", "n"))])
    assert judged is not None and judged.why == "judged to be different people"
