"""A process killed (SIGKILL) mid-import leaves a consistent store with every acknowledged batch."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from factories import incident
from kills import fast_folder, run_and_kill
from threadline.ingest import import_files
from threadline.store import make_engine, open_store
from threadline.store import tables as t

BATCH = 200
IMPORTER = """
import sys
from pathlib import Path
from threadline.ingest import import_files
from threadline.store import open_store

engine = open_store(sys.argv[1])
import_files(engine, [Path(sys.argv[2])], batch_size=int(sys.argv[3]),
             on_batch=lambda n, counts: print(f"ACK {n}", flush=True))
print("DONE", flush=True)
"""


def test_sigkill_mid_import_keeps_every_acknowledged_batch(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "incidents.jsonl"
    with path.open("w") as handle:
        for i in range(40_000):
            handle.write(json.dumps(incident(f"INC-{i:06d}")) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, store_url, str(path), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes its parse workers too
    )
    assert process.stdout is not None
    acknowledged = 0
    for line in process.stdout:
        if line.startswith("ACK"):
            acknowledged = int(line.split()[1])
        if acknowledged >= 5 or line.startswith("DONE"):
            break
    os.killpg(process.pid, signal.SIGKILL)  # the whole importer, as a crash of the machine would
    process.wait()
    assert acknowledged >= 5, "the importer finished before it could be killed"

    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(t.incidents)).scalar_one()
        people = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
        counted = conn.execute(select(t.imports.c.stored)).scalar_one()
    assert stored >= acknowledged * BATCH  # nothing acknowledged was lost
    assert stored < 40_000  # it really was killed part way
    assert stored % BATCH == 0  # no half-written batch
    assert people == 2 * stored  # every stored incident has all its people
    assert counted == stored  # the import's own count agrees with what is there


# --- 200 kills: every acknowledged record kept, none twice (issue 27) -----------------------------

KILLS = 200
RECORDS = 400
SMALL_BATCH = 25
SEED = 27


def _importing(url: str, path: Path) -> Callable[[Callable[[str], None]], None]:
    def work(send: Callable[[str], None]) -> None:
        engine = open_store(url)
        import_files(
            engine, [path], batch_size=SMALL_BATCH, on_batch=lambda n, _counts: send(f"ACK {n}")
        )
        send("DONE")

    return work


def _acknowledged(output: str) -> int:
    """Records the run reported committed: whole batches, in file order."""
    batches = [int(line.split()[1]) for line in output.splitlines() if line.startswith("ACK")]
    return max(batches, default=0) * SMALL_BATCH


def _check(url: str, refs: list[str], acknowledged: int) -> int:
    """The store holds a whole-batch prefix of the file covering every acknowledged record,
    each once with both its people: how many records it holds."""
    _settled(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = list(conn.execute(select(t.incidents.c.ref)).scalars())
            people = conn.execute(select(func.count()).select_from(t.mentions)).scalar_one()
    except OperationalError:  # SQLite: killed before it made the first table
        stored, people = [], 0
    except ProgrammingError:  # PostgreSQL: the same
        stored, people = [], 0
    finally:
        engine.dispose()
    assert len(stored) == len(set(stored)), "a record stored twice"
    assert sorted(stored) == refs[: len(stored)], "not a prefix of the file"
    assert len(stored) % SMALL_BATCH == 0, "half a batch"
    assert len(stored) >= acknowledged, f"lost: {acknowledged} acknowledged, {len(stored)} stored"
    assert people == 2 * len(stored)
    return len(stored)


def _fresh(store_url: str, folder: Path, cycle: int) -> str:
    """An empty store for the next round: a new SQLite file, or PostgreSQL's tables emptied
    (once the server has ended the sessions of killed importers: a session whose client died
    mid-statement runs on until the statement ends)."""
    if store_url.startswith("sqlite"):
        # made and migrated here, as PostgreSQL's schema is kept between rounds: the kills fall
        # on the import (test_migration_kills kills migrations), not mostly on the schema's making
        url = f"sqlite:///{folder}/store-{cycle}.db"
        open_store(url).dispose()
        return url
    url = store_url  # its sessions carry the schema's name (tests/conftest.py), ended at teardown
    _settled(url)
    engine = make_engine(url)
    names = [table.name for table in t.metadata.sorted_tables]
    with engine.connect() as conn:
        if inspect(conn).has_table("imports"):
            conn.exec_driver_sql(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
        conn.commit()
    engine.dispose()
    return url


def _settled(url: str) -> None:
    """Wait until the sessions of killed importers have ended (PostgreSQL): a session whose
    client died mid-statement runs on until the statement ends, and a COMMIT the client sent
    before it died still commits, so the store is read as the importer left it only then."""
    if url.startswith("sqlite"):
        return
    application = parse_qs(urlsplit(url).query)["application_name"][0]
    engine = make_engine(url)
    others = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = :name AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 60
    with engine.connect() as conn:
        while conn.execute(others, {"name": application}).scalar_one():
            assert time.monotonic() < deadline, "a killed importer's session did not end"
            conn.rollback()
            time.sleep(0.05)
    engine.dispose()


@pytest.mark.slow
def test_200_kills_lose_no_acknowledged_record_and_store_none_twice(
    store_url: str, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    refs = [f"INC-{i:05d}" for i in range(RECORDS)]
    with fast_folder(tmp_path) as folder:
        path = folder / "incidents.jsonl"
        path.write_text("".join(json.dumps(incident(ref)) + "\n" for ref in refs))
        for cycle in range(2):  # a whole run, not killed, timed the second time (warm)
            url = _fresh(store_url, folder, cycle)
            started = time.perf_counter()
            whole = run_and_kill(_importing(url, path), 600)
            takes = time.perf_counter() - started
            assert "DONE" in whole.output and _check(url, refs, RECORDS) == RECORDS
        mid_import = 0
        acknowledged = RECORDS  # the loop starts on an empty store
        kills = 0
        # at least KILLS kills, and more (up to three times as many) until a quarter of them have
        # fallen between batches: where a kill lands depends on the machine's load, the test's
        # point does not
        while kills < KILLS or (mid_import < KILLS // 4 and kills < 3 * KILLS):
            kills += 1
            if acknowledged == RECORDS:  # done: start again on an empty store
                cycle += 1
                url = _fresh(store_url, folder, cycle)
                acknowledged = 0
            outcome = run_and_kill(_importing(url, path), rng.uniform(0, takes))
            acknowledged = max(acknowledged, _acknowledged(outcome.output))
            if "DONE" in outcome.output:
                acknowledged = RECORDS
            mid_import += outcome.killed and "ACK" in outcome.output
            stored = _check(url, refs, acknowledged)
            if outcome.killed and stored == RECORDS:
                acknowledged = RECORDS  # killed after the last batch: nothing left to do
    assert mid_import >= KILLS // 4, mid_import  # a good share were killed between batches
    assert cycle >= 5, cycle  # and imports were seen through to the end, over and over
