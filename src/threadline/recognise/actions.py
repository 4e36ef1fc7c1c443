"""From alert to action: who owns an alert, what was done, and how it was closed (pure rules).

An alert is a prompt; an *action* is what a person then does about it, kept as an append-only
list of :class:`ActionRecord` values (who, when, which step, and its details). The state of an
alert's actions is never stored: :func:`replay` folds the records, so nothing is overwritten and
every step stays visible.

The steps, in the order they usually come:

``assign``       to an officer or a team (again to hand it on); not once closed
``acknowledge``  the owner takes it on (an officer assigned by name: only they, or a supervisor)
``act``          a note of what was done (visited the victim, checked the order, ...)
``decide``       a breach alert only: arrested (when, by whom) or not arrested with the rationale
``signoff``      a supervisor signs or overturns a "not arrested" decision (never their own)
``close``        only with an outcome and a reason; a breach alert only with an arrest decision,
                 and a "not arrested" only once signed off
``reopen``       the pattern continues (a new occurrence, or a person who says so)

The law behind the breach steps (``/work/shared/domain.md``, "Arrest"): the old category
"arrestable offence" ended when SOCPA 2005 s110 replaced PACE s24; an arrest without warrant
needs the **PACE s24(5) necessity test** (:data:`NECESSITY_GROUNDS`), and the College of Policing
APP on domestic abuse expects positive action and a recorded rationale when there is no arrest.
A "not arrested" decision therefore needs a supervisor's sign-off within a set time
(:func:`signoff_due`), or it is escalated (:func:`escalated`).

No database, no clock: the caller passes ``now`` and the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from threadline.export.plain import plain
from threadline.model.arrest import MIN_RATIONALE, NECESSITY_GROUNDS
from threadline.model.steps import StepRecord, StepRefused, fold

Step = Literal["assign", "acknowledge", "act", "decide", "signoff", "close", "reopen"]
Status = Literal["open", "assigned", "acknowledged", "closed"]

STEPS: tuple[Step, ...] = ("assign", "acknowledge", "act", "decide", "signoff", "close", "reopen")

#: The rule whose alerts are breaches of an order: they close only with an arrest decision.
BREACH_RULES = frozenset({"order_breach"})

#: The role the system acts as (a new matching occurrence reopens a closed alert).
SYSTEM_ROLE = "system"

#: Who may take each step (staff roles, as :class:`threadline.guard.policy.UserRole` spells
#: them). A call handler routes an alert to an officer or a team; officers and supervisors own
#: and act; only a supervisor signs off a "not arrested" decision (and never their own).
STEP_ROLES: Mapping[Step, frozenset[str]] = {
    "assign": frozenset({"call_handler", "officer", "supervisor"}),
    "acknowledge": frozenset({"officer", "supervisor"}),
    "act": frozenset({"officer", "supervisor"}),
    "decide": frozenset({"officer", "supervisor"}),
    "signoff": frozenset({"supervisor"}),
    "close": frozenset({"officer", "supervisor"}),
    "reopen": frozenset({"officer", "supervisor"}),
}

#: How an alert can end. Each closing names one and gives a reason in words.
OUTCOMES: Mapping[str, str] = {
    "arrest_made": "the suspect was arrested",
    "crime_recorded": "the crime was recorded",
    "safeguarding_in_place": "safeguarding is in place for the victim",
    "referred": "referred on (MARAC, IDVA or stalking advocate, another agency)",
    "order_sought": "a protection order was applied for",
    "no_further_action": "no further action, for the reason given",
    "not_linked": "the records were wrongly linked (the alert does not apply)",
}

ASSIGNEE_KINDS = ("officer", "team")
#: The shortest reason or rationale accepted: a few words, not a tick in a box.
MIN_REASON = 10
MAX_TEXT = 2000


class ActionRefused(StepRefused):
    """A step that cannot be taken now; the message says why in words, ``field`` what to fix.
    A step the state does not allow (``field`` "step") is a conflict too."""

    def __init__(self, message: str, field: str | None = None, **flags: bool) -> None:
        super().__init__(message, field, **flags)
        self.conflict = self.conflict or field == "step"


@dataclass(frozen=True)
class Actor:
    """Who takes a step: a username and a staff role (or :data:`SYSTEM_ROLE`)."""

    username: str
    role: str


class ActionRecord(StepRecord[Step]):
    """One step taken on an alert: append-only, attributed."""


@dataclass(frozen=True)
class Decision:
    """An arrest decision on a breach alert, and its sign-off (for "not arrested")."""

    arrested: bool
    by: str
    at: datetime
    arrested_at: datetime | None = None
    arrested_by: str | None = None
    grounds: tuple[str, ...] = ()
    rationale: str | None = None
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None

    @property
    def needs_signoff(self) -> bool:
        return not self.arrested and self.signed_off_by is None

    @property
    def settled(self) -> bool:
        """Arrested, or not arrested and signed off: enough to close a breach alert."""
        return self.arrested or self.signed_off_by is not None


@dataclass(frozen=True)
class ActionState:
    """Where an alert's actions stand, folded from its records (:func:`replay`)."""

    rule_id: str
    status: Status = "open"
    assignee: str | None = None
    assignee_kind: str | None = None
    team: str | None = None
    due_at: datetime | None = None
    acknowledged_by: str | None = None
    decision: Decision | None = None
    outcome: str | None = None
    reason: str | None = None
    closed_at: datetime | None = None
    reopened: int = 0
    records: tuple[ActionRecord, ...] = ()

    @property
    def breach(self) -> bool:
        """Whether this is a breach alert (it closes only with an arrest decision)."""
        return self.rule_id in BREACH_RULES

    @property
    def owned(self) -> bool:
        return self.status == "acknowledged"

    def overdue(self, now: datetime) -> bool:
        """Assigned with a due time that has passed, and not closed."""
        return self.status != "closed" and self.due_at is not None and self.due_at < now


# --- checking a step -----------------------------------------------------------------------


def _text(value: Any, name: str, minimum: int, what: str) -> str:
    if not isinstance(value, str) or len(value.strip()) < minimum:
        raise ActionRefused(f"give {what} ({minimum} characters or more)", name)
    if len(value) > MAX_TEXT:
        raise ActionRefused(f"keep {name} under {MAX_TEXT} characters", name)
    return value.strip()


def _time(value: Any, name: str, now: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ActionRefused(f"{name} must be a time with its time zone", name)
    if value > now:
        raise ActionRefused(f"{name} is in the future", name)
    return value


def _check_role(step: Step, actor: Actor) -> None:
    if actor.role == SYSTEM_ROLE and step == "reopen":
        return
    if actor.role not in STEP_ROLES[step]:
        allowed = ", ".join(sorted(STEP_ROLES[step]))
        raise ActionRefused(
            f"a {actor.role} may not {step} an alert (allowed: {allowed})", forbidden=True
        )


def _not_closed(state: ActionState, step: Step) -> None:
    if state.status == "closed":
        raise ActionRefused(f"the alert is closed: reopen it before you {step}", "step")


def _owned(state: ActionState, step: Step) -> None:
    _not_closed(state, step)
    if state.status != "acknowledged":
        raise ActionRefused(
            f"nobody has acknowledged the alert yet: it must be assigned and acknowledged "
            f"before you {step}",
            "step",
        )


def check(
    state: ActionState, step: Step, actor: Actor, now: datetime, **given: Any
) -> ActionRecord:
    """The record of ``actor`` taking ``step`` on an alert in ``state`` at ``now``, with its
    details checked; :class:`ActionRefused` saying why not. Nothing is stored here."""
    if step not in STEPS:
        raise ActionRefused(f"no such step {step!r}: one of {', '.join(STEPS)}", "step")
    _check_role(step, actor)
    detail = _CHECKS[step](state, actor, now, given)
    return ActionRecord(step, actor.username, actor.role, now, detail)


def _assign(state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]) -> dict[str, Any]:
    _not_closed(state, "assign")
    kind = g.get("kind")
    if kind not in ASSIGNEE_KINDS:
        raise ActionRefused("assign to an officer or a team (kind: officer or team)", "kind")
    assignee = _text(g.get("assignee"), "assignee", 1, "the officer's or team's name")
    if assignee == state.assignee and kind == state.assignee_kind:
        raise ActionRefused(
            f"the alert is already assigned to {assignee}", "assignee", conflict=True
        )
    detail: dict[str, Any] = {"assignee": assignee, "kind": kind}
    team = g.get("team")
    if team is not None:
        detail["team"] = _text(team, "team", 1, "the team's name")
    elif kind == "team":
        detail["team"] = assignee
    due = g.get("due_at")
    if due is not None:
        if not isinstance(due, datetime) or due.tzinfo is None:
            raise ActionRefused("due_at must be a time with its time zone", "due_at")
        if due <= now:
            raise ActionRefused("due_at must be later than now", "due_at")
        detail["due_at"] = due
    return detail


def _acknowledge(
    state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]
) -> dict[str, Any]:
    _not_closed(state, "acknowledge")
    if state.status == "open":
        raise ActionRefused("assign the alert before it is acknowledged", "step")
    if state.status == "acknowledged":
        raise ActionRefused(f"already acknowledged by {state.acknowledged_by}", "step")
    if (
        state.assignee_kind == "officer"
        and actor.username != state.assignee
        and actor.role != "supervisor"
    ):
        raise ActionRefused(
            f"the alert is assigned to {state.assignee}: only they or a supervisor acknowledge it",
            forbidden=True,
        )
    return {}


def _act(state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]) -> dict[str, Any]:
    _owned(state, "act")
    return {"note": _text(g.get("note"), "note", MIN_REASON, "what was done")}


def _decide(state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]) -> dict[str, Any]:
    if not state.breach:
        raise ActionRefused("only a breach alert carries an arrest decision", "step")
    _owned(state, "decide")
    arrested = g.get("arrested")
    if not isinstance(arrested, bool):
        raise ActionRefused(
            "say whether the suspect was arrested (arrested: true or false)", "arrested"
        )
    current = state.decision
    if current is not None and current.arrested:
        raise ActionRefused(f"an arrest is already recorded (by {current.by})", "arrested")
    if current is not None and not arrested:
        raise ActionRefused(
            f"a 'not arrested' decision is already recorded by {current.by}"
            + (": a supervisor signs or overturns it" if current.needs_signoff else ""),
            "arrested",
        )
    grounds = g.get("grounds") or ()
    if isinstance(grounds, str) or not all(x in NECESSITY_GROUNDS for x in grounds):
        raise ActionRefused(
            "grounds are PACE s24(5) paragraphs: " + ", ".join(NECESSITY_GROUNDS), "grounds"
        )
    detail: dict[str, Any] = {"arrested": arrested, "grounds": sorted(set(grounds))}
    if arrested:
        if not grounds:
            raise ActionRefused(
                "name the PACE s24(5) ground that made the arrest necessary", "grounds"
            )
        detail["arrested_at"] = _time(g.get("arrested_at"), "arrested_at", now)
        detail["arrested_by"] = _text(g.get("arrested_by"), "arrested_by", 1, "who arrested")
    else:
        detail["rationale"] = _text(
            g.get("rationale"),
            "rationale",
            MIN_RATIONALE,
            "the rationale for not arresting: why no PACE s24(5) ground made arrest necessary "
            "and what positive action was taken instead",
        )
    return detail


def _signoff(state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]) -> dict[str, Any]:
    _not_closed(state, "signoff")
    decision = state.decision
    if decision is None or not decision.needs_signoff:
        raise ActionRefused("there is no 'not arrested' decision waiting for sign-off", "step")
    if decision.by == actor.username:
        raise ActionRefused(
            "you made this decision: another supervisor signs it off", forbidden=True
        )
    approve = g.get("approve")
    if not isinstance(approve, bool):
        raise ActionRefused("sign off (approve: true) or overturn (approve: false)", "approve")
    detail: dict[str, Any] = {"approve": approve}
    note = g.get("note")
    if not approve or note is not None:
        detail["note"] = _text(note, "note", MIN_REASON, "why the decision is overturned")
    return detail


def _close(state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]) -> dict[str, Any]:
    _owned(state, "close")
    outcome = g.get("outcome")
    if outcome not in OUTCOMES:
        raise ActionRefused("close with an outcome: one of " + ", ".join(OUTCOMES), "outcome")
    reason = _text(g.get("reason"), "reason", MIN_REASON, "the reason for closing")
    if state.breach:
        decision = state.decision
        if decision is None:
            raise ActionRefused(
                "a breach alert closes only with an arrest decision: record arrested or not "
                "arrested (with the PACE s24(5) rationale) first",
                "step",
            )
        if not decision.settled:
            raise ActionRefused(
                "the 'not arrested' decision is waiting for a supervisor's sign-off", "step"
            )
    return {"outcome": outcome, "reason": reason}


def _reopen(state: ActionState, actor: Actor, now: datetime, g: dict[str, Any]) -> dict[str, Any]:
    if state.status != "closed":
        raise ActionRefused("the alert is not closed", "step")
    detail: dict[str, Any] = {"reason": _text(g.get("reason"), "reason", MIN_REASON, "why")}
    if g.get("incident_ref"):
        detail["incident_ref"] = str(g["incident_ref"])
    return detail


_CHECKS = {
    "assign": _assign,
    "acknowledge": _acknowledge,
    "act": _act,
    "decide": _decide,
    "signoff": _signoff,
    "close": _close,
    "reopen": _reopen,
}


# --- folding the records -------------------------------------------------------------------


def _as_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def apply(state: ActionState, record: ActionRecord) -> ActionState:
    """The state after ``record`` (already checked when it was taken)."""
    d = record.detail
    new = replace(state, records=(*state.records, record))
    if record.step == "assign":
        return replace(
            new,
            status="assigned",
            assignee=d["assignee"],
            assignee_kind=d["kind"],
            team=d.get("team", state.team),
            due_at=_as_time(d.get("due_at")),
            acknowledged_by=None,
        )
    if record.step == "acknowledge":
        return replace(new, status="acknowledged", acknowledged_by=record.by)
    if record.step == "decide":
        decision = Decision(
            arrested=bool(d["arrested"]),
            by=record.by,
            at=record.at,
            arrested_at=_as_time(d.get("arrested_at")),
            arrested_by=d.get("arrested_by"),
            grounds=tuple(d.get("grounds", ())),
            rationale=d.get("rationale"),
        )
        return replace(new, decision=decision)
    if record.step == "signoff" and state.decision is not None:
        if d["approve"]:
            signed = replace(state.decision, signed_off_by=record.by, signed_off_at=record.at)
            return replace(new, decision=signed)
        return replace(new, decision=None)  # overturned: a new decision is owed
    if record.step == "close":
        return replace(
            new, status="closed", outcome=d["outcome"], reason=d["reason"], closed_at=record.at
        )
    if record.step == "reopen":
        status: Status = "assigned" if state.assignee else "open"
        return replace(
            new,
            status=status,
            acknowledged_by=None,
            outcome=None,
            reason=None,
            closed_at=None,
            reopened=state.reopened + 1,
        )
    return new


def replay(rule_id: str, records: Iterable[ActionRecord]) -> ActionState:
    """The state of an alert of ``rule_id`` after ``records``, in the order taken."""
    return fold(ActionState(rule_id=rule_id), records, apply)


def take(
    state: ActionState, step: Step, actor: Actor, now: datetime, **given: Any
) -> tuple[ActionRecord, ActionState]:
    """:func:`check` the step, and the state after it."""
    record = check(state, step, actor, now, **given)
    return record, apply(state, record)


# --- sign-off time -------------------------------------------------------------------------


def signoff_due(state: ActionState, hours: float) -> datetime | None:
    """When a pending "not arrested" decision must be signed off by (``None`` if none is)."""
    decision = state.decision
    if decision is None or not decision.needs_signoff:
        return None
    return decision.at + timedelta(hours=hours)


def escalated(state: ActionState, now: datetime, hours: float) -> bool:
    """A "not arrested" decision left unsigned past its time: escalated to the next rank."""
    due = signoff_due(state, hours)
    return due is not None and now > due


def reopen_on_occurrence(
    state: ActionState, incident_ref: str, now: datetime
) -> ActionRecord | None:
    """The record that reopens a closed alert because ``incident_ref`` continues its pattern
    (``None`` if the alert is not closed)."""
    if state.status != "closed":
        return None
    return check(
        state,
        "reopen",
        Actor("threadline", SYSTEM_ROLE),
        now,
        reason=f"the pattern continues: {incident_ref}",
        incident_ref=incident_ref,
    )


def summary(state: ActionState, now: datetime, hours: float) -> dict[str, Any]:
    """The state as plain data for a screen or the API (times as ISO 8601)."""
    decision = state.decision
    due = signoff_due(state, hours)
    return {
        "status": state.status,
        "assignee": state.assignee,
        "assignee_kind": state.assignee_kind,
        "team": state.team,
        "due_at": state.due_at.isoformat() if state.due_at else None,
        "overdue": state.overdue(now),
        "acknowledged_by": state.acknowledged_by,
        "breach": state.breach,
        "decision": plain(decision),
        "decision_owed": state.breach and state.status != "closed" and decision is None,
        "signoff_due": due.isoformat() if due else None,
        "escalated": escalated(state, now, hours),
        "outcome": state.outcome,
        "reason": state.reason,
        "reopened": state.reopened,
        "steps": [r.to_dict() for r in state.records],
    }
