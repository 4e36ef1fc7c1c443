"""``threadline audit verify`` on a real store: intact, then failing with the edited row named;
against a saved head and the anchor file; ``audit head`` and ``audit anchor``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, update
from typer.testing import CliRunner

from threadline.cli import app
from threadline.guard import record
from threadline.store import open_store
from threadline.store.tables import audit_log

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_audit_verify_passes_an_intact_log_and_fails_naming_an_edited_row(
    store_url: str,
) -> None:
    engine = open_store(store_url)
    for n in range(4):
        with engine.begin() as conn:
            record(
                conn, "ann", "analyst", "person.view", [f"person:P-{n}"],
                "linking INC-1 and INC-2", {"found": True}, START + timedelta(minutes=n),
            )  # fmt: skip
    intact = CliRunner().invoke(app, ["audit", "verify", "--db", store_url])
    assert intact.exit_code == 0, intact.output
    assert "4 rows checked" in intact.output

    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 3).values(purpose="routine"))
    engine.dispose()
    edited = CliRunner().invoke(app, ["audit", "verify", "--db", store_url])
    assert edited.exit_code == 1
    assert "audit row 3: hash does not match its content" in edited.output


def write(url: str, n: int, start: datetime = START) -> None:
    engine = open_store(url)
    for i in range(n):
        with engine.begin() as conn:
            record(conn, "ann", "analyst", "audit.read", [], None, {"rows": i},
                   start + timedelta(minutes=i))  # fmt: skip
    engine.dispose()


def test_audit_verify_head_catches_a_cut_an_emptied_and_a_cut_and_appended_log(
    store_url: str, tmp_path: Path
) -> None:
    """``audit head > FILE`` then ``audit verify --head FILE``: a log cut back, emptied, or cut
    and appended to since fails, though its chain alone is intact."""
    runner = CliRunner()
    write(store_url, 5)
    noted = runner.invoke(app, ["audit", "head", "--db", store_url])
    assert noted.exit_code == 0
    head_file = tmp_path / "head.json"
    head_file.write_text(noted.stdout)
    saved = json.loads(noted.stdout)
    assert saved["rows"] == 5 and len(saved["hash"]) == 64 and saved["at"].endswith("+00:00")
    verified = runner.invoke(app, ["audit", "verify", "--head", str(head_file), "--db", store_url])
    assert verified.exit_code == 0 and "5 rows checked, against 1 anchor(s)" in verified.output

    engine = open_store(store_url)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id >= 4))
    engine.dispose()
    plain = runner.invoke(app, ["audit", "verify", "--db", store_url])
    assert plain.exit_code == 0, "the chain alone cannot see a cut tail"
    cut = runner.invoke(app, ["audit", "verify", "--head", str(head_file), "--db", store_url])
    assert cut.exit_code == 1 and "the anchored row is gone (log truncated?)" in cut.output

    write(store_url, 3, START + timedelta(days=1))  # rows 4-6, well chained
    appended = runner.invoke(app, ["audit", "verify", "--head", str(head_file), "--db", store_url])
    assert (
        appended.exit_code == 1 and "audit row 5: hash differs from the anchor" in appended.output
    )

    engine = open_store(store_url)
    with engine.begin() as conn:
        conn.execute(delete(audit_log))
    engine.dispose()
    emptied = runner.invoke(app, ["audit", "verify", "--head", str(head_file), "--db", store_url])
    assert emptied.exit_code == 1 and "the log has 0" in emptied.output


def test_audit_anchor_appends_heads_that_verify_reads_from_settings(
    sqlite_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    anchors = tmp_path / "elsewhere" / "anchors.jsonl"
    env = {"THREADLINE_AUDIT_ANCHOR_PATH": str(anchors)}
    assert runner.invoke(app, ["audit", "anchor", "--db", sqlite_url]).exit_code == 2
    write(sqlite_url, 2)
    first = runner.invoke(app, ["audit", "anchor", "--db", sqlite_url], env=env)
    assert first.exit_code == 0 and "anchored 2 rows" in first.output
    write(sqlite_url, 2, START + timedelta(hours=1))
    assert runner.invoke(app, ["audit", "anchor", "--db", sqlite_url], env=env).exit_code == 0
    assert [json.loads(line)["rows"] for line in anchors.read_text().splitlines()] == [2, 4]
    intact = runner.invoke(app, ["audit", "verify", "--db", sqlite_url], env=env)
    assert intact.exit_code == 0 and "against 2 anchor(s)" in intact.output
    engine = open_store(sqlite_url)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 4))
    engine.dispose()
    cut = runner.invoke(app, ["audit", "verify", "--db", sqlite_url], env=env)
    assert cut.exit_code == 1 and "audit row 4: the anchored row is gone" in cut.output


def test_audit_verify_refuses_a_head_file_that_is_not_one(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "head.json"
    bad.write_text('{"rows": "five", "hash": "abc"}')
    result = CliRunner().invoke(app, ["audit", "verify", "--head", str(bad), "--db", sqlite_url])
    assert result.exit_code == 2 and "head:" in result.output


def test_a_records_value_that_is_not_a_list_fails_verify(store_url: str) -> None:
    """An ``audit.read`` row holds no records (``[]``); retyped to an object it used to be read
    as ``[]`` again, so its hash still matched."""
    write(store_url, 3)
    engine = open_store(store_url)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(records={}))
    engine.dispose()
    result = CliRunner().invoke(app, ["audit", "verify", "--db", store_url])
    assert result.exit_code == 1
    assert "audit row 2: records is an object, not a list of text (tampered?)" in result.output
