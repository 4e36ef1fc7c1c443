"""``threadline init`` and a schema upgrade SIGKILLed at random points: the store opens after
every kill, with the declared schema and every row it held (issue 27, finding 4)."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, select

from kills import fast_folder, run_and_kill
from threadline.cli import app
from threadline.store import make_engine, migrate, open_store
from threadline.store import tables as t
from threadline.store.database import alembic_config
from threadline.store.tables import metadata

INIT_KILLS = 120
UPGRADE_KILLS = 80
SEED = 27


def _init(url: str) -> Callable[[Callable[[str], None]], None]:
    def work(_send: Callable[[str], None]) -> None:
        app(["init", "--db", url], standalone_mode=False)

    return work


def _revision(path: Path) -> str | None:
    """The version a store records, read without migrating it (None: none, or no file)."""
    if not path.exists():
        return None
    with sqlite3.connect(path) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def _opens_whole(url: str, imports: int) -> None:
    engine = open_store(url)
    try:
        with engine.connect() as conn:
            assert list(compare_metadata(MigrationContext.configure(conn), metadata)) == []
            assert conn.execute(select(func.count()).select_from(t.imports)).scalar_one() == imports
    finally:
        engine.dispose()


def _timed(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@pytest.mark.slow
def test_a_store_opens_after_every_kill_of_init_or_an_upgrade(tmp_path: Path) -> None:
    with fast_folder(tmp_path) as folder:
        _kill_init_and_upgrades(folder)


def _kill_init_and_upgrades(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    # an upgrade from 0004 to the newest, on a store that holds a row
    template = tmp_path / "at-0004.db"
    engine = make_engine(f"sqlite:///{template}")
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            insert(t.imports).values(started_at=datetime(2026, 1, 1, tzinfo=UTC), files=[])
        )
    engine.dispose()

    init_takes = _timed(lambda: _init(f"sqlite:///{tmp_path}/timing.db")(print))
    shutil.copy(template, tmp_path / "timing-upgrade.db")
    upgrade_takes = _timed(lambda: _init(f"sqlite:///{tmp_path}/timing-upgrade.db")(print))

    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    killed, part_way = 0, 0
    for attempt in range(INIT_KILLS + UPGRADE_KILLS):
        path = tmp_path / f"store-{attempt}.db"
        upgrade = attempt >= INIT_KILLS
        if upgrade:
            shutil.copy(template, path)
        url = f"sqlite:///{path}"
        for _ in range(rng.choice([1, 1, 2])):  # sometimes the next start is killed too
            takes = upgrade_takes if upgrade else init_takes
            outcome = run_and_kill(_init(url), rng.uniform(0, takes * 1.2))
            killed += outcome.killed
        revision = _revision(path)
        part_way += not upgrade and revision not in (None, head)  # between two migrations
        _opens_whole(url, imports=1 if upgrade else 0)
        for leftover in tmp_path.glob(f"store-{attempt}.db*"):
            leftover.unlink()
    assert killed >= (INIT_KILLS + UPGRADE_KILLS) // 2, killed  # most kills landed in the work
    assert part_way >= 10, part_way  # and some between two migrations
