"""The commands people run, end to end through the CLI on a small resolved force."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from factories import incident, person
from threadline.cli import app
from threadline.guard import UserRole, create_user
from threadline.resolve.linkage import save_model
from threadline.store import tables as t

runner = CliRunner()
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def url_of(engine: Any) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_export_mentions_lists_every_mention_with_its_person(resolved_store: Any) -> None:
    engine, _model = resolved_store
    create_user(engine, "ana", "Ana", UserRole.analyst, "a long passphrase here", NOW)
    result = runner.invoke(app, ["export", "mentions", "--db", url_of(engine), "--format", "jsonl",
                                 "--user", "ana", "--purpose", "checking resolution"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    with engine.connect() as conn:
        assert len(rows) == conn.execute(select(func.count()).select_from(t.mentions)).scalar()
    assert all(row["entity_id"] for row in rows)
    assert {"record_ref", "position", "role", "match_probability"} <= set(rows[0])


def test_picture_as_json(resolved_store: Any, small_force: Path) -> None:
    engine, _model = resolved_store
    truth = json.loads((small_force / "truth.json").read_text())
    ref = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")["incident_refs"][3]
    create_user(engine, "ch1", "Call handler", UserRole.call_handler, "a long passphrase here", NOW)
    as_ch1 = ["--user", "ch1", "--purpose", f"Call about {ref}"]
    result = runner.invoke(app, ["picture", ref, "--db", url_of(engine), "--json", *as_ch1])
    assert result.exit_code == 0, result.output
    picture = json.loads(result.output)
    assert picture["incident"]["ref"] == ref
    assert any(p["records"] for p in picture["people"])  # she has a history
    missing = runner.invoke(app, ["picture", "NO-SUCH", "--db", url_of(engine), *as_ch1])
    assert missing.exit_code == 1


def test_replay_prints_a_course_of_conduct_at_the_second_incident(
    resolved_force: Any, tmp_path: Path
) -> None:
    _path, model = resolved_force
    model_path = tmp_path / "model.json"
    save_model(model, model_path)
    suspect = person(
        "suspect",
        forenames="Bartholomew",
        surname="Quennell",
        dob="1979-02-11",
        phones=["07700 900987"],
        relationship_to_victim="former_partner",
    )
    victim = person(
        "victim",
        forenames="Morwenna",
        surname="Trevithick",
        dob="1988-06-30",
        phones=["07700 900986"],
    )
    records = [
        incident(
            f"RP-{i}",
            reported_at=f"2026-05-0{i}T20:00:00Z",
            people=[victim, suspect],
            narrative="He keeps messaging her after being told to stop.",
        )
        for i in (1, 2, 3)
    ]
    path = tmp_path / "replay.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = f"sqlite:///{tmp_path}/live.db"
    result = runner.invoke(
        app, ["replay", str(path), "--db", db, "--model", str(model_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    alerts = [line for line in lines if "ownership" not in line]  # the last: who owes what
    assert "ownership" in lines[-1]
    first = {}
    for alert in alerts:
        first.setdefault(alert["rule"], alert["incident_ref"])
    assert first["course_of_conduct"] == "RP-2"
    assert "RP-1" in next(a for a in alerts if a["rule"] == "course_of_conduct")["cited"]


def test_eval_prints_threadline_beside_the_baselines(
    resolved_store: Any, small_force: Path
) -> None:
    engine, _model = resolved_store
    result = runner.invoke(app, ["eval", str(small_force), "--db", url_of(engine), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = report["sections"]["Resolution of named person mentions"]
    assert set(rows["pairwise precision"]) >= {"Threadline", "exact name", "exact name + DOB"}
    assert "Recognition" in report["sections"]
    # what joining every pair Threadline or the evidence ceiling joins would reach
    either = report["details"]["resolution"]["threadline_or_ceiling"]
    true_pairs = rows["true pairs"]["Threadline"]
    assert either["true_pairs"] == true_pairs
    correct = max(rows["correct pairs"]["Threadline"], rows["correct pairs"]["evidence ceiling"])
    assert correct <= either["joined"] <= true_pairs
    shown = runner.invoke(app, ["eval", str(small_force), "--db", url_of(engine)])
    assert f"of {true_pairs:,} true pairs" in shown.output


def test_synth_ends_on_the_day_asked_and_refuses_a_day_that_is_not_one(tmp_path: Path) -> None:
    """``threadline synth --end today`` is how ``make demo`` builds a force whose last incident is
    reported the day it runs (in the force's time zone); a bad ``--end`` is refused (status 2)."""
    from datetime import datetime, timedelta

    from threadline.model.base import FORCE_TIMEZONE

    result = runner.invoke(
        app, ["synth", str(tmp_path), "--incidents", "400", "--end", "today", "--current-story"]
    )
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["config"]["current_story"] is True
    with open(tmp_path / "incidents.jsonl", encoding="utf-8") as lines:
        last = max(json.loads(line)["reported_at"][:10] for line in lines)
    today = datetime.now(FORCE_TIMEZONE).date()
    # 400 incidents over 730 days: one about every two days, the last in the period's last days
    assert (today - timedelta(days=4)).isoformat() <= last <= today.isoformat()
    assert truth["period"]["end"][:10] >= today.isoformat()
    refused = runner.invoke(app, ["synth", str(tmp_path / "x"), "--end", "31/12/2026"])
    assert refused.exit_code == 2
    assert "not a date" in refused.output
