"""References as long and as varied as a force's systems write them are stored, and the same ones
refused, on SQLite and on PostgreSQL (issue 21 part 2; issue 27 finding 8: PostgreSQL cannot store
the NUL that SQLite accepted)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from factories import incident, order, person
from threadline.ingest.importer import import_records
from threadline.ingest.readers import RawRecord
from threadline.model import REF_MAX_LENGTH
from threadline.model.refs import SOURCE_MAX_LENGTH
from threadline.store import tables as t

#: as long as a reference may be, in letters that take four bytes in UTF-8 and the characters
#: that mean something in an address
LONGEST = ("𝔄/?#.." * REF_MAX_LENGTH)[:REF_MAX_LENGTH]
SOURCE = "s" * SOURCE_MAX_LENGTH


def _raws(records: list[dict[str, Any]]) -> list[RawRecord]:
    return [RawRecord("refs.jsonl", n, record) for n, record in enumerate(records, start=1)]


def test_the_longest_references_are_stored_in_every_table(engine: Engine) -> None:
    records = [
        incident(LONGEST, source=SOURCE, crime_refs=[LONGEST]),
        {
            "kind": "crime",
            "source": SOURCE,
            "ref": LONGEST,
            "offence": "Harassment",
            "recorded_at": "2026-03-02T10:00:00Z",
            "incident_refs": [LONGEST],
            "people": [person("victim", forenames="Alys", surname="Penhallow")],
        },
        order(LONGEST, source=SOURCE),
        {
            "kind": "risk_assessment",
            "source": SOURCE,
            "ref": LONGEST,
            "checklist": "dash",
            "incident_ref": LONGEST,
            "subject": person("victim", forenames="Alys", surname="Penhallow"),
            "assessed_at": "2026-03-01T11:00:00Z",
        },
        {
            "kind": "association",
            "source": SOURCE,
            "ref": LONGEST,
            "link": "knows",
            "person_a": person("third_party", forenames="Alys", surname="Penhallow"),
            "person_b": person("third_party", forenames="Morwenna", surname="Penhallow"),
            "recorded_at": "2026-03-01T11:00:00Z",
        },
    ]
    report = import_records(engine, _raws(records), files=["refs.jsonl"])
    assert report.rejections == [] and report.counts.stored == 5
    with engine.connect() as conn:
        for table in (t.incidents, t.crimes, t.orders, t.risk_assessments, t.associations):
            assert conn.execute(select(table.c.ref)).scalar_one() == LONGEST
        assert set(conn.execute(select(t.crime_incidents.c.incident_ref)).scalars()) == {LONGEST}
        keys = conn.execute(select(t.mentions.c.mention_key)).scalars().all()
        features = conn.execute(select(func.count()).select_from(t.mention_features)).scalar()
    assert f"risk_assessment:{SOURCE}:{LONGEST}#subject" in keys
    assert features == len(keys)


def test_the_same_references_are_refused_on_every_store(engine: Engine) -> None:
    records = [
        incident("INC-\x00-1"),
        incident("INC-2", narrative="Caller says \x00"),
        incident("x" * (REF_MAX_LENGTH + 1)),
        incident("INC-3", crime_refs=["CRM\x1b[31m"]),
        incident("INC-4"),
    ]
    report = import_records(engine, _raws(records), files=["refs.jsonl"])
    assert [str(r) for r in report.rejections] == [
        "refs.jsonl:1: ref: holds NUL (U+0000) at position 5; a reference must be printable text",
        "refs.jsonl:2: narrative: holds NUL (U+0000), which no store can keep in text",
        f"refs.jsonl:3: ref: String should have at most {REF_MAX_LENGTH} characters",
        "refs.jsonl:4: crime_refs[0]: holds a control character (U+001B) at position 4; "
        "a reference must be printable text",
    ]
    assert report.counts.stored == 1
