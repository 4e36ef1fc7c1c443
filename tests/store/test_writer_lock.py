"""Writers of one SQLite file queue across processes (``threadline serve --workers 2``)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from threadline.store import open_store
from threadline.store.database import writing

HOLDER = """
import sys, time
from pathlib import Path
import pytest
from sqlalchemy import text
from threadline.store import open_store
from threadline.store.database import writing

engine = open_store(sys.argv[1])
with writing(engine) as conn:
    conn.execute(text("CREATE TABLE IF NOT EXISTS probe (at REAL)"))
    Path(sys.argv[2]).touch()
    time.sleep(float(sys.argv[3]))
    conn.execute(text("INSERT INTO probe VALUES (:at)"), {"at": time.time()})
"""


def test_a_writer_in_another_process_waits_its_turn_and_then_goes_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/store.db"
    engine = open_store(url)
    started = tmp_path / "started"
    other = subprocess.Popen([sys.executable, "-c", HOLDER, url, str(started), "1.0"])
    deadline = time.monotonic() + 60
    while not started.exists():
        assert time.monotonic() < deadline and other.poll() is None, "the holder did not start"
        time.sleep(0.01)
    probe = os.open(tmp_path / "store.db.writers", os.O_RDWR)
    with pytest.raises(BlockingIOError):  # the other process holds the writers' lock
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(probe)
    asked = time.time()
    with writing(engine) as conn:
        got = time.time()
        (held_until,) = conn.execute(text("SELECT at FROM probe")).one()
    assert other.wait(timeout=30) == 0
    assert got - asked > 0.5  # it waited for the other writer's commit
    assert 0 <= got - held_until < 0.25
