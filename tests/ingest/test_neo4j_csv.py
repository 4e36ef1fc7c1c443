"""Importing a POLE graph in Neo4j's bulk-import CSV layout (fixture: fixtures/neo4j_pole)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Table, func, select

from threadline.ingest.neo4j_csv import import_neo4j_csv
from threadline.model.base import FORCE_TIMEZONE
from threadline.store import tables as t

FIXTURE = Path(__file__).parent / "fixtures" / "neo4j_pole"
NODES = [FIXTURE / name for name in ("people.csv", "objects.csv", "crimes.csv")]
RELATIONSHIPS = [
    FIXTURE / name
    for name in (
        "party_to.csv",
        "person_links.csv",
        "person_objects.csv",
        "crime_links.csv",
        "object_links.csv",
    )
]


def _documents(engine: Engine, table: Table) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {
            row.ref: row.document for row in conn.execute(select(table.c.ref, table.c.document))
        }


def test_crime_with_its_people_objects_and_officer(engine: Engine) -> None:
    report = import_neo4j_csv(engine, NODES, RELATIONSHIPS)
    assert report.nodes["Person"] == 5 and report.relationships["PARTY_TO"] == 3
    assert report.records == {"crime": 2, "association": 3}
    crime = _documents(engine, t.crimes)["CRM-2017-000101"]
    assert crime["offence"] == "Public order"
    assert datetime.fromisoformat(crime["recorded_at"]).astimezone(
        FORCE_TIMEZONE
    ).date().isoformat() == ("2017-08-24")
    alys, gareth = crime["people"]
    assert (alys["role"], alys["forenames"], alys["dob"]) == ("victim", "Alys", "1991-04-12")
    assert gareth["role"] == "suspect"  # PARTY_TO without a role property
    assert alys["phones"] == ["07700 900123"] and alys["emails"] == ["alys.p@example.com"]
    # the postcode comes from the location's HAS_POSTCODE
    assert alys["address"] == {"text": "4 Kestrel Close Stafford", "postcode": "ST16 2AB"}
    assert gareth["dob"] == "1988-11-03" and gareth["phones"] == ["07700 900555"]
    assert crime["officer"] == "DC Tamsin Rowe (4471)"
    assert "Occurred at Car park Market Street Stafford, ST16 2LQ." in crime["narrative"]
    assert "Vehicle involved: AB12 CDE Ford." in crime["narrative"]
    assert "OCCURRED_AT" in report.notes
    with engine.connect() as conn:
        sources = set(conn.execute(select(t.crimes.c.source)).scalars())
        phones = set(
            conn.execute(
                select(t.identifiers.c.value).where(t.identifiers.c.kind == "phone")
            ).scalars()
        )
    assert sources == {"neo4j"}
    assert phones == {"+447700900123", "+447700900555"}


def test_links_between_people_become_associations(engine: Engine) -> None:
    import_neo4j_csv(engine, NODES, RELATIONSHIPS)
    found = _documents(engine, t.associations)
    family = found["FAMILY_REL:p1:p3"]
    assert (family["link"], family["family_kind"], family["since"]) == (
        "family",
        "parent",
        "2024-01-02",
    )
    assert family["person_a"]["forenames"] == "Alys"
    assert family["person_b"]["forenames"] == "Morwenna"
    assert family["note"] == "FAMILY_REL rel_type=PARENT"
    assert found["KNOWS:p2:p4"]["link"] == "knows"
    assert found["KNOWS_SN:p4:p1"]["link"] == "social_network_contact"


def test_everything_not_imported_is_reported_by_name(engine: Engine) -> None:
    report = import_neo4j_csv(engine, NODES, RELATIONSHIPS)
    assert report.unmapped_labels == {"Area": 1, "Spaceship": 1}
    assert report.unmapped_types == {"LOCATION_IN_AREA": 1, "PILOTS": 1, "TELEPORTS_WITH": 1}
    assert report.unread_properties == {"Person": ["nhs_no"]}
    assert report.people_without_records == ["p5 (people.csv:6)"]
    assert report.problems == [
        "person_objects.csv:8: :END_ID 'ph99' is not a node in the node files"
    ]
    # 31/02/2017 is no date: that crime is rejected, naming its file, line and column
    [rejection] = report.import_report.rejections
    assert str(rejection).startswith('crimes.csv:3: date: "31/02/2017" is not a date')
    text = "\n".join(report.lines())
    assert "Spaceship 1" in text and "TELEPORTS_WITH 1" in text and not report.ok


def test_reimport_changes_nothing(engine: Engine) -> None:
    first = import_neo4j_csv(engine, NODES, RELATIONSHIPS)
    assert first.import_report.counts.stored == 4

    def counts() -> list[int]:
        with engine.connect() as conn:
            return [
                conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (t.crimes, t.associations, t.mentions, t.identifiers, t.record_history)
            ]

    before = counts()
    again = import_neo4j_csv(engine, NODES, RELATIONSHIPS)
    assert (again.import_report.counts.stored, again.import_report.counts.updated) == (0, 0)
    assert again.import_report.counts.unchanged == 4
    assert counts() == before


def test_known_type_between_unexpected_labels_is_reported(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "nodes.csv").write_text(
        ":ID,:LABEL,phoneNo,type,date\nc9,Crime,,Theft,01/03/2020\nph9,Phone,07700 900321,,\n"
    )
    (tmp_path / "rels.csv").write_text(":START_ID,:END_ID,:TYPE\nc9,ph9,HAS_PHONE\n")
    (tmp_path / "broken.csv").write_text("name,:LABEL\nNobody,Person\n")
    report = import_neo4j_csv(
        engine, [tmp_path / "nodes.csv", tmp_path / "broken.csv"], [tmp_path / "rels.csv"]
    )
    assert report.unmapped_types == {"HAS_PHONE (Crime→Phone)": 1}
    assert report.problems == ["broken.csv: no :ID column; file skipped"]
    assert report.records == {"crime": 1}


def test_missing_file_is_an_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        import_neo4j_csv(engine, [tmp_path / "nope.csv"], [])
