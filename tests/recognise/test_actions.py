"""The alert action state machine: every step, every refusal, who may take which."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from threadline.recognise.actions import (
    NECESSITY_GROUNDS,
    STEP_ROLES,
    STEPS,
    ActionRefused,
    ActionState,
    Actor,
    escalated,
    reopen_on_occurrence,
    replay,
    signoff_due,
    summary,
    take,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
OFFICER = Actor("pc-jones", "officer")
OTHER_OFFICER = Actor("pc-amin", "officer")
SERGEANT = Actor("ps-clarke", "supervisor")
INSPECTOR = Actor("insp-rowe", "supervisor")
HANDLER = Actor("ch-patel", "call_handler")
ANALYST = Actor("an-lowe", "analyst")


def step(state: ActionState, name: Any, actor: Actor, minutes: int = 0, **given: Any) -> Any:
    _record, after = take(state, name, actor, T0 + timedelta(minutes=minutes), **given)
    return after


def owned(rule_id: str = "order_breach") -> ActionState:
    """An alert assigned to PC Jones (team Response A) and acknowledged by her."""
    state = ActionState(rule_id=rule_id)
    state = step(state, "assign", HANDLER, assignee="pc-jones", kind="officer", team="Response A")
    return step(state, "acknowledge", OFFICER, 1)


def refused(state: ActionState, name: Any, actor: Actor, **given: Any) -> ActionRefused:
    with pytest.raises(ActionRefused) as caught:
        take(state, name, actor, T0 + timedelta(hours=1), **given)
    return caught.value


NOT_ARRESTED = {
    "arrested": False,
    "rationale": "Suspect had left; victim safe at her sister's; warrant sought, IDVA called.",
}


def test_a_breach_alert_walks_from_assignment_to_a_signed_off_close() -> None:
    state = owned()
    assert state.status == "acknowledged" and state.acknowledged_by == "pc-jones"
    state = step(state, "act", OFFICER, 5, note="Visited the victim, checked the order is served")
    state = step(state, "decide", OFFICER, 10, **NOT_ARRESTED)
    assert state.decision is not None and state.decision.needs_signoff
    state = step(state, "signoff", SERGEANT, 60, approve=True)
    assert state.decision is not None and state.decision.signed_off_by == "ps-clarke"
    state = step(state, "close", OFFICER, 70, outcome="crime_recorded", reason="8Q recorded, CR-1")
    assert (state.status, state.outcome) == ("closed", "crime_recorded")
    assert [r.step for r in state.records] == [
        "assign", "acknowledge", "act", "decide", "signoff", "close",
    ]  # fmt: skip
    # the state is folded from the records alone: replaying them gives the same state
    assert replay("order_breach", state.records) == state


def test_an_arrest_records_when_by_whom_and_the_s24_5_ground() -> None:
    state = step(
        owned(),
        "decide",
        OFFICER,
        2,
        arrested=True,
        arrested_at=T0,
        arrested_by="pc-jones",
        grounds=["d"],
    )
    assert state.decision is not None and state.decision.settled
    assert state.decision.grounds == ("d",)
    assert "vulnerable person" in NECESSITY_GROUNDS["d"]
    closed = step(state, "close", OFFICER, 3, outcome="arrest_made", reason="Arrested, in custody")
    assert closed.status == "closed"


# --- refusals, one by one --------------------------------------------------------------------


def test_nothing_but_assignment_happens_to_an_unassigned_alert() -> None:
    fresh = ActionState(rule_id="order_breach")
    assert "assign the alert" in str(refused(fresh, "acknowledge", OFFICER))
    for name, given in (
        ("act", {"note": "went round there"}),
        ("decide", NOT_ARRESTED),
        ("close", {"outcome": "crime_recorded", "reason": "recorded as 8Q"}),
    ):
        assert "nobody has acknowledged" in str(refused(fresh, name, OFFICER, **given))
    assert "not closed" in str(refused(fresh, "reopen", OFFICER, reason="pattern continues"))
    assert "no 'not arrested' decision" in str(refused(fresh, "signoff", SERGEANT, approve=True))


def test_an_assigned_but_unacknowledged_alert_cannot_be_worked() -> None:
    state = step(ActionState(rule_id="order_breach"), "assign", SERGEANT, assignee="pc-jones",
                 kind="officer")  # fmt: skip
    assert refused(state, "act", OFFICER, note="went round there").field == "step"
    assert refused(state, "close", OFFICER, outcome="referred", reason="MARAC referral").field


def test_assignment_needs_an_owner_a_kind_and_a_future_due_time() -> None:
    fresh = ActionState(rule_id="course_of_conduct")
    assert refused(fresh, "assign", HANDLER, assignee="pc-jones", kind="desk").field == "kind"
    assert refused(fresh, "assign", HANDLER, assignee=" ", kind="officer").field == "assignee"
    past = refused(fresh, "assign", HANDLER, assignee="pc-jones", kind="officer", due_at=T0)
    assert past.field == "due_at"
    naive = T0.replace(tzinfo=None) + timedelta(days=1)
    assert refused(fresh, "assign", HANDLER, assignee="x", kind="team", due_at=naive).field
    state = step(fresh, "assign", HANDLER, assignee="Response A", kind="team")
    assert state.team == "Response A"
    again = refused(state, "assign", HANDLER, assignee="Response A", kind="team")
    assert "already assigned" in str(again) and again.conflict  # the state, not the request


def test_only_the_officer_named_or_a_supervisor_acknowledges() -> None:
    state = step(ActionState(rule_id="course_of_conduct"), "assign", HANDLER,
                 assignee="pc-jones", kind="officer")  # fmt: skip
    other = refused(state, "acknowledge", OTHER_OFFICER)
    assert other.forbidden and "assigned to pc-jones" in str(other)
    assert step(state, "acknowledge", SERGEANT).acknowledged_by == "ps-clarke"
    acked = step(state, "acknowledge", OFFICER)
    assert "already acknowledged by pc-jones" in str(refused(acked, "acknowledge", OFFICER))
    # assigned to a team: any officer of it may take it on
    team = step(ActionState(rule_id="course_of_conduct"), "assign", HANDLER,
                assignee="Response A", kind="team")  # fmt: skip
    assert step(team, "acknowledge", OTHER_OFFICER).acknowledged_by == "pc-amin"


def test_an_action_needs_words() -> None:
    assert refused(owned(), "act", OFFICER, note="done").field == "note"
    assert refused(owned(), "act", OFFICER, note="x" * 2001).field == "note"


def test_only_a_breach_alert_carries_an_arrest_decision() -> None:
    state = owned("course_of_conduct")
    assert "only a breach alert" in str(refused(state, "decide", OFFICER, **NOT_ARRESTED))


def test_a_decision_must_be_complete() -> None:
    state = owned()
    assert refused(state, "decide", OFFICER, arrested="no").field == "arrested"
    short = refused(state, "decide", OFFICER, arrested=False, rationale="not needed")
    assert short.field == "rationale" and "s24(5)" in str(short)
    no_ground = refused(state, "decide", OFFICER, arrested=True, arrested_at=T0, arrested_by="x")
    assert no_ground.field == "grounds"
    bad_ground = refused(state, "decide", OFFICER, arrested=True, arrested_at=T0,
                         arrested_by="x", grounds=["z"])  # fmt: skip
    assert bad_ground.field == "grounds"
    future = T0 + timedelta(days=1)
    assert refused(state, "decide", OFFICER, arrested=True, arrested_at=future, arrested_by="x",
                   grounds=["e"]).field == "arrested_at"  # fmt: skip
    assert refused(state, "decide", OFFICER, arrested=True, arrested_at=T0,
                   grounds=["e"]).field == "arrested_by"  # fmt: skip


def test_a_decision_already_made_is_not_made_again() -> None:
    pending = step(owned(), "decide", OFFICER, 2, **NOT_ARRESTED)
    again = refused(pending, "decide", OFFICER, **NOT_ARRESTED)
    assert "already recorded" in str(again) and "signs or overturns" in str(again)
    arrested = step(pending, "decide", OFFICER, 3, arrested=True, arrested_at=T0 + timedelta(
        minutes=3), arrested_by="pc-amin", grounds=["c_i"])  # fmt: skip
    assert arrested.decision is not None and arrested.decision.arrested
    assert "arrest is already recorded" in str(refused(arrested, "decide", OFFICER, **NOT_ARRESTED))


def test_an_officer_cannot_sign_off_their_own_decision() -> None:
    """Even a supervisor who made the decision: another supervisor signs it off."""
    by_sergeant = step(owned(), "decide", SERGEANT, 2, **NOT_ARRESTED)
    own = refused(by_sergeant, "signoff", SERGEANT, approve=True)
    assert own.forbidden and "you made this decision" in str(own)
    assert step(by_sergeant, "signoff", INSPECTOR, approve=True).decision.settled


def test_a_call_handler_or_an_officer_cannot_sign_off() -> None:
    pending = step(owned(), "decide", OFFICER, 2, **NOT_ARRESTED)
    for actor in (HANDLER, OTHER_OFFICER, ANALYST):
        refusal = refused(pending, "signoff", actor, approve=True)
        assert refusal.forbidden and f"a {actor.role} may not signoff" in str(refusal)


def test_an_overturned_decision_must_be_made_again_and_the_alert_stays_open() -> None:
    pending = step(owned(), "decide", OFFICER, 2, **NOT_ARRESTED)
    assert refused(pending, "signoff", SERGEANT, approve=False).field == "note"
    overturned = step(pending, "signoff", SERGEANT, 5, approve=False,
                      note="Arrest was necessary to protect her: s24(5)(d)")  # fmt: skip
    assert overturned.decision is None
    assert "closes only with an arrest decision" in str(
        refused(overturned, "close", OFFICER, outcome="crime_recorded", reason="8Q recorded")
    )
    assert summary(overturned, T0, 24)["decision_owed"] is True


def test_a_breach_alert_closes_only_with_a_settled_decision_and_any_alert_only_with_a_reason() -> (
    None
):
    state = owned()
    close = {"outcome": "crime_recorded", "reason": "8Q recorded on CR-9"}
    assert "arrest decision" in str(refused(state, "close", OFFICER, **close))
    pending = step(state, "decide", OFFICER, 2, **NOT_ARRESTED)
    assert "waiting for a supervisor" in str(refused(pending, "close", OFFICER, **close))
    course = owned("course_of_conduct")
    assert refused(course, "close", OFFICER, outcome="sorted", reason="all fine now").field == (
        "outcome"
    )
    assert refused(course, "close", OFFICER, outcome="referred", reason="ok").field == "reason"
    assert refused(course, "close", OFFICER, outcome="referred").field == "reason"


def test_a_closed_alert_takes_no_step_but_reopening() -> None:
    closed = step(owned("course_of_conduct"), "close", OFFICER, 5, outcome="referred",
                  reason="Referred to MARAC 12 March")  # fmt: skip
    for name, actor, given in (
        ("assign", HANDLER, {"assignee": "pc-amin", "kind": "officer"}),
        ("acknowledge", OFFICER, {}),
        ("act", OFFICER, {"note": "went round again"}),
        ("close", OFFICER, {"outcome": "referred", "reason": "Referred to MARAC"}),
        ("signoff", SERGEANT, {"approve": True}),
    ):
        assert "closed" in str(refused(closed, name, actor, **given)), name
    assert refused(closed, "reopen", OFFICER, reason="again").field == "reason"
    reopened = step(closed, "reopen", OFFICER, 9, reason="She called again tonight")
    assert (reopened.status, reopened.assignee, reopened.reopened) == ("assigned", "pc-jones", 1)
    assert reopened.outcome is None
    # the owner takes it on again before working it
    assert refused(reopened, "act", OFFICER, note="went round again").field == "step"


def test_a_new_occurrence_reopens_a_closed_alert_as_the_system() -> None:
    open_one = owned("course_of_conduct")
    assert reopen_on_occurrence(open_one, "INC-9", T0) is None
    closed = step(open_one, "close", OFFICER, 5, outcome="referred", reason="Referred to MARAC")
    record = reopen_on_occurrence(closed, "INC-9", T0 + timedelta(days=2))
    assert record is not None
    assert (record.step, record.by, record.role) == ("reopen", "threadline", "system")
    assert record.detail["incident_ref"] == "INC-9"
    assert "the pattern continues: INC-9" in record.detail["reason"]


def test_the_system_may_only_reopen() -> None:
    system = Actor("threadline", "system")
    assert refused(ActionState(rule_id="x"), "assign", system, assignee="a", kind="team").forbidden


def test_each_step_refuses_the_roles_not_declared_for_it() -> None:
    roles = {"call_handler", "officer", "supervisor", "analyst", "auditor", "admin"}
    for name in STEPS:
        for role in sorted(roles - STEP_ROLES[name]):
            refusal = refused(ActionState(rule_id="order_breach"), name, Actor("u", role))
            assert refusal.forbidden, (name, role)
    assert STEP_ROLES["signoff"] == {"supervisor"}
    assert "call_handler" in STEP_ROLES["assign"]


def test_an_unknown_step_is_refused() -> None:
    assert refused(ActionState(rule_id="x"), "approve", SERGEANT).field == "step"


def test_a_not_arrested_decision_unsigned_past_its_time_is_escalated() -> None:
    pending = step(owned(), "decide", OFFICER, 0, **NOT_ARRESTED)
    assert signoff_due(pending, 24) == T0 + timedelta(hours=24)
    assert not escalated(pending, T0 + timedelta(hours=23), 24)
    assert escalated(pending, T0 + timedelta(hours=25), 24)
    assert summary(pending, T0 + timedelta(hours=25), 24)["escalated"] is True
    signed = step(pending, "signoff", SERGEANT, 60 * 30, approve=True)
    assert signoff_due(signed, 24) is None
    assert not escalated(signed, T0 + timedelta(days=5), 24)


def test_an_action_past_its_due_time_is_overdue_until_closed() -> None:
    state = step(ActionState(rule_id="course_of_conduct"), "assign", HANDLER,
                 assignee="Response A", kind="team", due_at=T0 + timedelta(hours=4))  # fmt: skip
    assert not state.overdue(T0 + timedelta(hours=3))
    assert state.overdue(T0 + timedelta(hours=5))
    state = step(state, "acknowledge", OFFICER, 10)
    closed = step(state, "close", OFFICER, 20, outcome="referred", reason="Referred to MARAC")
    assert not closed.overdue(T0 + timedelta(hours=5))
