"""Bulk import: read files, validate every record, write good ones in batches, report the rest.

Each batch is one transaction, committed before the next is read: an acknowledged batch survives
a crash, and a crash mid-batch leaves nothing of that batch behind. Rejected records are reported
with file, line and field and never stop the good records around them.

Every write takes the writers' turn (:func:`threadline.store.writing`), as a submission does: a
batch keeps facts computed from what is stored (each incident's first DASH, its victim and
suspect), and written beside a submission part way through, it would compute them without the
submission's rows (on PostgreSQL it kept a later first DASH than the submission's). Statistics
are refreshed after the last batch, outside the turn.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, update

from threadline.ingest.readers import RawRecord, parsed, read_file
from threadline.ingest.rejection import Rejection
from threadline.model import RecordError, RiskAssessment, parse_record
from threadline.risk.validation import checklist_problems
from threadline.store import tables as t
from threadline.store.database import analyse, writing
from threadline.store.records import BatchCounts, Prepared, prepare, write_prepared
from threadline.store.rows import Binder, sqlite_binder
from threadline.store.writers import binds_for

#: Files larger than this are prepared in worker processes (one per core) while the main
#: process writes; smaller ones are not worth starting the workers for.
PARALLEL_FROM_BYTES = 4_000_000
#: Records handed to a worker at a time (250 measured slower than 1,000: more hand-offs).
PREPARE_CHUNK = 1000


@dataclass
class ImportReport:
    import_id: int
    counts: BatchCounts = field(default_factory=BatchCounts)
    rejections: list[Rejection] = field(default_factory=list)
    batches: int = 0

    @property
    def rejected(self) -> int:
        return len({(r.file, r.line) for r in self.rejections})

    @property
    def ok(self) -> bool:
        return not self.rejections


def start_import(conn: Connection, files: list[str], at: datetime) -> int:
    """Log an import of ``files`` begun ``at``, nothing counted yet; its id."""
    result = conn.execute(
        insert(t.imports).values(
            started_at=at, files=files, stored=0, updated=0, unchanged=0, rejected=0, batches=0
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _now() -> datetime:
    return datetime.now(UTC)


def rejections_of(raw: RawRecord, error: RecordError) -> list[Rejection]:
    columns = raw.columns or {}
    return [
        Rejection(raw.file, raw.line, columns.get(p.field, p.field), p.reason, error.ref)
        for p in error.problems
    ]


ProgressCallback = Callable[[int], None]


Prepared_ = tuple[int, Prepared | list[Rejection]]


def prepare_raw(raw: RawRecord, binder: Binder | None = None) -> Prepared | list[Rejection]:
    """Validate one raw record and turn it into rows, or say why it cannot be stored.

    With ``binder``, the rows come bound for its dialect's driver (see :func:`prepare`).
    """
    raw = parsed(raw)
    if raw.error is not None:
        return rejections_of(raw, raw.error)
    try:
        record = parse_record(raw.data)
        problems = checklist_problems(record) if isinstance(record, RiskAssessment) else []
        if problems:
            raise RecordError(problems, record.ref)
        return prepare(record, binder)
    except RecordError as error:
        return rejections_of(raw, error)


def _binder(bind: str | None) -> Binder | None:
    if bind is None:
        return None
    if bind != "sqlite":
        raise ValueError(f"workers cannot bind rows for {bind}")
    return sqlite_binder()


def prepare_chunk(raws: list[RawRecord], bind: str | None = None) -> list[Prepared_]:
    """Prepare ``raws`` (in a worker process); ``bind`` names the dialect to bind rows for."""
    binder = _binder(bind)
    return [(raw.offset, prepare_raw(raw, binder)) for raw in raws]


def prepared_stream(
    raws: Iterable[RawRecord], workers: int, chunk: int, bind: str | None = None
) -> Iterator[Prepared_]:
    """Prepared records in input order; with ``workers`` > 1, prepared by worker processes,
    which bind the rows for the dialect ``bind`` names, if any."""
    if workers <= 1:
        for raw in raws:
            yield raw.offset, prepare_raw(raw)
        return
    iterator = iter(raws)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[list[Prepared_]]] = deque()
        while True:
            block = list(islice(iterator, chunk))
            if block:
                pending.append(pool.submit(prepare_chunk, block, bind))
            if pending and (not block or len(pending) > workers * 2):
                yield from pending.popleft().result()
            if not block and not pending:
                return


def import_records(
    engine: Engine,
    raws: Iterable[RawRecord],
    *,
    files: list[str],
    batch_size: int = 1000,
    workers: int = 0,
    progress: ProgressCallback | None = None,
    on_batch: Callable[[int, BatchCounts], None] | None = None,
    clock: Callable[[], datetime] = _now,
) -> ImportReport:
    """Validate and store ``raws`` in batches of ``batch_size``; return counts and rejections.

    ``workers`` > 1 validates and normalises in that many processes while this one writes.
    Each batch is written in the writers' turn (see the module docstring).
    """
    with writing(engine) as conn:
        import_id = start_import(conn, files, clock())
    report = ImportReport(import_id=import_id)
    batch: list[Prepared] = []
    keys: set[str] = set()
    rejected_in_batch = 0

    def flush() -> None:
        nonlocal batch, keys, rejected_in_batch
        with writing(engine) as conn:
            counts = write_prepared(conn, batch, clock(), import_id) if batch else BatchCounts()
            report.counts.add(counts)
            report.batches += 1
            conn.execute(
                update(t.imports)
                .where(t.imports.c.id == import_id)
                .values(
                    stored=report.counts.stored,
                    updated=report.counts.updated,
                    unchanged=report.counts.unchanged,
                    rejected=report.rejected,
                    batches=report.batches,
                )
            )
        if on_batch is not None:  # the batch is committed: acknowledged
            on_batch(report.batches, counts)
        batch, keys, rejected_in_batch = [], set(), 0

    chunk = min(batch_size, PREPARE_CHUNK)
    for offset, item in prepared_stream(raws, workers, chunk, binds_for(engine.dialect)):
        if progress is not None:
            progress(offset)
        if isinstance(item, list):
            report.rejections.extend(item)
            rejected_in_batch += 1
            continue
        if item.key in keys:  # the same record twice in one batch: the later is an update
            flush()
        batch.append(item)
        keys.add(item.key)
        if len(batch) >= batch_size:
            flush()
    if batch or rejected_in_batch or report.batches == 0:
        flush()
    with writing(engine) as conn:
        conn.execute(
            update(t.imports).where(t.imports.c.id == import_id).values(finished_at=clock())
        )
    with engine.begin() as conn:  # ANALYZE holds up no writer: not in the turn
        analyse(conn)
    return report


def import_files(
    engine: Engine,
    paths: Iterable[Path],
    *,
    batch_size: int = 1000,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    on_batch: Callable[[int, BatchCounts], None] | None = None,
    clock: Callable[[], datetime] = _now,
) -> ImportReport:
    """Import every file in ``paths`` (JSON Lines or CSV) into the store as one import run.

    ``workers`` defaults to one per core for large imports and none for small ones.
    """
    paths = list(paths)
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
    done_before = 0

    def raws() -> Iterable[RawRecord]:
        nonlocal done_before
        for path in paths:
            yield from read_file(path, parse=False)  # read in prepare_raw (by a worker)
            done_before += path.stat().st_size

    total = sum(path.stat().st_size for path in paths)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_FROM_BYTES else 0

    def on_record(offset: int) -> None:
        if progress is not None:
            progress("import", done_before + offset, total)

    return import_records(
        engine,
        raws(),
        files=[str(p) for p in paths],
        batch_size=batch_size,
        workers=workers,
        progress=on_record,
        on_batch=on_batch,
        clock=clock,
    )
