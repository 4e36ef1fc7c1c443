"""``threadline audit verify`` on a real store: intact, then failing with the edited row named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
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
