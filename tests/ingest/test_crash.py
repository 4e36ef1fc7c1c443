"""A process killed (SIGKILL) mid-import leaves a consistent store with every acknowledged batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from factories import incident
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
