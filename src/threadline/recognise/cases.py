"""One case for one course of conduct: the steps of a case and who may take them (pure rules).

A *case* gathers the incidents of one suspect's course of conduct against one victim into one
investigation with an officer in the case (issue 23, part 2). The Home Office Counting Rules
count a course of conduct against one victim as one crime (``/work/shared/domain.md``, "One
crime for one course of conduct"); the inspectorate found incidents "treated in isolation" and
"nobody owned the whole case". So the incidents are investigated together, by one officer.

A case's history is a list of :class:`CaseRecord` values, append-only; its state is folded from
them by :func:`fold`, never overwritten. The steps:

``open``    Threadline opens the case when a course of conduct is first recognised
``join``    Threadline adds an incident of the course of conduct (at call time, the officer in
            the case is told)
``assign``  a supervisor makes an officer (or a team) the officer in the case
``note``    an officer or supervisor records what was done
``close``   the officer in the case or a supervisor, with a reason; not while a breach of an
            order in the case is owed its arrest decision or, for "not arrested", a
            supervisor's sign-off (the decision is not settled until then)
``reopen``  an officer or supervisor with a reason, or Threadline when a new incident joins

No database, no clock: the caller passes ``now`` and the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from threadline.model import steps
from threadline.model.steps import StepRecord, StepRefused
from threadline.recognise.actions import MAX_TEXT, MIN_REASON, SYSTEM_ROLE, Actor

CaseStep = Literal["open", "join", "assign", "note", "close", "reopen"]
CaseStatus = Literal["open", "closed"]

#: The steps a member of staff takes (``open`` and ``join`` are Threadline's own).
STAFF_STEPS: tuple[CaseStep, ...] = ("assign", "note", "close", "reopen")
#: The steps only Threadline takes.
SYSTEM_STEPS: tuple[CaseStep, ...] = ("open", "join")

#: Who may take each staff step (roles as :class:`threadline.guard.policy.UserRole` spells
#: them). Allocating the officer in the case is a supervisor's decision; officers and
#: supervisors record what was done and close or reopen it (an officer only their own case).
CASE_STEP_ROLES: Mapping[CaseStep, frozenset[str]] = {
    "assign": frozenset({"supervisor"}),
    "note": frozenset({"officer", "supervisor"}),
    "close": frozenset({"officer", "supervisor"}),
    "reopen": frozenset({"officer", "supervisor"}),
}

#: The shortest name of an officer or team accepted.
MIN_NAME = 2
MAX_NAME = 80
MIN_NOTE = 3


class CaseRefused(StepRefused):
    """A step that cannot be taken now; the message says why, ``field`` what to fix.
    ``forbidden``: because of who asked; ``conflict``: because of where the case stands."""


class CaseRecord(StepRecord[CaseStep]):
    """One step on a case: append-only, attributed."""


@dataclass(frozen=True)
class CaseState:
    """Where a case stands: folded from its records."""

    status: CaseStatus = "open"
    officer: str | None = None
    team: str | None = None
    closed_at: datetime | None = None
    records: tuple[CaseRecord, ...] = ()


def _apply(state: CaseState, record: CaseRecord) -> CaseState:
    detail = record.detail
    state = replace(state, records=(*state.records, record))
    if record.step == "open":
        return replace(state, status="open", officer=detail.get("officer"), team=detail.get("team"))
    if record.step == "assign":
        return replace(state, officer=detail.get("officer"), team=detail.get("team"))
    if record.step == "close":
        return replace(state, status="closed", closed_at=record.at)
    if record.step == "reopen":
        return replace(state, status="open", closed_at=None)
    return state


def fold(records: Iterable[CaseRecord]) -> CaseState:
    """The state the ``records`` leave a case in, taken in order."""
    return steps.fold(CaseState(), records, _apply)


def _text(given: Mapping[str, Any], name: str, shortest: int, longest: int = MAX_TEXT) -> str:
    value = given.get(name)
    if not isinstance(value, str) or len(value.strip()) < shortest:
        raise CaseRefused(f"{name} needs at least {shortest} characters", field=name)
    if len(value) > longest:
        raise CaseRefused(f"{name} is at most {longest} characters", field=name)
    return value.strip()


def take(
    state: CaseState,
    step: CaseStep,
    actor: Actor,
    now: datetime,
    *,
    owed_decisions: Sequence[str] = (),
    **given: Any,
) -> tuple[CaseRecord, CaseState]:
    """``actor`` takes ``step`` at ``now``: the record to append and the state it leaves.

    ``owed_decisions``: the breach alerts of the case whose arrest decision is not settled (none
    yet, or a "not arrested" not yet signed off): a case does not close over them. Raises
    :class:`CaseRefused` saying why a step cannot be taken.
    """
    if step in SYSTEM_STEPS or actor.role == SYSTEM_ROLE:
        if actor.role != SYSTEM_ROLE or step not in (*SYSTEM_STEPS, "reopen"):
            raise CaseRefused(f"only Threadline itself takes the {step} step", forbidden=True)
    elif actor.role not in CASE_STEP_ROLES[step]:
        roles = ", ".join(sorted(CASE_STEP_ROLES[step]))
        raise CaseRefused(f"the {step} step on a case is for: {roles}", forbidden=True)
    detail: dict[str, Any] = {}
    if step == "assign":
        if state.status == "closed":
            raise CaseRefused("the case is closed: reopen it first", field="step", conflict=True)
        detail["officer"] = _text(given, "officer", MIN_NAME, MAX_NAME)
        team = given.get("team")
        if team is not None:
            detail["team"] = _text(given, "team", MIN_NAME, MAX_NAME)
        else:
            detail["team"] = state.team
    elif step == "note":
        detail["note"] = _text(given, "note", MIN_NOTE)
    elif step == "close":
        if state.status == "closed":
            raise CaseRefused("the case is already closed", field="step", conflict=True)
        if actor.role == "officer" and actor.username != state.officer:
            raise CaseRefused(
                "only the officer in the case or a supervisor closes it", forbidden=True
            )
        if owed_decisions:
            raise CaseRefused(
                "a breach of an order in the case is owed its arrest decision, or a "
                "supervisor's sign-off of its 'not arrested' "
                f"({', '.join(owed_decisions)}): settle it before closing the case",
                field="step",
                conflict=True,
            )
        detail["reason"] = _text(given, "reason", MIN_REASON)
    elif step == "reopen":
        if state.status != "closed":
            raise CaseRefused("the case is open", field="step", conflict=True)
        detail["reason"] = _text(given, "reason", MIN_REASON)
        if given.get("incident_ref"):
            detail["incident_ref"] = str(given["incident_ref"])
    elif step == "open":
        detail.update(
            officer=given.get("officer"),
            team=given.get("team"),
            incidents=list(given.get("incidents", ())),
            reason=str(given.get("reason", "")),
        )
    elif step == "join":
        detail.update(incident_ref=str(given["incident_ref"]), reason=str(given.get("reason", "")))
    record = CaseRecord(step, actor.username, actor.role, now, detail)
    return record, _apply(state, record)


def join_message(case_id: int, incident_ref: str, reopened: bool) -> str:
    """What the officer in the case is told when ``incident_ref`` joins case ``case_id``."""
    again = " and reopened it" if reopened else ""
    return (
        f"{incident_ref} joined case {case_id}{again}: the same course of conduct "
        "(Protection from Harassment Act 1997 s7(3)); review it with the case."
    )


def open_message(case_id: int, incident_ref: str) -> str:
    """What the officer in the case is told when case ``case_id`` opens at ``incident_ref``."""
    return (
        f"Case {case_id} opened at {incident_ref}: a course of conduct (conduct on at least 2 "
        "occasions, Protection from Harassment Act 1997 s7(3)); you are the officer in the case."
    )
