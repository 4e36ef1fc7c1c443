"""One-line builders for link-graph tests: records into a store, people into entities by name.

Entities are assigned directly (every mention with the same full name is one entity), so the
tests exercise the link graph without training a linkage model. People are fictional; phones are
in Ofcom's drama range.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from threadline.ingest import RawRecord, import_records
from threadline.store import tables as t
from threadline.store.parties import rebuild_parties

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def p(role: str, name: str, **fields: Any) -> dict[str, Any]:
    """A person: ``p("suspect", "Gareth Tregothnan", phones=["07700 900555"])``."""
    forenames, _, surname = name.rpartition(" ")
    return {"role": role, "forenames": forenames, "surname": surname, **fields}


def inc(
    ref: str, *people: dict[str, Any], day: str = "2026-01-05", **fields: Any
) -> dict[str, Any]:
    return {
        "kind": "incident",
        "ref": ref,
        "reported_at": f"{day}T10:00:00Z",
        "channel": "101",
        "category": fields.pop("category", "harassment"),
        "people": list(people),
        **fields,
    }


def assoc(ref: str, a: str, b: str, link: str = "family", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "association",
        "ref": ref,
        "link": link,
        "person_a": p("third_party", a),
        "person_b": p("third_party", b),
        "recorded_at": "2025-12-01T09:00:00Z",
        **fields,
    }


def order(ref: str, respondent: str, protected: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "order",
        "ref": ref,
        "order_type": "non_molestation",
        "respondent": p("suspect", respondent),
        "protected": [p("victim", protected)],
        "starts": "2026-01-01",
        "ends": "2027-01-01",
        **fields,
    }


def store(engine: Engine, *records: dict[str, Any]) -> None:
    raws = [RawRecord("test.jsonl", n, r) for n, r in enumerate(records, start=1)]
    report = import_records(engine, raws, files=["test.jsonl"])
    assert report.ok, [str(r) for r in report.rejections]


def resolve_by_name(engine: Engine, people: dict[str, str]) -> None:
    """Entity id → full name: every mention written with that name joins that entity."""
    m = t.mentions
    with engine.begin() as conn:
        for entity_id, name in people.items():
            forenames, _, surname = name.rpartition(" ")
            keys = conn.execute(
                select(m.c.mention_key).where(m.c.forenames == forenames, m.c.surname == surname)
            ).scalars()
            conn.execute(
                insert(t.entities).values(
                    id=entity_id, kind="person", label=name, created_at=NOW, updated_at=NOW
                )
            )
            rows = [
                {
                    "mention_key": key,
                    "entity_id": entity_id,
                    "match_probability": 1.0,
                    "evidence": {"test": "same name"},
                    "assigned_at": NOW,
                    "assigned_by": "test",
                }
                for key in keys
            ]
            if rows:
                conn.execute(insert(t.entity_members), rows)
        rebuild_parties(conn)  # memberships written here, not through resolution: kept again
