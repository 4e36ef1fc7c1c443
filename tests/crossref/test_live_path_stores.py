"""The live path decides the same on PostgreSQL as on SQLite (issue 26: its statements batched,
its inserts sent through psycopg in pipelines, ``COPY`` for an import's batches).

The same submissions go to a fresh SQLite store and a fresh PostgreSQL schema with the same
model: a harassment course against one victim with an order, a stranger at her address, the
same incident sent again and then changed. Every decision, alert and case change must match,
and so must what the stores then hold.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from factories import incident, order, person
from threadline.crossref import submit
from threadline.ingest import import_records
from threadline.ingest.readers import RawRecord
from threadline.model import parse_record
from threadline.store import open_store
from threadline.store import tables as t
from threadline.store.statements import counting_statements

START = datetime(2026, 3, 1, 9, tzinfo=UTC)
ADDRESS = {"text": "12 Gull Lane, Porthleven", "postcode": "TR13 9JX"}


def _records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = [order("NMO-9", starts="2026-02-01")]
    for day in range(6):
        records.append(
            incident(
                f"LIVE-{day}",
                reported_at=(START + timedelta(days=3 * day)).isoformat(),
                category="breach_of_order" if day % 2 else "harassment",
                narrative="He turned up at her house again and kept calling her phone.",
                location=ADDRESS,
                people=[
                    person(
                        "victim",
                        forenames="Alys",
                        surname="Penhallow",
                        dob="1991-04-12",
                        phones=["07700 900123"],
                        address=ADDRESS,
                    ),
                    person(
                        "suspect",
                        forenames="Gareth",
                        surname="Tregothnan",
                        relationship_to_victim="former_partner",
                    ),
                ],
            )  # fmt: skip
        )
    records.append(
        incident(
            "LIVE-S",
            reported_at=(START + timedelta(days=20)).isoformat(),
            location=ADDRESS,
            people=[person("witness", forenames="Morwenna", surname="Kitto", dob="1970-01-02")],
        )
    )
    records.append(records[3])  # sent again: unchanged
    changed = dict(records[3], narrative="He turned up again, shouting through the letterbox.")
    records.append(changed)  # changed: updated, its people resolved again
    return records


def _outcomes(engine: Engine, model: Any) -> list[dict[str, Any]]:
    found = []
    for raw in _records():
        record = parse_record(raw)
        when = START + timedelta(days=30)
        submission = submit(engine, model, record, when)
        found.append(
            {
                "outcome": submission.outcome,
                "decisions": [asdict(d) for d in submission.decisions],
                "changes": sorted(
                    (c.change, c.alert.alert_key, c.alert.reason) for c in submission.changes
                ),
                "cases": [(c.change, c.incident_refs) for c in submission.cases],
            }
        )
    return found


def _rows(conn: Any, *columns: Any) -> list[tuple[Any, ...]]:
    """The rows of ``columns``, ordered by their text (a document's keys in any order)."""
    return sorted((tuple(row) for row in conn.execute(select(*columns))), key=str)


def _held(engine: Engine) -> dict[str, Any]:
    em, alerts, links, events, ids = (
        t.entity_members, t.alerts, t.alert_links, t.entity_events, t.identifiers
    )  # fmt: skip
    with engine.connect() as conn:
        return {
            "members": _rows(conn, em.c.mention_key, em.c.entity_id),
            "alerts": sorted(
                (
                    tuple(row)
                    for row in conn.execute(
                        select(alerts.c.alert_key, alerts.c.status, alerts.c.details)
                    )
                ),
                key=lambda row: row[0],
            ),  # fmt: skip
            "links": _rows(conn, links.c.alert_key, links.c.link),
            "events": _rows(conn, events.c.entity_id, events.c.action, events.c.mention_keys),
            "features": sorted(
                (tuple(row) for row in conn.execute(select(t.mention_features))),
                key=lambda row: row[0],
            ),
            "identifiers": _rows(conn, ids.c.mention_key, ids.c.kind, ids.c.value),
            "history": _rows(conn, t.record_history.c.record_key),
        }


@pytest.mark.postgres
def test_submissions_decide_and_store_the_same_on_both_stores(
    sqlite_url: str, postgres_schema_url: str, small_model: Any
) -> None:
    results = {}
    for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_schema_url)):
        engine = open_store(url)
        try:
            results[name] = (_outcomes(engine, small_model), _held(engine))
        finally:
            engine.dispose()
    (sqlite_outcomes, sqlite_held), (pg_outcomes, pg_held) = (
        results["sqlite"],
        results["postgresql"],
    )
    assert [o["outcome"] for o in sqlite_outcomes][-2:] == ["unchanged", "updated"]
    assert any(o["changes"] for o in sqlite_outcomes)  # the course was recognised
    assert pg_outcomes == sqlite_outcomes
    for part in sqlite_held:
        assert pg_held[part] == sqlite_held[part], part


def _raws(records: list[dict[str, Any]]) -> list[RawRecord]:
    return [RawRecord("bulk.jsonl", line, record) for line, record in enumerate(records, 1)]


@pytest.mark.postgres
def test_an_import_by_copy_stores_what_sqlite_stores(
    sqlite_url: str, postgres_schema_url: str
) -> None:
    """A batch of 150 incidents (more than :data:`threadline.store.writers.COPY_FROM` rows in
    each table) goes to PostgreSQL by ``COPY``."""
    records = [
        incident(
            f"BULK-{n}",
            reported_at=(START + timedelta(minutes=n)).isoformat(),
            people=[
                person(
                    "victim",
                    forenames="Alys",
                    surname=f"Penhallow{n % 7}",
                    dob="1991-04-12",
                    phones=[f"07700 900{n:03d}"],
                    address=ADDRESS,
                ),
                person("suspect", forenames="Gareth", surname="Tregothnan"),
            ],
        )  # fmt: skip
        for n in range(150)
    ]
    held = {}
    for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_schema_url)):
        engine = open_store(url)
        try:
            with counting_statements(engine) as count:
                report = import_records(
                    engine, _raws(records), files=["bulk.jsonl"], batch_size=1000
                )
            assert report.counts.stored == 150
            copied = [sql for sql in count.by_text if sql.startswith("COPY")]
            assert len(copied) == (4 if name == "postgresql" else 0)  # incidents, mentions,
            # features, identifiers
            with engine.connect() as conn:
                held[name] = {
                    "incidents": sorted(
                        conn.execute(
                            select(
                                t.incidents.c.record_key,
                                t.incidents.c.document,
                                t.incidents.c.reported_at,
                            )
                        ).all(),
                        key=str,
                    ),  # fmt: skip
                    "features": sorted(
                        (tuple(r) for r in conn.execute(select(t.mention_features))),
                        key=lambda r: str(r[0]),
                    ),  # fmt: skip
                    "identifiers": sorted(
                        conn.execute(
                            select(
                                t.identifiers.c.mention_key,
                                t.identifiers.c.raw,
                                t.identifiers.c.value,
                            )
                        ).all(),
                        key=str,
                    ),  # fmt: skip
                }
        finally:
            engine.dispose()
    assert len(held["postgresql"]["incidents"]) == 150
    assert held["postgresql"] == held["sqlite"]
