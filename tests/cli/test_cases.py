"""``threadline case ...``: the case a replayed campaign opened, worked from the command line as
a named user with a purpose, audited; refusals say why."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from click.testing import Result
from typer.testing import CliRunner

from factories import incident, person
from threadline.cli import app
from threadline.guard import UserRole, create_user, read_log
from threadline.resolve.linkage import save_model
from threadline.store import open_store

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SUSPECT = dict(forenames="Bartholomew", surname="Quennell", dob="1979-02-11",
               relationship_to_victim="former_partner")  # fmt: skip
VICTIM = dict(forenames="Morwenna", surname="Trevithick", dob="1988-06-30")


def replayed(small_model: Any, tmp_path: Path) -> str:
    """A store in which two reports by PC 4411 Hendra made a course of conduct, and users."""
    model_path = tmp_path / "model.json"
    save_model(small_model, model_path)
    records = [
        incident(f"RP-{i}", reported_at=f"2026-05-0{i}T20:00:00Z", officer="PC 4411 Hendra",
                 narrative="He turned up at her door this evening.",
                 people=[person("victim", **VICTIM), person("suspect", **SUSPECT)])
        for i in (1, 2)
    ]  # fmt: skip
    path = tmp_path / "replay.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    url = f"sqlite:///{tmp_path}/t.db"
    result = CliRunner().invoke(app, ["replay", str(path), "--db", url, "--model", str(model_path)])
    assert result.exit_code == 0, result.output
    engine = open_store(url)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for name, role in (("pc-hendra", UserRole.officer), ("ps-clarke", UserRole.supervisor),
                       ("ch-patel", UserRole.call_handler)):  # fmt: skip
        create_user(engine, name, "PC 4411 Hendra" if name == "pc-hendra" else name, role,
                    "granite harbour lantern", NOW, hasher=hasher)  # fmt: skip
    engine.dispose()
    return url


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["case", *args, "--db", url])


def test_a_case_is_listed_shown_assigned_noted_and_refused_from_the_command_line(
    small_model: Any, tmp_path: Path
) -> None:
    url = replayed(small_model, tmp_path)
    why = ("--purpose", "case review")
    listed = run(url, "list", "--user", "pc-hendra", *why, "--json")
    assert listed.exit_code == 0, listed.output
    [case] = json.loads(listed.output)["cases"]
    assert (case["officer"], case["incident_count"], case["opened_on"]) == (
        "PC 4411 Hendra", 2, "RP-2",
    )  # fmt: skip
    # the officer in the case, named as the incidents name him, reads what he was told
    told = run(url, "notifications", "--user", "pc-hendra", "--json")
    assert told.exit_code == 0, told.output
    [note] = json.loads(told.output)["notifications"]
    assert note["kind"] == "opened" and note["case_id"] == case["id"]
    refused = run(url, "assign", str(case["id"]), "--officer", "pc-hendra",
                  "--user", "ch-patel", *why)  # fmt: skip
    assert refused.exit_code == 1 and "may not" in refused.output
    assigned = run(url, "assign", str(case["id"]), "--officer", "pc-hendra",
                   "--user", "ps-clarke", *why)  # fmt: skip
    assert assigned.exit_code == 0, assigned.output
    noted = run(url, "note", str(case["id"]), "--note", "Spoke to her", "--user", "pc-hendra", *why)
    assert noted.exit_code == 0, noted.output
    short = run(url, "close", str(case["id"]), "--reason", "done", "--user", "pc-hendra", *why)
    assert short.exit_code == 1 and "reason" in short.output
    missing = run(url, "show", "999", "--user", "pc-hendra", *why)
    assert missing.exit_code == 1 and "no case 999" in missing.output
    shown = run(url, "show", str(case["id"]), "--user", "pc-hendra", *why)
    assert shown.exit_code == 0 and "note by pc-hendra" in shown.output
    assert "RP-1" in shown.output and "RP-2" in shown.output
    nopurpose = run(url, "show", str(case["id"]), "--user", "pc-hendra")
    assert nopurpose.exit_code == 1
    engine = open_store(url)
    staff = [r.action for r in reversed(read_log(engine)) if r.role != "system"]
    assert staff[:1] == ["case.view"] and "case.assign" in staff and "case.note" in staff
