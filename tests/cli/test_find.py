"""``threadline find``: a person by name from the command line, as the API's search finds them
(one use case), for a named user and a stated purpose, audited, and told apart from namesakes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from audit_rows import staff_log
from threadline.cli import app
from threadline.guard import UserRole, create_user
from threadline.resolve.linkage import save_model

NOW = datetime(2026, 3, 1, tzinfo=UTC)
WHY = "call back on INC-9"


@pytest.fixture
def searchable(resolved_store: Any, tmp_path: Path) -> tuple[Any, list[str]]:
    """The resolved small force with its model saved, and a user in three roles."""
    engine, model = resolved_store
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    path = tmp_path / "model.json"
    save_model(model, path)
    for role in map(UserRole, ("call_handler", "analyst", "auditor")):
        create_user(engine, role.value.replace("_", "-"), role.value, role,
                    "plum tree at dusk 42", NOW, hasher=hasher)  # fmt: skip
    return engine, ["--db", str(engine.url), "--model", str(path)]


def _find(args: list[str], user: str, *query: str) -> Any:
    argv = ["find", *query, "--user", user, "--purpose", WHY, "--json", *args]
    return CliRunner().invoke(app, argv)


def test_find_says_how_sure_born_and_last_seen_and_audits_the_search(
    searchable: tuple[Any, list[str]], small_force: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadline.cli.app import console

    monkeypatch.setattr(console, "_width", 300)  # one row a person, not wrapped
    engine, args = searchable
    truth = json.loads((small_force / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    victim = truth["people"][series["victims"][0]]
    done = _find(args, "call-handler", "--forenames", victim["forenames"],
                 "--surname", victim["surname"], "--dob", victim["dob"])  # fmt: skip
    assert done.exit_code == 0, done.output
    hits = json.loads(done.output)["hits"]
    top = hits[0]
    assert top["dob"] == victim["dob"] and top["confidence"] == "very likely the same person"
    assert top["deciding"] == top["evidence"][1]
    row = staff_log(engine)[-1]
    assert row.action == "person.search" and row.purpose == WHY
    assert row.records[0] == f"person:{top['entity_id']}"

    table = CliRunner().invoke(app, ["find", "--forenames", victim["forenames"], "--surname",
                                     victim["surname"], "--user", "call-handler", "--purpose",
                                     WHY, *args])  # fmt: skip
    assert table.exit_code == 0, table.output
    assert top["entity_id"] in table.output and victim["dob"] in table.output


def test_find_is_refused_to_a_role_without_search_and_says_what_is_missing(
    searchable: tuple[Any, list[str]],
) -> None:
    engine, args = searchable
    refused = _find(args, "auditor", "--surname", "Penhallow")
    assert refused.exit_code == 1
    assert staff_log(engine)[-1].action == "access.refused"
    nothing = _find(args, "call-handler", "--forenames", "Grace")
    assert nothing.exit_code == 2 and "surname" in nothing.output
