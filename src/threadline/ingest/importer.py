"""Bulk import: read files, validate every record, write good ones in batches, report the rest.

Each batch is one transaction, committed before the next is read: an acknowledged batch survives
a crash, and a crash mid-batch leaves nothing of that batch behind. Rejected records are reported
with file, line and field and never stop the good records around them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, update

from threadline.ingest.readers import RawRecord, read_file
from threadline.model import Record, RecordError, parse_record
from threadline.store import tables as t
from threadline.store.records import BatchCounts, record_key, write_batch


@dataclass(frozen=True)
class Rejection:
    """One record that was not stored, and why: ``incidents.jsonl:812: people[1].dob: ...``."""

    file: str
    line: int
    field: str
    reason: str
    ref: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


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


def _now() -> datetime:
    return datetime.now(UTC)


def rejections_of(raw: RawRecord, error: RecordError) -> list[Rejection]:
    columns = raw.columns or {}
    return [
        Rejection(raw.file, raw.line, columns.get(p.field, p.field), p.reason, error.ref)
        for p in error.problems
    ]


ProgressCallback = Callable[[int], None]


def import_records(
    engine: Engine,
    raws: Iterable[RawRecord],
    *,
    files: list[str],
    batch_size: int = 1000,
    progress: ProgressCallback | None = None,
    on_batch: Callable[[int, BatchCounts], None] | None = None,
    clock: Callable[[], datetime] = _now,
) -> ImportReport:
    """Validate and store ``raws`` in batches of ``batch_size``; return counts and rejections."""
    with engine.begin() as conn:
        result = conn.execute(
            insert(t.imports).values(
                started_at=clock(),
                files=files,
                stored=0,
                updated=0,
                unchanged=0,
                rejected=0,
                batches=0,
            )
        )
        import_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    report = ImportReport(import_id=import_id)
    batch: list[Record] = []
    keys: set[str] = set()
    rejected_in_batch = 0

    def flush() -> None:
        nonlocal batch, keys, rejected_in_batch
        with engine.begin() as conn:
            counts = write_batch(conn, batch, clock(), import_id) if batch else BatchCounts()
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

    for raw in raws:
        if progress is not None:
            progress(raw.offset)
        if raw.error is not None:
            report.rejections.extend(rejections_of(raw, raw.error))
            rejected_in_batch += 1
            continue
        try:
            record = parse_record(raw.data)
        except RecordError as error:
            report.rejections.extend(rejections_of(raw, error))
            rejected_in_batch += 1
            continue
        key = record_key(record)
        if key in keys:  # the same record twice in one batch: the later is an update
            flush()
        batch.append(record)
        keys.add(key)
        if len(batch) >= batch_size:
            flush()
    if batch or rejected_in_batch or report.batches == 0:
        flush()
    with engine.begin() as conn:
        conn.execute(
            update(t.imports).where(t.imports.c.id == import_id).values(finished_at=clock())
        )
    return report


def import_files(
    engine: Engine,
    paths: Iterable[Path],
    *,
    batch_size: int = 1000,
    progress: Callable[[str, int, int], None] | None = None,
    on_batch: Callable[[int, BatchCounts], None] | None = None,
    clock: Callable[[], datetime] = _now,
) -> ImportReport:
    """Import every file in ``paths`` (JSON Lines or CSV) into the store as one import run."""
    paths = list(paths)
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
    done_before = 0

    def raws() -> Iterable[RawRecord]:
        nonlocal done_before
        for path in paths:
            yield from read_file(path)
            done_before += path.stat().st_size

    total = sum(path.stat().st_size for path in paths)

    def on_record(offset: int) -> None:
        if progress is not None:
            progress("import", done_before + offset, total)

    return import_records(
        engine,
        raws(),
        files=[str(p) for p in paths],
        batch_size=batch_size,
        progress=on_record,
        on_batch=on_batch,
        clock=clock,
    )
