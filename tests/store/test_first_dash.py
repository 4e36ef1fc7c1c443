"""Each incident's kept first DASH (``incidents.first_dash_at``) is the earliest DASH its
assessments give when read from scratch: after the small force's import, after submissions of
an incident and its assessments in either order, after an assessment is sent again changed (a
later time, another incident, another checklist), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import Engine, func, select

from factories import assessment, incident
from threadline.crossref import submit
from threadline.ingest import import_records
from threadline.ingest.readers import RawRecord
from threadline.model import parse_record
from threadline.store import migrate, open_store
from threadline.store import tables as t
from threadline.store.database import alembic_config
from threadline.store.first_dash import rebuild_first_dash

START = datetime(2026, 3, 1, 9, tzinfo=UTC)


def kept(engine: Engine) -> dict[str, datetime | None]:
    i = t.incidents
    with engine.connect() as conn:
        return dict(conn.execute(select(i.c.ref, i.c.first_dash_at)).all())


def from_scratch(engine: Engine) -> dict[str, datetime | None]:
    i, a = t.incidents, t.risk_assessments
    with engine.connect() as conn:
        firsts = dict(
            conn.execute(
                select(a.c.incident_ref, func.min(a.c.assessed_at))
                .where(a.c.checklist == "dash")
                .group_by(a.c.incident_ref)
            ).all()
        )
        refs = conn.execute(select(i.c.ref)).scalars().all()
    return {ref: firsts.get(ref) for ref in refs}


def assert_kept(engine: Engine) -> dict[str, datetime | None]:
    found = kept(engine)
    assert found == from_scratch(engine)
    return found


def test_kept_after_the_import(resolved_store: Any) -> None:
    engine, _model = resolved_store
    found = assert_kept(engine)
    assert sum(1 for v in found.values() if v) > 50
    with engine.begin() as conn:  # rebuilt whole, the same
        conn.execute(t.incidents.update().values(first_dash_at=None))
        rebuild_first_dash(conn)
    assert kept(engine) == found
    command.downgrade(alembic_config(engine), "0018")  # and migration 0021's own fill
    migrate(engine)
    assert kept(engine) == found


def test_kept_through_submissions_and_changes_on_each_store(
    store_url: str, small_model: Any
) -> None:
    engine = open_store(store_url)
    try:
        later = START + timedelta(days=1)

        def send(record: dict) -> None:
            submit(engine, small_model, parse_record(record), later)

        send(assessment("RA-1", "INC-2", START + timedelta(hours=5)))  # before its incident
        for n in (1, 2):
            send(incident(f"INC-{n}", reported_at=START.isoformat(), qualifiers=["domestic"]))
        send(assessment("RA-2", "INC-1", START + timedelta(hours=30)))
        send(assessment("RA-3", "INC-1", START + timedelta(hours=3)))  # an earlier one after
        found = assert_kept(engine)
        assert found == {"INC-1": START + timedelta(hours=3), "INC-2": START + timedelta(hours=5)}
        # sent again changed: RA-3 later, RA-1 for the other incident, RA-2 an S-DASH
        send(assessment("RA-3", "INC-1", START + timedelta(hours=40)))
        raws = [
            RawRecord("ra.jsonl", 1, assessment("RA-1", "INC-1", START + timedelta(hours=1))),
            RawRecord("ra.jsonl", 2, assessment("RA-2", "INC-1", START, checklist="sdash")),
        ]
        import_records(engine, raws, files=["ra.jsonl"])
        found = assert_kept(engine)
        assert found == {"INC-1": START + timedelta(hours=1), "INC-2": None}
    finally:
        engine.dispose()
