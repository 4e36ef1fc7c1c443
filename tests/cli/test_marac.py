"""``threadline marac-referral ...``: a referral made, heard, its actions done and closed from the
command line, as named users, through the same use case as the API, audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from argon2 import PasswordHasher
from click.testing import Result
from sqlalchemy import Engine, insert
from typer.testing import CliRunner

from threadline.cli import app
from threadline.guard import UserRole, create_user, read_log
from threadline.guard.audit import verify
from threadline.store import open_store, writing
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WHY = ["--purpose", "INC-7 DASH Q17"]


def store(tmp_path: object) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path}/t.db"
    engine = open_store(url)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for name, role in (("pc-jones", UserRole.officer), ("ps-clarke", UserRole.supervisor),
                       ("ch-patel", UserRole.call_handler)):  # fmt: skip
        create_user(engine, name, name, role, "granite harbour lantern", NOW, hasher=hasher)
    with writing(engine) as conn:
        conn.execute(
            insert(t.entities),
            {"id": "P-V", "kind": "person", "label": "Olivia Tenworth",
             "created_at": NOW, "updated_at": NOW},
        )  # fmt: skip
    return url, engine


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["marac-referral", *args, "--db", url])


def test_a_referral_is_followed_from_made_to_closed(tmp_path: object) -> None:
    url, engine = store(tmp_path)
    refused = run(url, "make", "P-V", "--criterion", "professional_judgement", "--reason",
                  "DASH Q17 yes: threats to kill", "--as", "ch-patel", *WHY)  # fmt: skip
    assert refused.exit_code == 1 and "may not" in refused.output
    made = run(url, "make", "P-V", "--criterion", "professional_judgement", "--reason",
               "DASH Q17 yes: threats to kill", "--as", "pc-jones", *WHY)  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "MARAC-000001: refer recorded; now made" in made.output
    ref = "MARAC-000001"
    today = datetime.now(UTC).date().isoformat()
    steps = [
        ["hear", ref, "--on", today, "--meeting", "Exeter MARAC", "--as", "ps-clarke"],
        ["action", ref, "--text", "IDVA to contact the victim", "--owner", "IDVA service",
         "--as", "ps-clarke"],
        ["complete", ref, "1", "--note", "IDVA spoke to her today", "--as", "pc-jones"],
        ["close", ref, "--reason", "Every action done; risk now medium", "--as", "ps-clarke"],
    ]  # fmt: skip
    for args in steps:
        result = run(url, *args, *WHY)
        assert result.exit_code == 0, result.output
    shown = run(url, "show", ref, "--as", "ps-clarke", *WHY)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["status"] == "closed"
    listed = run(url, "list", "P-V", "--as", "pc-jones", *WHY)
    flat = " ".join(listed.output.split())
    assert "MARAC-000001 closed" in flat and "0 of 1 actions open" in flat
    assert run(url, "list", "P-V", "--as", "ch-patel", *WHY).exit_code == 1
    actions = [row.action for row in read_log(engine)]
    assert {"marac.refer", "marac.hear", "marac.action", "marac.complete", "marac.close",
            "marac.referrals"} <= set(actions)  # fmt: skip
    assert verify(engine).ok


def test_a_closed_referral_takes_no_further_step(tmp_path: object) -> None:
    url, _ = store(tmp_path)
    run(url, "make", "P-V", "--criterion", "visible_high_risk", "--reason",
        "DASH with 15 yes answers", "--as", "pc-jones", *WHY)  # fmt: skip
    too_early = run(url, "close", "MARAC-000001", "--reason", "nothing further to do",
                    "--as", "ps-clarke", *WHY)  # fmt: skip
    assert too_early.exit_code == 0  # no action was agreed: it may leave the list unheard
    again = run(url, "hear", "MARAC-000001", "--on", "2026-03-01", "--as", "ps-clarke", *WHY)
    assert again.exit_code == 1 and "closed" in again.output
