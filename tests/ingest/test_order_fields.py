"""The order fields of issue 23 (served, made on notice, the Domestic Abuse Act order types) are
optional in the import format: old files import as before, new ones carry them to the rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from factories import order
from threadline.crossref.history import orders_of
from threadline.ingest import import_files
from threadline.store import tables as t


def write(path: Path, *records: dict) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_orders_with_and_without_service_import_and_reach_the_rules(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "orders.jsonl",
        order("NMO-OLD"),  # an existing file's shape: neither field
        order("NMO-SERVED", on_notice=False, served="2026-02-03"),
        order("DAPO-1", order_type="domestic_abuse_protection", on_notice=True),
        order("SPO-1", order_type="stalking_protection", interim=True, served="2026-02-01"),
    )
    report = import_files(engine, [path])
    assert report.ok, [str(r) for r in report.rejections]
    with engine.connect() as conn:
        keys = list(conn.execute(select(t.orders.c.record_key)).scalars())
        parties = {
            key: [{"position": "respondent", "entity_id": "S"}, {"position": "protected[0]",
                                                               "entity_id": "V"}]
            for key in keys
        }  # fmt: skip
        found = {o.ref: o for o in orders_of(conn, keys, parties)}
    assert (found["NMO-OLD"].served, found["NMO-OLD"].on_notice) == (None, None)
    assert found["NMO-OLD"].binds_from() == date(2026, 2, 2)
    assert found["NMO-SERVED"].served == date(2026, 2, 3)
    assert found["NMO-SERVED"].binds_from() == date(2026, 2, 3)
    assert found["DAPO-1"].binds_from() == date(2026, 2, 1)
    assert found["SPO-1"].interim and found["SPO-1"].binding == "served"


def test_order_service_dates_are_checked(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path / "orders.jsonl",
        order("NMO-1", served="2026-01-20"),
        order("NMO-2", served="2027-03-01"),
        order("NMO-3", on_notice="perhaps"),
        order("NMO-4", order_type="dapo"),
    )
    report = import_files(engine, [path])
    problems = [str(r) for r in report.rejections]
    assert len(problems) == 4 and report.counts.stored == 0
    assert "served is before starts" in problems[0]
    assert "served is after ends" in problems[1]
    assert "on_notice" in problems[2]
    assert "order_type" in problems[3]
