"""The public Neo4j POLE demo, whose crime ids are 64-character hashes, imports whole and its people
resolve (issue 21 part 2; fixture: fixtures/pole_slice, cut by bench/pole_slice.py)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from threadline.ingest.neo4j_csv import NO_OFFENCE, files_in, import_neo4j_csv
from threadline.store import tables as t

SLICE = Path(__file__).parent / "fixtures" / "pole_slice"


def _crime_ids() -> list[str]:
    with (SLICE / "crime-investigation.nodes.Crime.csv").open(newline="") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def test_the_slice_imports_with_no_refusals(engine: Engine) -> None:
    ids = _crime_ids()
    assert len(ids) > 250 and all(len(i) == 64 for i in ids)
    report = import_neo4j_csv(engine, *files_in(SLICE))
    assert report.import_report.rejections == []
    assert report.problems == [] and report.ok
    assert report.records["crime"] == len(ids)
    with engine.connect() as conn:
        stored = set(conn.execute(select(t.crimes.c.ref)).scalars())
        people = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
        phones = conn.execute(
            select(func.count()).where(t.identifiers.c.kind == "phone")
        ).scalar_one()
    assert stored == set(ids)
    assert people > 2000 and phones > 500
    # the demo's one crime without a type is kept, and the report says what it became
    assert "Crime.type" in report.notes and NO_OFFENCE in report.notes["Crime.type"]


@pytest.mark.slow
def test_the_slice_people_resolve(engine: Engine) -> None:
    """Depends on training on data without dates of birth (branch wip/shapes): on this branch
    ``train_model`` ends in ``ValueError: math domain error`` (a zero prior)."""
    from threadline.resolve import train_model
    from threadline.resolve.batch import load_features, resolve_store

    report = import_neo4j_csv(engine, *files_in(SLICE))
    people = report.nodes["Person"] - len(report.people_without_records)
    with engine.connect() as conn:
        features = load_features(conn)
    model = train_model(features, trained_at="2026-01-01T00:00:00+00:00", seed=1, max_pairs=2e5)
    resolve_store(engine, model, now=datetime(2026, 1, 2, tzinfo=UTC))
    with engine.connect() as conn:
        members = dict(
            conn.execute(select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)).all()
        )
        mentions = conn.execute(select(t.mentions.c.mention_key)).scalars().all()
    assert set(members) == set(mentions)
    # each person of the graph is written, with the same name, phone, e-mail and address, into
    # every crime and association they are in (about eight mentions each): they resolve to about
    # as many persons as the graph has people in records, not to one a mention
    persons = len(set(members.values()))
    assert len(mentions) > 5 * people
    assert abs(persons - people) <= 0.1 * people, (persons, people)
