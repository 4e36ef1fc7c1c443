"""The supervisor's report per team and period, from stored alerts and their steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from typer.testing import CliRunner

from threadline.cli import app
from threadline.crossref.accountability import UNASSIGNED, accountability
from threadline.crossref.actions import take_step
from threadline.crossref.alerts import save_changes
from threadline.guard import audit
from threadline.recognise import Alert, AlertChange
from threadline.recognise.actions import Actor
from threadline.store import writing

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
OFFICER = Actor("pc-jones", "officer")
SERGEANT = Actor("ps-clarke", "supervisor")
WHY = "Suspect left before arrival; victim safe with her sister; IDVA referral made"


def breach(key: str, raised: datetime, engine: Engine, rule_id: str = "order_breach") -> str:
    found = Alert(rule_id, key, "INC-" + key[-1], ("P-S", "P-V"), "r", ("INC-1",), "high", "a")
    with writing(engine) as conn:
        save_changes(conn, [AlertChange("raised", found)], raised)
    return key


def do(engine: Engine, key: str, step: Any, actor: Actor, at: datetime, **given: Any) -> None:
    def hook(conn: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        audit.record(conn, actor.username, actor.role, action, records, "INC-1", detail, at)

    take_step(engine, key, step, actor, at, hook, 24.0, **given)


def test_the_report_lists_what_is_owed_per_team_and_period(engine: Engine) -> None:
    undecided = breach("order_breach:O:I1", T0, engine)
    unsigned = breach("order_breach:O:I2", T0, engine)
    signed = breach("order_breach:O:I3", T0, engine)
    late = breach("course_of_conduct:S->V:4", T0, engine, rule_id="course_of_conduct")
    old = breach("order_breach:O:I5", T0 - timedelta(days=40), engine)
    for key in (unsigned, signed):
        do(engine, key, "assign", SERGEANT, T0, assignee="pc-jones", kind="officer", team="A")
        do(engine, key, "acknowledge", OFFICER, T0)
        do(engine, key, "decide", OFFICER, T0, arrested=False, rationale=WHY)
    do(engine, signed, "signoff", SERGEANT, T0 + timedelta(hours=1), approve=True)
    do(engine, late, "assign", SERGEANT, T0, assignee="Response B", kind="team",
       due_at=T0 + timedelta(hours=4))  # fmt: skip

    now = T0 + timedelta(hours=30)
    report = accountability(engine, now, 24.0, since=T0 - timedelta(days=7))
    assert [i.alert_key for i in report.breaches_without_decision] == [undecided]
    assert report.breaches_without_decision[0].team == UNASSIGNED
    [pending] = report.not_arrested_unsigned
    assert (pending.alert_key, pending.owner, pending.team) == (unsigned, "pc-jones", "A")
    assert pending.rationale == WHY  # the supervisor reads why before signing it off
    assert pending.when == T0 + timedelta(hours=24) and pending.escalated
    assert [(i.alert_key, i.team) for i in report.past_due] == [(late, "Response B")]
    assert old not in {i.alert_key for i in report.breaches_without_decision}

    team_a = accountability(engine, T0 + timedelta(hours=2), 24.0, team="A")
    assert team_a.breaches_without_decision == [] and team_a.past_due == []
    assert [i.alert_key for i in team_a.not_arrested_unsigned] == [unsigned]
    assert not team_a.not_arrested_unsigned[0].escalated  # not yet past its time


def test_the_command_prints_the_report(engine: Engine, store_url: str) -> None:
    breach("order_breach:O:I1", datetime.now(UTC), engine)
    result = CliRunner().invoke(app, ["accountability", "--since", "2020-01-01", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert "Breach alerts without an arrest decision" in result.output
    assert "INC-1" in result.output  # the table wraps the key at the console's width
    assert "⭕" not in result.output  # "order_breach:O:I1" is not read as an emoji code
    keys = CliRunner().invoke(app, ["accountability", "--json", "--db", store_url])
    assert '"alert_key": "order_breach:O:I1"' in keys.output
    as_json = CliRunner().invoke(app, ["accountability", "--json", "--team", "Z", "--db",
                                       store_url])  # fmt: skip
    assert as_json.exit_code == 0 and '"breaches_without_decision": []' in as_json.output
