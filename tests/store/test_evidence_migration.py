"""Migration 0007: evidence stored as sentences before becomes data, the linked mention a column."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select

from threadline.guard.disclosure import disclose_evidence
from threadline.resolve.explain import read_evidence
from threadline.store import make_engine, migrate
from threadline.store import tables as t

OLD = [
    "linked to incident:cad:INC-1#0",
    "match probability 0.9990 (match weight +10.0)",
    "phone +447700900123 in both: +9.8",
    "address 4|quay|TR1 2AA in both: +5.0",
    "surname penhallow in both: +4.6",
]


def test_rows_stored_as_sentences_are_converted(tmp_path: object) -> None:
    engine: Engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    migrate(engine, "0005")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO entities (id, kind, created_at, updated_at) VALUES ('P-1', 'person', "
            "'2026-03-01 00:00:00', '2026-03-01 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO entity_members (mention_key, entity_id, match_probability, evidence, "
            "assigned_at, assigned_by) VALUES ('incident:cad:INC-2#0', 'P-1', 0.99, ?, "
            "'2026-03-01 00:00:00', 'model')",
            (json.dumps(OLD),),
        )
        conn.exec_driver_sql(
            "INSERT INTO review_queue (mention_a, mention_b, match_probability, evidence, "
            "created_at, status) VALUES ('a#0', 'b#0', 0.7, ?, '2026-03-01 00:00:00', 'open')",
            (json.dumps(OLD[1:]),),
        )
    migrate(engine)
    with engine.connect() as conn:
        member = conn.execute(select(t.entity_members)).one()
        queued = conn.execute(select(t.review_queue.c.evidence)).scalar_one()
    assert member.linked_to == "incident:cad:INC-1#0"
    assert all(isinstance(piece, dict) for piece in member.evidence)
    assert read_evidence(member.evidence) == OLD[1:] == read_evidence(queued)
    assert disclose_evidence(read_evidence(member.evidence), "analyst") == [
        OLD[1],
        "phone in both (withheld): +9.8",
        "same address (withheld): +5.0",
        OLD[4],
    ]
    engine.dispose()
