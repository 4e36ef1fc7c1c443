"""``threadline marac`` and ``threadline owed`` on a small hand-built store (typer's CliRunner)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, insert, select
from typer.testing import CliRunner

from threadline.cli import app
from threadline.guard import UserRole, create_user
from threadline.ingest import RawRecord, import_records
from threadline.risk import load_checklist
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def records(engine: Engine, *raw: dict[str, Any]) -> None:
    rows = [RawRecord("test.jsonl", n, r) for n, r in enumerate(raw, start=1)]
    assert import_records(engine, rows, files=["test.jsonl"]).ok


def victim_is(engine: Engine, entity_id: str, surname: str) -> None:
    """Every mention with ``surname`` joins ``entity_id`` (resolution by hand)."""
    m = t.mentions
    with engine.begin() as conn:
        conn.execute(
            insert(t.entities).values(
                id=entity_id, kind="person", label=f"Alys {surname}", created_at=NOW,
                updated_at=NOW,
            )
        )  # fmt: skip
        keys = conn.execute(select(m.c.mention_key).where(m.c.surname == surname)).scalars()
        conn.execute(
            insert(t.entity_members),
            [
                {"mention_key": k, "entity_id": entity_id, "assigned_at": NOW, "assigned_by": "t"}
                for k in keys
            ],
        )


@pytest.fixture
def db(engine: Engine, store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store with one high-risk DASH victim and one domestic incident with no DASH."""
    monkeypatch.setattr("threadline.cli.risk.now", lambda: NOW)
    ids = load_checklist("dash").question_ids
    victim = {"role": "victim", "forenames": "Alys", "surname": "Penhallow"}
    records(
        engine,
        {
            "kind": "incident", "ref": "INC-1", "reported_at": "2026-02-01T21:00:00Z",
            "channel": "999", "category": "domestic", "people": [victim], "officer": "PC 4471",
        },
        {
            "kind": "incident", "ref": "INC-2", "reported_at": "2026-02-20T21:00:00Z",
            "channel": "101", "category": "domestic", "officer": "PC 2290",
            "people": [{"role": "victim", "forenames": "Morwenna", "surname": "Trelawny"}],
        },
        {
            "kind": "risk_assessment", "ref": "DASH-1", "checklist": "dash",
            "incident_ref": "INC-1", "subject": victim, "assessed_at": "2026-02-01T23:00:00Z",
            "officer": "=PC 4471", "answers": {q: "yes" for q in ids},
        },
    )  # fmt: skip
    victim_is(engine, "P1", "Penhallow")
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for role in (UserRole.supervisor, UserRole.analyst):
        create_user(
            engine, role.value, role.value, role, "granite harbour lantern", NOW, hasher=hasher
        )
    return store_url


#: Who reads, and why (every person read is audited: tests/cli/test_person_reads.py).
AS = ["--user", "supervisor", "--purpose", "MARAC preparation"]


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide console: the CLI's console fixes its width when made, so COLUMNS in the test's
    environment comes too late once a test runner (pytest-xdist) has set COLUMNS itself."""
    from threadline.cli.app import console

    monkeypatch.setattr(console, "_width", 250)


@pytest.mark.usefixtures("wide")
def test_marac_prints_each_victim_with_the_criteria_and_why(db: str) -> None:
    result = CliRunner().invoke(app, ["marac", "--db", db, *AS], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "Alys Penhallow (P1)" in result.output
    assert "visible_high_risk" in result.output and "27 yes answers" in result.output
    assert "1 victims to consider" in result.output


def test_marac_writes_a_safe_csv(db: str, tmp_path: Path) -> None:
    out = tmp_path / "marac.csv"
    result = CliRunner().invoke(app, ["marac", "--db", db, "--csv", str(out), *AS])
    assert result.exit_code == 0, result.output
    with out.open(newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["victim"] == "Alys Penhallow (P1)" and row["officer"] == "'=PC 4471"
    assert row["criteria_met"] == "visible_high_risk"


@pytest.mark.usefixtures("wide")
def test_owed_prints_the_missing_dash_and_safety_plan_with_incident_and_officer(db: str) -> None:
    result = CliRunner().invoke(app, ["owed", "--db", db, *AS], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "INC-" in line]
    assert len(lines) == 2 and "2 risk assessments owed" in result.output
    safety, dash = lines  # oldest due first
    assert "safety_plan_missing" in safety and "INC-1" in safety, "INC-1 has its DASH"
    assert "dash_missing" in dash and "INC-2" in dash and "PC 2290" in dash
    assert "has no DASH" in dash
