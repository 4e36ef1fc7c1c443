"""References from other systems: any printable text up to 256 characters, nothing else (issue 21
part 2, issue 27 finding 8)."""

from __future__ import annotations

import pytest

from factories import incident, order, person
from threadline.model import REF_MAX_LENGTH, Crime, Incident, RecordError, parse_record

SHA256 = "10305fdb9613b698a9fe8a26468564ebe15ba01eb870994739180ffc51440c31"  # a POLE demo crime id

REAL_WORLD_REFS = [
    SHA256,
    "3f2b8c1e-9d4a-4e7b-a6c5-0f1e2d3c4b5a",
    "MPS/2024/000123 (CAD) – Öffentliche Ordnung",
    "Dyfed-Powys/CAD/2025-03-01/Llanelli Ffordd yr Orsaf/0042",
    "R3/../../api/users",
    "R2?purpose=x#top",
    "事件-二〇二五-〇〇一",
    "x" * REF_MAX_LENGTH,
]


def problems(raw: object) -> list[str]:
    with pytest.raises(RecordError) as caught:
        parse_record(raw)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("ref", REAL_WORLD_REFS)
def test_a_real_world_reference_is_kept_as_written(ref: str) -> None:
    record = parse_record(incident(ref, crime_refs=[ref]))
    assert isinstance(record, Incident)
    assert record.ref == ref
    assert record.crime_refs == [ref]


def test_a_crime_cites_incidents_by_long_references() -> None:
    raw = {
        "kind": "crime",
        "ref": SHA256,
        "offence": "Public order",
        "recorded_at": "2017-08-24",
        "incident_refs": [SHA256[:40], "CAD/2017/08/24/0001"],
    }
    record = parse_record(raw)
    assert isinstance(record, Crime)
    assert record.incident_refs == [SHA256[:40], "CAD/2017/08/24/0001"]


def test_a_reference_longer_than_the_limit_is_refused() -> None:
    [problem] = problems(incident("x" * (REF_MAX_LENGTH + 1)))
    assert problem == f"ref: String should have at most {REF_MAX_LENGTH} characters"


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("INC\x00-1", "ref: holds NUL (U+0000) at position 4; a reference must be printable text"),
        (
            "INC\t1",
            "ref: holds a control character (U+0009) at position 4; "
            "a reference must be printable text",
        ),
        (
            "INC-1\u202egpj",
            "ref: holds an invisible format character (U+202E RIGHT-TO-LEFT OVERRIDE) at "
            "position 6; a reference must be printable text",
        ),
        (
            "INC\ue000",
            "ref: holds a private-use character (U+E000) at position 4; "
            "a reference must be printable text",
        ),
        ("..", 'ref: ".." cannot be a reference (it is a step in a web address)'),
    ],
)
def test_an_unprintable_reference_is_refused_naming_the_character(ref: str, reason: str) -> None:
    assert problems(incident(ref)) == [reason]


def test_cited_references_follow_the_same_rule() -> None:
    raw = incident(crime_refs=["CRM-1", "CRM\x002"])
    assert problems(raw) == [
        "crime_refs[1]: holds NUL (U+0000) at position 4; a reference must be printable text"
    ]
    raw = order(ref="NMO-\n1")
    assert problems(raw)[0].startswith("ref: holds a control character (U+000A)")


def test_a_source_name_cannot_hold_the_key_separator() -> None:
    [problem] = problems(incident(source="cad:north"))
    assert problem.startswith('source: "cad:north" cannot name a source: it holds ":"')


def test_no_text_field_may_hold_nul() -> None:
    """PostgreSQL cannot store NUL in text, so no store may accept it (issue 27 finding 8)."""
    reason = "holds NUL (U+0000), which no store can keep in text"
    assert problems(incident(narrative="Caller\x00 reports")) == [f"narrative: {reason}"]
    raw = incident(
        people=[
            person("victim", surname="Pen\x00hallow"),
            person("suspect", phones=["07700 900123", "0\x00"]),
        ]
    )
    assert problems(raw) == [f"people[0].surname: {reason}", f"people[1].phones: {reason}"]
    raw = order(conditions="Not to contact\x00", respondent=person("suspect", surname="A\x00"))
    assert problems(raw) == [f"respondent.surname: {reason}"]
