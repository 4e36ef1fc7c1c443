"""Batch resolution at Splink's cost (issue 26 part 1) decides exactly what the path before it did.

The run builds one feature table from the store (no frame between), predicts slim pairs (weights
and gammas, the values joined back for the pairs queued for review) and writes memberships as
plain tuples in one ``executemany``. The path before it read a frame, converted it to Arrow at
each step, predicted every pair with its values and wrote rows through SQLAlchemy Core: on a small
synthetic force both give the same people, the same memberships row for row, the same history
and the same review queue.
"""

from __future__ import annotations

import gc
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, Table, insert, select

from factories import force_files
from threadline.features import features_table
from threadline.ingest import import_files
from threadline.resolve import entities
from threadline.resolve.batch import load_feature_table, load_features, resolve_store
from threadline.resolve.linkage import LinkageModel, predict_pairs
from threadline.store import open_store
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def imported(small_force: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small force imported and not yet resolved."""
    path = tmp_path_factory.mktemp("imported") / "store.db"
    engine = open_store(f"sqlite:///{path}")
    import_files(engine, force_files(small_force))
    engine.dispose()
    return path


def _copy(imported: Path, tmp_path: Path, name: str) -> Engine:
    path = tmp_path / name
    shutil.copy(imported, path)
    return open_store(f"sqlite:///{path}")


def _core_insert(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    writer: Any = None,
) -> None:
    """The write before the bulk one: one dict a row through SQLAlchemy Core."""
    conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _previous_predict(model: LinkageModel, features: pd.DataFrame, threshold: float) -> Any:
    """Prediction as before: from a frame, every pair with every feature value."""
    assert isinstance(features, pd.DataFrame)
    return predict_pairs(model, features, threshold)


def _outcome(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        members = sorted(tuple(r) for r in conn.execute(select(t.entity_members)))
        people = sorted(tuple(r) for r in conn.execute(select(t.entities)))
        events = sorted(
            (r.entity_id, r.action, json.dumps(r.mention_keys), r.by, r.note or "")
            for r in conn.execute(select(t.entity_events))
        )
        queue = []
        for r in conn.execute(select(t.review_queue).order_by(t.review_queue.c.id)):
            # every piece of evidence, a refused link's note too (its two contradicting values
            # are named in the order of the mentions' keys)
            queue.append((r.mention_a, r.mention_b, r.match_probability, r.status, r.evidence))
    return {"members": members, "people": people, "events": events, "queue": queue}


def test_the_feature_table_read_from_the_store_is_the_one_built_from_the_frame(
    imported: Path,
) -> None:
    engine = open_store(f"sqlite:///{imported}")
    with engine.connect() as conn:
        table = load_feature_table(conn)
        frame = load_features(conn)
    engine.dispose()
    assert table.num_rows == len(frame) > 1000
    assert table.equals(features_table(frame))


def test_one_feature_table_slim_predictions_and_bulk_writes_decide_as_before(
    imported: Path,
    resolved_force: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, model = resolved_force
    now_path = _copy(imported, tmp_path, "now.db")
    report = resolve_store(now_path, model, now=NOW)

    before_path = _copy(imported, tmp_path, "before.db")
    monkeypatch.setattr(entities, "insert_rows", _core_insert)
    before = resolve_store(before_path, model, now=NOW, predict=_previous_predict)

    assert report == before
    assert report.entities < report.mentions and report.queued_for_review > 0
    now, then = _outcome(now_path), _outcome(before_path)
    assert len(now["members"]) == report.mentions
    for part in ("members", "people", "events", "queue"):
        assert now[part] == then[part], part
    # the queued pairs' evidence names the values the reviewer compares
    assert any("values" in piece for row in now["queue"] for piece in row[4])


def test_resolution_gives_the_cycle_collector_back_even_when_a_step_fails(
    imported: Path, resolved_force: Any, tmp_path: Path
) -> None:
    # resolution pauses Python's cycle collector while it builds its rows; the process must
    # have it back afterwards, whether the run ends well or not
    _, model = resolved_force
    assert gc.isenabled()

    def failing(model: LinkageModel, table: Any, threshold: float) -> Any:
        assert gc.isenabled()  # scoring (Splink's linker and SQL trees) runs collected
        raise RuntimeError("the scoring engine went away")

    with pytest.raises(RuntimeError, match="went away"):
        resolve_store(_copy(imported, tmp_path, "failing.db"), model, now=NOW, score=failing)
    assert gc.isenabled()
    resolve_store(_copy(imported, tmp_path, "fine.db"), model, now=NOW)
    assert gc.isenabled()


def test_a_caller_that_disabled_the_cycle_collector_keeps_it_disabled(
    imported: Path, resolved_force: Any, tmp_path: Path
) -> None:
    # a caller (a benchmark, a host application) that turned the collector off itself gets no
    # collection from resolution, not even around the scoring, and has it off afterwards
    _, model = resolved_force
    collections: list[int] = []

    def count(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(1)

    def failing(model: LinkageModel, table: Any, threshold: float) -> Any:
        assert not gc.isenabled()  # scoring too: the collector is the caller's to turn on
        raise RuntimeError("the scoring engine went away")

    gc.disable()
    gc.callbacks.append(count)
    try:
        with pytest.raises(RuntimeError, match="went away"):
            resolve_store(_copy(imported, tmp_path, "failing.db"), model, now=NOW, score=failing)
        assert not gc.isenabled()
        resolve_store(_copy(imported, tmp_path, "fine.db"), model, now=NOW)
        assert not gc.isenabled()
    finally:
        gc.callbacks.remove(count)
        gc.enable()
    assert collections == []
