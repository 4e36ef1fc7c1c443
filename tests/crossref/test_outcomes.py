"""An incident's arrest outcome becomes the arrest decision on the breach alert it raised.

PACE 1984 s24(5) (``/work/shared/domain.md``, "Arrest"): an arrest without warrant needs one of
its reasons, "(c) to prevent the person in question ... (i) causing physical injury to himself
or any other person"; with no arrest, the APP on domestic abuse expects a recorded rationale,
and Threadline's policy a supervisor's sign-off.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from breaches import ex_partner_case, new_breach, next_breach_time
from threadline.crossref import submit
from threadline.crossref.actions import show_alert
from threadline.crossref.replay import sweep
from threadline.guard.audit import read_log, verify
from threadline.model import RecordError, parse_record
from threadline.store import tables as t

NOT_ARRESTED = {
    "arrested": False,
    "by": "PC 4521",
    "rationale": "Advised by the duty sergeant that arrest was not proportionate; he was warned.",
}


def with_arrest(record: Any, arrest: dict[str, Any]) -> Any:
    return parse_record({**record.model_dump(mode="json", exclude_none=True), "arrest": arrest})


def breach_key(engine: Any, ref: str) -> str:
    with engine.connect() as conn:
        return conn.execute(
            select(t.alerts.c.alert_key).where(
                t.alerts.c.rule_id == "order_breach", t.alerts.c.first_incident_ref == ref
            )
        ).scalar_one()


def test_not_arrested_on_the_record_is_the_decision_and_waits_for_sign_off(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    record = with_arrest(new_breach(case, "OUT-1", when), NOT_ARRESTED)
    submit(engine, model, record, when)

    key = breach_key(engine, "OUT-1")
    actions = show_alert(engine, key, when, 24.0)["actions"]
    assert actions["status"] == "acknowledged" and actions["assignee"] == "PC 4521"
    assert actions["decision"]["arrested"] is False
    assert actions["decision"]["rationale"].startswith("Advised by the duty sergeant")
    # recording it from the source signs nothing off
    assert actions["decision"]["signed_off_by"] is None and actions["signoff_due"] is not None
    steps = [(s["step"], s["by"]) for s in actions["steps"]]
    assert steps == [("assign", "PC 4521"), ("acknowledge", "PC 4521"), ("decide", "PC 4521")]
    rows = [r for r in read_log(engine) if f"alert:{key}" in r.records]
    assert [r.action for r in reversed(rows)] == [
        "alert.assign",
        "alert.acknowledge",
        "alert.decide",
    ]
    assert {(r.user, r.role) for r in rows} == {("source:cad", "system")}
    assert all(r.purpose == "arrest outcome recorded on OUT-1" for r in rows)
    assert verify(engine).ok

    # the same incident again, or a sweep over the store, records nothing twice
    submit(engine, model, record, when)
    sweep(engine)
    again = show_alert(engine, key, when, 24.0)["actions"]
    assert [s["step"] for s in again["steps"]] == ["assign", "acknowledge", "decide"]


def test_an_arrest_on_the_record_settles_the_breach_with_its_grounds(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    arrest = {"arrested": True, "by": "PC 4521", "at": (when + timedelta(hours=2)).isoformat(),
              "grounds": ["c_i", "d"]}  # fmt: skip
    submit(engine, model, with_arrest(new_breach(case, "OUT-2", when), arrest), when)
    decision = show_alert(engine, breach_key(engine, "OUT-2"), when, 24.0)["actions"]["decision"]
    assert decision["arrested"] is True and decision["grounds"] == ["c_i", "d"]
    assert decision["arrested_at"] == (when + timedelta(hours=2)).isoformat()


def test_an_incident_without_an_outcome_leaves_the_decision_owed(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    submit(engine, model, new_breach(case, "OUT-3", when), when)
    actions = show_alert(engine, breach_key(engine, "OUT-3"), when, 24.0)["actions"]
    assert actions["decision"] is None and actions["steps"] == []


@pytest.mark.parametrize(
    ("arrest", "words"),
    [
        ({"arrested": True, "by": "PC 1", "grounds": ["d"]}, "an arrest needs its time"),
        ({"arrested": True, "by": "PC 1", "at": "2026-03-01T10:00:00Z"}, "PACE s24(5) ground"),
        ({"arrested": False, "by": "PC 1"}, "not arrested needs the rationale"),
        ({"arrested": False, "by": "PC 1", "rationale": "no"}, "not arrested needs the rationale"),
        (
            {"arrested": True, "by": "PC 1", "at": "2026-03-01T10:00:00Z", "grounds": ["z"]},
            "grounds are PACE s24(5) paragraphs",
        ),  # fmt: skip
        ({"arrested": "yes", "by": "PC 1"}, "arrested"),
        ({"arrested": False, "rationale": "x" * 30}, "by"),
    ],
)
def test_an_incomplete_outcome_is_refused_with_what_is_missing(
    arrest: dict[str, Any], words: str
) -> None:
    record = {"kind": "incident", "ref": "OUT-9", "reported_at": "2026-03-01T09:00:00Z",
              "channel": "999", "category": "breach_of_order", "arrest": arrest}  # fmt: skip
    with pytest.raises(RecordError) as refused:
        parse_record(record)
    assert words in str(refused.value)


def test_an_outcome_sent_later_on_the_updated_incident_is_recorded_then(
    resolved_store: Any, small_force: Path
) -> None:
    """Command and control sends the incident at call time and again when it is closed with its
    result: the decision is recorded from the update, by an officer named in another shape."""
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    first = new_breach(case, "OUT-4", when)
    submit(engine, model, first, when)
    key = breach_key(engine, "OUT-4")
    assert show_alert(engine, key, when, 24.0)["actions"]["decision"] is None
    later = when + timedelta(hours=3)
    officer = "Sgt. Ó Briain-Weatherall (collar 40417, Response Team C)"
    closed = with_arrest(first, {**NOT_ARRESTED, "by": officer})
    assert submit(engine, model, closed, later).outcome == "updated"
    decision = show_alert(engine, key, later, 24.0)["actions"]["decision"]
    assert decision["arrested"] is False and decision["by"] == officer
