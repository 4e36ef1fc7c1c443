"""Importing communications evidence: read each file, store its messages under one incident or
victim in batches, report what was stored, what was already there and what was refused.

Each batch is one transaction (as :mod:`threadline.ingest.importer`): a batch acknowledged is
committed, and a kill mid-batch leaves nothing of that batch behind; importing the same file again
stores only what was not stored before (:func:`threadline.store.comms.store_communications`
ignores a content hash already stored under the attachment), so a killed import is finished by
running it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, update

from threadline.ingest.comms import DEFAULT_OPTIONS, ReadOptions, read_comms
from threadline.ingest.importer import start_import
from threadline.ingest.rejection import Rejection
from threadline.model.comms import Communication
from threadline.store import tables as t
from threadline.store.comms import store_communications
from threadline.store.database import writing

#: Messages per transaction.
BATCH_SIZE = 5000


@dataclass
class CommsImportReport:
    import_id: int
    attachment: str
    read: int = 0
    stored: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    batches: int = 0

    @property
    def duplicates(self) -> int:
        """Messages read that were already stored under the attachment (or twice in the files)."""
        return self.read - self.stored

    @property
    def refused(self) -> int:
        return len({(r.file, r.line) for r in self.rejections})


def _now() -> datetime:
    return datetime.now(UTC)


def import_comms(
    engine: Engine,
    paths: Iterable[Path],
    attachment: str,
    *,
    options: ReadOptions = DEFAULT_OPTIONS,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int, int], None] | None = None,
    clock: Callable[[], datetime] = _now,
) -> CommsImportReport:
    """Store every communication read from ``paths`` under ``attachment`` (an incident's record
    key, ``person:<entity id>`` or a mention key) as one import run.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` for a file of no known
    type, before anything is stored. ``on_batch(batch, stored)`` is called once a batch commits.
    """
    paths = list(paths)
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        read_comms(path, options)  # refuses an unknown file type now (the reader is lazy)
    with writing(engine) as conn:
        import_id = start_import(conn, [str(p) for p in paths], clock())
    report = CommsImportReport(import_id=import_id, attachment=attachment)
    batch: list[Communication] = []

    def flush() -> None:
        nonlocal batch
        with writing(engine) as conn:
            stored = store_communications(conn, attachment, import_id, batch)
            report.stored += stored
            report.read += len(batch)
            report.batches += 1
            conn.execute(
                update(t.imports)
                .where(t.imports.c.id == import_id)
                .values(
                    stored=report.stored,
                    unchanged=report.duplicates,
                    rejected=report.refused,
                    batches=report.batches,
                )
            )
        if on_batch is not None:  # committed: acknowledged
            on_batch(report.batches, stored)
        batch = []

    for path in paths:
        for item in read_comms(path, options):
            if isinstance(item, Rejection):
                report.rejections.append(item)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
    flush()
    with writing(engine) as conn:
        conn.execute(
            update(t.imports).where(t.imports.c.id == import_id).values(finished_at=clock())
        )
    return report
