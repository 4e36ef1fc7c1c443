from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, delete, select, update

from threadline.guard import Anchor, head, read_log, record, verify
from threadline.guard.audit import GENESIS_HASH, row_hash
from threadline.store.tables import audit_log


def write(engine: Engine, n: int, start: datetime, user: str = "ann") -> None:
    for i in range(n):
        with engine.begin() as conn:
            record(
                conn,
                user,
                "analyst",
                "person.view",
                [f"person:P-{i}"],
                "checking a linked incident",
                {"found": True, "n": i, "note": "Pénzance"},
                start + timedelta(minutes=i),
            )


@pytest.fixture
def start() -> datetime:
    return datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_rows_are_chained_from_64_zeros(engine: Engine, start: datetime) -> None:
    write(engine, 3, start)
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).all()
    assert [r.id for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[2].hash == row_hash(
        id=3,
        at=start + timedelta(minutes=2),
        user="ann",
        role="analyst",
        action="person.view",
        records=["person:P-2"],
        purpose="checking a linked incident",
        detail={"found": True, "n": 2, "note": "Pénzance"},
        prev_hash=rows[1].hash,
    )
    result = verify(engine)
    assert result.ok and result.rows_checked == 3 and result.first_bad_row_id is None


def test_empty_log_verifies(engine: Engine) -> None:
    result = verify(engine)
    assert result.ok and result.rows_checked == 0


def test_time_is_stored_and_hashed_in_utc(engine: Engine) -> None:
    cet = timezone(timedelta(hours=1))
    with engine.begin() as conn:
        entry = record(
            conn,
            "ann",
            "analyst",
            "audit.read",
            [],
            None,
            None,
            datetime(2026, 3, 1, 10, tzinfo=cet),
        )
    assert entry.at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert read_log(engine)[0].at == entry.at
    assert verify(engine).ok
    with engine.begin() as conn, pytest.raises(ValueError, match="no time zone"):
        record(conn, "ann", "analyst", "audit.read", [], None, None, datetime(2026, 3, 1))


def test_edited_content_is_named(engine: Engine, start: datetime) -> None:
    write(engine, 5, start)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 3).values(purpose="routine"))
    result = verify(engine)
    assert not result.ok
    assert result.first_bad_row_id == 3
    assert result.reason == "audit row 3: hash does not match its content (edited?)"


def test_edited_records_list_is_named(engine: Engine, start: datetime) -> None:
    write(engine, 3, start)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(records=["person:P-99"]))
    assert verify(engine).first_bad_row_id == 2


def test_edited_row_with_recomputed_hash_breaks_the_next_link(
    engine: Engine, start: datetime
) -> None:
    write(engine, 4, start)
    with engine.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.id == 2)).one()
    forged = row_hash(
        id=2,
        at=row.at,
        user="someone.else",
        role=row.role,
        action=row.action,
        records=row.records,
        purpose=row.purpose,
        detail=row.detail,
        prev_hash=row.prev_hash,
    )
    with engine.begin() as conn:
        conn.execute(
            update(audit_log).where(audit_log.c.id == 2).values(user="someone.else", hash=forged)
        )
    result = verify(engine)
    assert result.first_bad_row_id == 3
    assert result.reason == "audit row 3: prev_hash does not match row 2"


def test_changed_prev_hash_is_named(engine: Engine, start: datetime) -> None:
    write(engine, 3, start)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 1).values(prev_hash="f" * 64))
    result = verify(engine)
    assert result.first_bad_row_id == 1
    assert result.reason == "audit row 1: prev_hash does not match the start of the log"


def test_deleted_row_is_named_even_if_the_chain_was_mended(engine: Engine, start: datetime) -> None:
    write(engine, 5, start)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 3))
    result = verify(engine)
    assert result.first_bad_row_id == 4
    assert result.reason == "audit row 4: row 3 missing (deleted?)"
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id <= 2))
    result = verify(engine)
    assert result.first_bad_row_id == 4
    assert result.reason == "audit row 4: rows 1-3 missing (deleted?)"


def test_truncated_tail_is_found_with_an_anchor(engine: Engine, start: datetime) -> None:
    write(engine, 4, start)
    anchor = head(engine)
    assert anchor == Anchor(4, read_log(engine, limit=1)[0].hash)
    write(engine, 1, start + timedelta(hours=1))
    assert verify(engine, anchor).ok
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id >= 4))
    assert verify(engine).ok, "without an anchor a cut tail looks like a shorter log"
    result = verify(engine, anchor)
    assert not result.ok and result.first_bad_row_id == 4
    assert "truncated" in result.reason


def test_read_log_filters_newest_first(engine: Engine, start: datetime) -> None:
    write(engine, 3, start, user="ann")
    write(engine, 2, start + timedelta(hours=1), user="ben")
    assert [e.id for e in read_log(engine)] == [5, 4, 3, 2, 1]
    assert [e.user for e in read_log(engine, user="ben")] == ["ben", "ben"]
    assert [e.id for e in read_log(engine, since=start + timedelta(minutes=1))] == [5, 4, 3, 2]
    assert [e.id for e in read_log(engine, limit=2)] == [5, 4]
    assert read_log(engine, action="audit.read") == []


def test_concurrent_writers_do_not_fork_the_chain(engine: Engine, start: datetime) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def writer(name: str) -> None:
        try:
            barrier.wait()
            write(engine, 15, start, user=name)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"user{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(engine)
    assert result.ok and result.rows_checked == 45


def test_the_log_is_read_by_record_purpose_and_time_on_both_stores(engine: Engine) -> None:
    """The filters of the auditor's page, in SQL on SQLite and PostgreSQL alike: a record named
    exactly (not by a prefix, with ``_`` and ``%`` as themselves, and a reference in any script),
    words of the purpose in any case, a half-open time range."""
    at = datetime(2026, 3, 1, 9, tzinfo=UTC)
    rows = [
        (["person:P1"], "Call back on INC-1", 0),
        (["person:P10", "incident-ref:ÉTÉ/2026_1"], "research", 1),
        (["person:P_1"], "100% sure", 2),
        (["person:P1", "incident-ref:ÉTÉ/2026_1"], None, 3),
    ]
    for records, purpose, hours in rows:
        with engine.begin() as conn:
            record(conn, "ann", "officer", "person.view", records, purpose, None,
                   at + timedelta(hours=hours))  # fmt: skip

    def ids(**where: object) -> list[int]:
        return [r.id for r in read_log(engine, limit=100, **where)]  # type: ignore[arg-type]

    assert ids(record="person:P1") == [4, 1]
    assert ids(record="person:P_1") == [3]
    assert ids(record="incident-ref:ÉTÉ/2026_1") == [4, 2]
    assert ids(purpose="inc-1") == [1]
    assert ids(purpose="100%") == [3] and ids(purpose="0%") == [3] and ids(purpose="_") == []
    assert ids(since=at + timedelta(hours=1), until=at + timedelta(hours=3)) == [3, 2]
