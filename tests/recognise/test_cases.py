"""The steps of a case and who may take them (pure rules: no store, no clock).

Home Office Counting Rules (``shared/domain.md``): "a course of conduct against one victim is
one crime"; a case is its one investigation, closed only once no breach in it is owed its
arrest decision (PACE s24(5): the decision and its rationale are recorded, issue 23).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from threadline.recognise.actions import SYSTEM_ROLE, Actor
from threadline.recognise.cases import CaseRefused, CaseState, fold, take

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
SYSTEM = Actor("threadline", SYSTEM_ROLE)
SERGEANT = Actor("ps-clarke", "supervisor")
OFFICER = Actor("pc-hendra", "officer")


def opened() -> CaseState:
    record, state = take(CaseState(), "open", SYSTEM, T0, officer="PC 4411 Hendra",
                         incidents=["RP-1", "RP-2"])  # fmt: skip
    assert fold([record]) == state
    return state


def test_only_threadline_opens_and_joins_and_staff_steps_are_for_their_roles() -> None:
    with pytest.raises(CaseRefused) as refused:
        take(CaseState(), "open", SERGEANT, T0)
    assert refused.value.forbidden
    with pytest.raises(CaseRefused) as refused:
        take(opened(), "note", SYSTEM, T0, note="a note")
    assert refused.value.forbidden
    for role in ("call_handler", "officer", "analyst"):
        with pytest.raises(CaseRefused) as refused:
            take(opened(), "assign", Actor("someone", role), T0, officer="pc-hendra")
        assert refused.value.forbidden, role


def test_assign_then_close_by_the_officer_in_the_case_and_reopen() -> None:
    _, state = take(opened(), "assign", SERGEANT, T0, officer="pc-hendra", team="PPU North")
    assert (state.officer, state.team) == ("pc-hendra", "PPU North")
    with pytest.raises(CaseRefused) as refused:
        take(state, "close", Actor("pc-other", "officer"), T0, reason="Nothing more to do")
    assert refused.value.forbidden
    with pytest.raises(CaseRefused) as refused:
        take(state, "close", OFFICER, T0, reason="Charged (8Q)", owed_decisions=["order_breach:X"])
    assert refused.value.conflict and "arrest decision" in str(refused.value)
    with pytest.raises(CaseRefused) as refused:
        take(state, "close", OFFICER, T0, reason="too short")
    assert refused.value.field == "reason"
    _, closed = take(state, "close", OFFICER, T0, reason="Charged with stalking (8Q)")
    assert closed.status == "closed" and closed.closed_at == T0
    with pytest.raises(CaseRefused) as refused:
        take(closed, "assign", SERGEANT, T0, officer="pc-other")
    assert refused.value.conflict
    _, again = take(closed, "reopen", SYSTEM, T0, reason="the course of conduct continues: RP-3")
    assert again.status == "open" and again.closed_at is None
    assert [r.step for r in again.records] == ["open", "assign", "close", "reopen"]
