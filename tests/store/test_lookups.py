"""Look-ups by many keys stay under every store's limit of bound values."""

from __future__ import annotations

import json
from typing import Any

from factories import incident, person
from threadline.ingest import import_files
from threadline.store.lookups import mention_summaries


def test_mention_summaries_of_more_keys_than_a_statement_may_bind(
    engine: Any, tmp_path: Any
) -> None:
    """Batch resolution of a million mentions asked for 255,000 at once: SQLite refused the
    statement ("too many SQL variables", its limit 250,000; PostgreSQL's is 65,535)."""
    path = tmp_path / "incidents.jsonl"
    path.write_text(
        json.dumps(
            incident("INC-1", people=[person("victim", forenames="Alys", surname="Penhallow")])
        )
        + "\n"
    )
    import_files(engine, [path])
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT mention_key FROM mentions").scalars().all()
        found = mention_summaries(conn, [*stored, *(f"absent#{n}" for n in range(250_001))])
    assert set(found) == set(stored) and found[stored[0]].surname == "Penhallow"
