"""The audit tamper suite: every way of changing the log behind the application's back, each
detected against a head noted before (``threadline audit head``), on SQLite and PostgreSQL.

An attacker here can write the store directly (a database administrator, a stolen backup being
restored) but not the head or the anchor file kept elsewhere. The tampers: edit a row, delete one,
reorder two, retype a field (the wrong JSON type), cut the tail, delete every row, re-chain (edit a
row and recompute every hash after it), and cut the tail then append fresh, well-chained rows.
The last four cannot be seen from the chain alone, only against a head.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, text, update

from threadline.guard.audit import (
    Anchor,
    AnchorFile,
    head,
    load_anchors,
    read_log,
    record,
    row_hash,
    verify,
)
from threadline.store.tables import audit_log

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ROWS = 8


def write(
    engine: Engine, n: int, start: datetime = START, anchors: AnchorFile | None = None
) -> None:
    """``n`` audit rows, one transaction each; every third an ``audit.read`` with no records."""
    for i in range(n):
        reading = i % 3 == 2
        with engine.begin() as conn:
            record(
                conn,
                "ann" if i % 2 else "ben",
                "analyst",
                "audit.read" if reading else "person.view",
                [] if reading else [f"person:P-{i}"],
                None if reading else "INC-0042 follow-up",
                {"rows": i} if reading else {"found": True},
                start + timedelta(minutes=i),
                client=f"192.0.2.{i % 250}",
                anchors=anchors,
            )


def rechain_from(engine: Engine, first: int) -> None:
    """Recompute the hash of row ``first`` and of every row after it, as a careful attacker
    would after editing or removing rows: the chain alone is then intact again."""
    with engine.begin() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).all()
        previous = rows[first - 2].hash if first > 1 else "0" * 64
        for row in rows[first - 1 :]:
            digest = row_hash(
                id=row.id, at=row.at, user=row.user, role=row.role, action=row.action,
                records=row.records, purpose=row.purpose, detail=row.detail,
                prev_hash=previous, client=row.client,
            )  # fmt: skip
            conn.execute(
                update(audit_log)
                .where(audit_log.c.id == row.id)
                .values(prev_hash=previous, hash=digest)
            )
            previous = digest


def edit(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 4).values(user="someone.else"))


def delete_one(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 5))


def reorder(engine: Engine) -> None:
    """Rows 2 and 3 swap places: each keeps its hash but takes the other's id."""
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(id=-2))
        conn.execute(update(audit_log).where(audit_log.c.id == 3).values(id=2))
        conn.execute(update(audit_log).where(audit_log.c.id == -2).values(id=3))


def retype(engine: Engine) -> None:
    """Row 3 (an ``audit.read``, records ``[]``) gets records ``{}``: read as ``[]`` before."""
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 3).values(records={}))


def truncate_tail(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id > ROWS - 3))


def delete_all(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(audit_log))


def rechain(engine: Engine) -> None:
    """Row 2's purpose rewritten, and the chain mended from there on."""
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(purpose="routine"))
    rechain_from(engine, 2)


def truncate_and_append(engine: Engine) -> None:
    """The last three rows cut, and three new ones appended through the library, well chained."""
    truncate_tail(engine)
    write(engine, 3, START + timedelta(days=1))


TAMPERS: dict[str, Callable[[Engine], None]] = {
    "edit": edit,
    "delete": delete_one,
    "reorder": reorder,
    "retype": retype,
    "truncate tail": truncate_tail,
    "delete all": delete_all,
    "re-chain": rechain,
    "truncate and append": truncate_and_append,
}

#: What the chain alone cannot see (the head is needed).
NEEDS_HEAD = {"truncate tail", "delete all", "re-chain", "truncate and append"}


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_every_tamper_is_detected_against_a_head(engine: Engine, tamper: str) -> None:
    write(engine, ROWS)
    noted = head(engine)
    assert noted is not None and noted.rows == ROWS
    assert verify(engine, noted).ok
    TAMPERS[tamper](engine)
    result = verify(engine, noted)
    assert not result.ok, f"{tamper} passed verification: {result.reason}"
    assert result.first_bad_row_id is not None and result.reason.startswith("audit row")
    alone = verify(engine)
    assert alone.ok == (tamper in NEEDS_HEAD), "the chain alone sees exactly the others"


def test_the_findings_per_tamper_name_what_happened(engine: Engine) -> None:
    write(engine, ROWS)
    noted = head(engine)
    delete_all(engine)
    assert verify(engine).reason == "the audit log is empty", "unanchored, an empty log passes"
    result = verify(engine, noted)
    assert result.rows_checked == 0 and result.first_bad_row_id == ROWS
    assert result.reason == (
        f"audit row {ROWS}: the anchored row is gone (log truncated?): the anchor noted "
        f"{ROWS} rows, the log has 0"
    )
    write(engine, ROWS, START + timedelta(seconds=1))  # as many rows again: same ids, new hashes
    assert verify(engine).ok
    result = verify(engine, noted)
    assert "hash differs from the anchor" in result.reason


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("records", {}, "records is an object, not a list of text"),
        ("records", "person:P-1", "records is text, not a list of text"),
        ("records", 0, "records is a number, not a list of text"),
        ("records", [1, 2], "records is a list holding something other than text"),
        ("records", None, "records is null, not a list of text"),
        ("detail", [1], "detail is a list, not an object"),
        ("detail", "found", "detail is text, not an object"),
    ],
)
def test_a_field_of_the_wrong_type_is_a_finding_not_a_default(
    engine: Engine, column: str, value: object, problem: str
) -> None:
    write(engine, 4)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 3).values({column: value}))
    result = verify(engine)
    assert not result.ok and result.first_bad_row_id == 3
    assert result.reason == f"audit row 3: {problem} (tampered?)"
    with pytest.raises(ValueError, match=f"audit row 3: {problem}"):
        read_log(engine)


@pytest.mark.parametrize(
    ("column", "sql_value", "problem"),
    [
        ("at", "12345", "at is a number, not a time"),
        ("at", "'last Tuesday'", "at is 'last Tuesday', not a time"),
        ("records", "'[\"person:P-1\"'", "records is not valid JSON"),
        ("records", "'NaN'", "records is not valid JSON"),
        ("user", "x'00ff'", "user is bytes, not text"),
        ("hash", "'abc'", "hash is not 64 hexadecimal digits"),
    ],
)
def test_sqlite_values_no_column_type_would_hold_are_findings(
    sqlite_url: str, column: str, sql_value: str, problem: str
) -> None:
    """SQLite keeps whatever is written into a column: a number for a time, broken JSON."""
    from threadline.store import open_store

    engine = open_store(sqlite_url)
    write(engine, 3)
    with engine.begin() as conn:
        conn.execute(text(f'UPDATE audit_log SET "{column}" = {sql_value} WHERE id = 2'))
    result = verify(engine)
    assert (result.ok, result.first_bad_row_id) == (False, 2)
    assert result.reason == f"audit row 2: {problem} (tampered?)"
    engine.dispose()


def test_the_anchor_file_catches_a_cut_without_any_head_saved_by_hand(
    engine: Engine, tmp_path: Path
) -> None:
    anchors = AnchorFile(tmp_path / "anchors.jsonl", every=5)
    write(engine, 12, anchors=anchors)
    noted = load_anchors(anchors.path)
    assert [a.rows for a in noted] == [5, 10], "the committed head every 5 rows"
    assert verify(engine, noted).ok
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id > 9))
    write(engine, 3, START + timedelta(days=1))  # back to 12 rows, well chained
    assert verify(engine).ok
    result = verify(engine, load_anchors(anchors.path))
    assert not result.ok and result.first_bad_row_id == 10


def test_an_anchor_never_names_a_row_that_was_rolled_back(engine: Engine, tmp_path: Path) -> None:
    """Rows of a transaction that is not yet committed are never anchored: the anchor is of the
    committed head, so a rollback cannot make a genuine log fail verification."""
    anchors = AnchorFile(tmp_path / "anchors.jsonl", every=2)
    write(engine, 1, anchors=anchors)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        for i in range(4):  # rows 2-5 in one transaction, which then fails
            record(conn, "ann", "analyst", "person.view", ["person:P-1"], "INC-1", None,
                   START + timedelta(hours=1, minutes=i), anchors=anchors)  # fmt: skip
        raise RuntimeError("the change this audit row describes failed")
    assert load_anchors(anchors.path) == []
    write(engine, 3, START + timedelta(days=1), anchors=anchors)
    assert [a.rows for a in load_anchors(anchors.path)] == [2]
    assert verify(engine, load_anchors(anchors.path)).ok


def test_a_rewritten_client_address_is_an_edit(engine: Engine) -> None:
    write(engine, 3)
    assert [e.client for e in read_log(engine)] == ["192.0.2.2", "192.0.2.1", "192.0.2.0"]
    for value in ("198.51.100.7", None):
        with engine.begin() as conn:
            conn.execute(update(audit_log).where(audit_log.c.id == 2).values(client=value))
        assert verify(engine).reason == "audit row 2: hash does not match its content (edited?)"


def test_rows_written_before_client_addresses_were_kept_still_verify(sqlite_url: str) -> None:
    """A store at migration 0005 whose rows were hashed without a client; upgraded, it verifies,
    and its new rows carry their address."""
    from threadline.store.database import make_engine, migrate

    engine = make_engine(sqlite_url)
    migrate(engine, "0005")
    previous = "0" * 64
    with engine.begin() as conn:
        for i in (1, 2):
            at = START + timedelta(minutes=i)
            digest = row_hash(
                id=i, at=at, user="ann", role="officer", action="person.view",
                records=[f"person:P-{i}"], purpose="INC-1", detail=None, prev_hash=previous,
            )  # fmt: skip
            conn.execute(
                text(
                    'INSERT INTO audit_log (id, at, "user", role, action, records, purpose, '
                    "detail, prev_hash, hash) VALUES (:id, :at, 'ann', 'officer', "
                    "'person.view', :records, 'INC-1', NULL, :prev, :hash)"
                ),
                {
                    "id": i,
                    "at": at.replace(tzinfo=None).isoformat(" "),
                    "records": f'["person:P-{i}"]',
                    "prev": previous,
                    "hash": digest,
                },
            )
            previous = digest
    migrate(engine)
    assert verify(engine).ok
    write(engine, 1, START + timedelta(hours=1))
    assert verify(engine).ok and verify(engine).rows_checked == 3
    assert read_log(engine)[0].client == "192.0.2.0" and read_log(engine)[1].client is None
    engine.dispose()


def test_anchors_that_disagree_are_refused(engine: Engine) -> None:
    write(engine, 3)
    noted = head(engine)
    assert noted is not None
    forged = Anchor(noted.id, "f" * 64)
    result = verify(engine, [noted, forged])
    assert not result.ok and "disagree" in result.reason
