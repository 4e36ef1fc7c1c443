"""Migration 0007: evidence stored as sentences before becomes data, the linked mention a column."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from threadline.guard.disclosure import disclose_evidence
from threadline.resolve.explain import read_evidence
from threadline.store import make_engine, migrate
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, tzinfo=UTC)
OLD = [
    "linked to incident:cad:INC-1#0",
    "match probability 0.9990 (match weight +10.0)",
    "phone +447700900123 in both: +9.8",
    "address 4|quay|TR1 2AA in both: +5.0",
    "surname penhallow in both: +4.6",
]


def test_rows_stored_as_sentences_are_converted(store_url: str) -> None:
    engine: Engine = make_engine(store_url)
    migrate(engine, "0005")
    with engine.begin() as conn:
        conn.execute(insert(t.entities).values(id="P-1", kind="person", created_at=NOW,
                                               updated_at=NOW))  # fmt: skip
        conn.execute(
            insert(t.entity_members).values(
                mention_key="incident:cad:INC-2#0", entity_id="P-1", match_probability=0.99,
                evidence=OLD, assigned_at=NOW, assigned_by="model",
            )
        )  # fmt: skip
        conn.execute(
            insert(t.review_queue).values(
                mention_a="a#0", mention_b="b#0", match_probability=0.7, evidence=OLD[1:],
                created_at=NOW, status="open",
            )
        )  # fmt: skip
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
