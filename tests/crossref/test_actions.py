"""Steps on stored alerts: each kept with its audit row, the alert's status, reopening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select

from threadline.crossref.actions import AlertNotFound, show_alert, take_step, with_actions
from threadline.crossref.alerts import list_alerts, previous_alerts, save_changes
from threadline.guard import audit
from threadline.guard.audit import read_log, verify
from threadline.recognise import Alert, AlertChange
from threadline.recognise.actions import ActionRefused, Actor
from threadline.store import tables as t
from threadline.store import writing

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
OFFICER = Actor("pc-jones", "officer")
SERGEANT = Actor("ps-clarke", "supervisor")
BREACH = "order_breach:ORD-1:INC-2"
COURSE = "course_of_conduct:P-S->P-V"


def alert(rule_id: str, key: str, incident: str) -> Alert:
    return Alert(
        rule_id=rule_id,
        alert_key=key,
        incident_ref=incident,
        people=("P-S", "P-V"),
        reason=f"{rule_id} at {incident}",
        cited=(incident,),
        severity="high",
        action="act",
        raised_on="INC-1",
    )


def raise_alerts(engine: Engine, *changes: AlertChange, at: datetime = T0) -> None:
    with writing(engine) as conn:
        save_changes(conn, list(changes), at)


@pytest.fixture
def stored(engine: Engine) -> Engine:
    raise_alerts(
        engine,
        AlertChange("raised", alert("order_breach", BREACH, "INC-2")),
        AlertChange("raised", alert("course_of_conduct", COURSE, "INC-2")),
    )
    return engine


def hook(actor: Actor) -> Any:
    def write(conn: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        audit.record(conn, actor.username, actor.role, action, records, "INC-2", detail, T0)

    return write


def do(engine: Engine, key: str, name: Any, actor: Actor, minutes: int = 0, **given: Any) -> Any:
    now = T0 + timedelta(minutes=minutes)
    return take_step(engine, key, name, actor, now, hook(actor), 24.0, **given)


def own(engine: Engine, key: str) -> None:
    do(engine, key, "assign", SERGEANT, assignee="pc-jones", kind="officer", team="Response A")
    do(engine, key, "acknowledge", OFFICER, 1)


def test_each_step_is_a_record_with_its_audit_row_and_the_chain_verifies(stored: Engine) -> None:
    own(stored, BREACH)
    rationale = "Suspect gone on arrival; victim at her mother's; positive action: IDVA"
    do(stored, BREACH, "decide", OFFICER, 5, arrested=False, rationale=rationale)
    do(stored, BREACH, "signoff", SERGEANT, 30, approve=True)
    view = do(stored, BREACH, "close", OFFICER, 40, outcome="crime_recorded",
              reason="Breach recorded as 8Q on CR-7")  # fmt: skip
    steps = view["actions"]["steps"]
    assert [(s["step"], s["by"]) for s in steps] == [
        ("assign", "ps-clarke"), ("acknowledge", "pc-jones"), ("decide", "pc-jones"),
        ("signoff", "ps-clarke"), ("close", "pc-jones"),
    ]  # fmt: skip
    rows = list(reversed(read_log(stored)))
    assert [r.action for r in rows] == [
        "alert.assign", "alert.acknowledge", "alert.decide", "alert.signoff", "alert.close",
    ]  # fmt: skip
    assert rows[2].records == [f"alert:{BREACH}", "person:P-S", "person:P-V"]
    assert rows[2].detail is not None and rows[2].detail["detail"]["arrested"] is False
    assert rows[2].user == "pc-jones" and rows[2].purpose == "INC-2"
    assert verify(stored).ok
    # closing takes the alert out of the open boxes; the step list stays with it
    assert [a["alert_key"] for a in list_alerts(stored.connect())] == [COURSE]
    assert show_alert(stored, BREACH, T0, 24.0)["status"] == "closed"


def test_a_refused_step_stores_nothing_and_audits_nothing(stored: Engine) -> None:
    with pytest.raises(ActionRefused):
        do(stored, BREACH, "close", OFFICER, outcome="crime_recorded", reason="recorded 8Q")
    with pytest.raises(AlertNotFound):
        do(stored, "order_breach:NOPE", "acknowledge", OFFICER)
    with stored.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.alert_actions)).scalar() == 0
    assert read_log(stored) == []


def test_a_failing_audit_row_leaves_no_step(stored: Engine) -> None:
    def broken(conn: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        raise RuntimeError("audit store unavailable")

    with pytest.raises(RuntimeError):
        take_step(stored, COURSE, "assign", SERGEANT, T0, broken, 24.0, assignee="a", kind="team")
    with stored.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.alert_actions)).scalar() == 0


def test_a_new_occurrence_reopens_a_closed_alert_with_a_system_step(stored: Engine) -> None:
    own(stored, COURSE)
    do(stored, COURSE, "close", OFFICER, 5, outcome="referred", reason="Referred to MARAC")
    with stored.connect() as conn:
        # closed: no longer one of the open alerts the engine updates
        assert COURSE not in previous_alerts(conn, ["P-S"])
    later = T0 + timedelta(days=3)
    raise_alerts(stored, AlertChange("raised", alert("course_of_conduct", COURSE, "INC-5")),
                 at=later)  # fmt: skip
    view = show_alert(stored, COURSE, later, 24.0)
    assert view["status"] == "open" and view["incident_ref"] == "INC-5"
    actions = view["actions"]
    assert (actions["status"], actions["assignee"], actions["reopened"]) == (
        "assigned", "pc-jones", 1,
    )  # fmt: skip
    last = actions["steps"][-1]
    assert (last["step"], last["by"], last["role"]) == ("reopen", "threadline", "system")
    assert last["detail"]["incident_ref"] == "INC-5"
    row = read_log(stored)[0]
    assert (row.action, row.user, row.role) == ("alert.reopen", "threadline", "system")
    assert verify(stored).ok


def test_an_alert_raised_again_after_being_cleared_is_not_reopened_as_an_action(
    stored: Engine,
) -> None:
    raise_alerts(stored, AlertChange("cleared", alert("course_of_conduct", COURSE, "INC-2")))
    raise_alerts(stored, AlertChange("raised", alert("course_of_conduct", COURSE, "INC-3")))
    assert show_alert(stored, COURSE, T0, 24.0)["actions"]["steps"] == []
    assert read_log(stored) == []


def test_the_person_s_alerts_carry_their_steps(stored: Engine) -> None:
    own(stored, BREACH)
    with stored.connect() as conn:
        alerts = with_actions(conn, list_alerts(conn, entity_id="P-V"))
    by_key = {a["alert_key"]: a["actions"] for a in alerts}
    assert [s["step"] for s in by_key[BREACH]["steps"]] == ["assign", "acknowledge"]
    assert by_key[BREACH]["decision_owed"] is True
    assert by_key[COURSE] == {
        "status": "open", "assignee": None, "acknowledged_by": None, "decision_owed": False,
        "breach": False, "awaiting_signoff": False, "steps": [],
    }  # fmt: skip
