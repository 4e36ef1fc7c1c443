"""``threadline alert ...``: steps from the command line, as a named user, audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from argon2 import PasswordHasher
from click.testing import Result
from sqlalchemy import Engine
from typer.testing import CliRunner

from threadline.cli import app
from threadline.crossref.alerts import save_changes
from threadline.guard import UserRole, create_user, read_log
from threadline.recognise import Alert, AlertChange
from threadline.store import open_store, writing

KEY = "order_breach:ORD-1:INC-2"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def store(tmp_path: object) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path}/t.db"
    engine = open_store(url)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for name, role in (("pc-jones", UserRole.officer), ("ps-clarke", UserRole.supervisor),
                       ("ch-patel", UserRole.call_handler)):  # fmt: skip
        create_user(engine, name, name, role, "granite harbour lantern", NOW, hasher=hasher)
    found = Alert("order_breach", KEY, "INC-2", ("P-S", "P-V"), "breach", ("INC-2",), "high", "a")
    with writing(engine) as conn:
        save_changes(conn, [AlertChange("raised", found)], NOW)
    return url, engine


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["alert", *args, "--db", url])


def test_a_breach_is_worked_and_closed_from_the_command_line(tmp_path: object) -> None:
    url, engine = store(tmp_path)
    why = ["--purpose", "INC-2 breach"]
    steps = [
        ["assign", KEY, "--to", "pc-jones", "--team", "Response A", "--as", "ch-patel", *why],
        ["ack", KEY, "--as", "pc-jones", *why],
        ["decide", KEY, "--not-arrested", "--rationale",
         "Suspect left before we arrived; victim at her sister's; IDVA called", "--as",
         "pc-jones", *why],
        ["close", KEY, "--outcome", "crime_recorded", "--reason", "8Q recorded",
         "--as", "pc-jones", *why],
    ]  # fmt: skip
    for args in steps[:3]:
        result = run(url, *args)
        assert result.exit_code == 0, result.output
    refused = run(url, *steps[3])
    assert refused.exit_code == 1
    assert "sign-off" in refused.output
    own = run(url, "signoff", KEY, "--approve", "--as", "ch-patel", *why)
    assert own.exit_code == 1 and "may not signoff" in own.output
    assert run(url, "signoff", KEY, "--approve", "--as", "ps-clarke", *why).exit_code == 0
    assert run(url, *steps[3]).exit_code == 0
    shown = run(url, "show", KEY)
    view = json.loads(shown.output)
    assert view["status"] == "closed"
    assert [s["step"] for s in view["actions"]["steps"]] == [
        "assign", "acknowledge", "decide", "signoff", "close",
    ]  # fmt: skip
    rows = read_log(engine)
    assert rows[0].action == "alert.close" and rows[0].user == "pc-jones"
    assert rows[0].purpose == "INC-2 breach"


def test_an_unknown_user_or_a_missing_purpose_is_refused(tmp_path: object) -> None:
    url, engine = store(tmp_path)
    nobody = run(url, "ack", KEY, "--as", "nobody", "--purpose", "INC-2")
    assert nobody.exit_code == 1 and "no active user" in nobody.output
    blank = run(url, "ack", KEY, "--as", "pc-jones", "--purpose", " ")
    assert blank.exit_code == 1 and "purpose" in blank.output
    # nothing is written but the refusals' audit rows, as the API audits a 401 and a 400
    rows = read_log(engine)
    assert [(row.action, row.user, row.role, row.purpose) for row in rows] == [
        ("access.refused", "pc-jones", "officer", None),  # the log reads newest first
        ("access.refused", "nobody", "", "INC-2"),
    ]
    assert [(row.detail or {})["command"] for row in rows] == ["alert acknowledge"] * 2


def test_a_step_goes_through_the_use_case_the_api_and_the_pages_call(tmp_path: object) -> None:
    """One definition of taking a step (issue 22): the CLI's refusals are the use case's,
    naming the field as the API's 404 and 403 do, and nothing refused is written."""
    url, engine = store(tmp_path)
    why = ["--purpose", "INC-2 breach"]
    unknown = run(url, "ack", "order_breach:ORD-9:INC-9", "--as", "pc-jones", *why)
    assert unknown.exit_code == 1 and "alert_key:" in unknown.output, unknown.output
    own = run(url, "signoff", KEY, "--approve", "--as", "ch-patel", *why)
    assert own.exit_code == 1 and "a call_handler may not" in own.output, own.output
    assert read_log(engine) == []
