"""Batch resolution and call time apply one guard to every join, of two mentions as of many
(:mod:`threadline.resolve.joins`: no mention joins a person one of whose members it
contradicts). Batch applied it only to groups of three or more, so a father and son of one
name at one address, sharing the house phone and the family's e-mail, scored above the match
threshold and became one person in batch while call time kept them apart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from factories import FATHER_AND_SON, FATHER_AND_SON_BIRTHS, father_and_son_file, incident, person
from threadline.crossref import submit
from threadline.ingest import import_files
from threadline.model import parse_record
from threadline.resolve.batch import resolve_store
from threadline.resolve.explain import read_evidence
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_batch_keeps_a_father_and_son_sharing_all_but_a_birthday_apart_and_asks(
    engine: Any, resolved_force: Any, tmp_path: Any
) -> None:
    _, model = resolved_force
    import_files(engine, [father_and_son_file(tmp_path / "incidents.jsonl")])
    resolve_store(engine, model, now=NOW)
    with engine.connect() as conn:
        entities = set(conn.execute(select(t.entity_members.c.entity_id)).scalars())
        queued = conn.execute(select(t.review_queue)).all()
    assert len(entities) == 2
    assert len(queued) == 1, queued  # a reviewer is asked, and told why
    said = read_evidence(queued[0].evidence)
    assert any("dates of birth differ" in line for line in said), said


def test_call_time_keeps_them_apart_too(engine: Any, resolved_force: Any) -> None:
    _, model = resolved_force
    decisions = [
        submit(
            engine,
            model,
            parse_record(incident(ref, people=[person("victim", **FATHER_AND_SON, dob=dob)])),
            NOW,
        ).decisions[0]
        for ref, dob in FATHER_AND_SON_BIRTHS
    ]
    assert decisions[0].entity_id != decisions[1].entity_id
