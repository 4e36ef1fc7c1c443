"""A MARAC referral, tracked from made to heard to its actions (pure rules; issue 23, part 3).

A Multi-Agency Risk Assessment Conference (MARAC) hears the cases of victims at high risk; a
referral is made on the SafeLives criteria (visible high risk, professional judgement, potential
escalation, repeat referral: ``/work/shared/domain.md``, "Risk"; :mod:`threadline.risk.marac`).
What the inspectorate keeps finding is a referral made and then lost: nobody knows whether it was
heard or whether the actions agreed there were done. Each step is one append-only
:class:`ReferralRecord`; the state is never stored but folded from them (:func:`replay`).

``refer``     the referral is made: the victim, the criteria it rests on, why (officer, supervisor)
``hear``      the MARAC heard it: the meeting's day (a supervisor, the police's MARAC
              representative)
``action``    an action agreed at the MARAC: what, which agency owns it, by when (supervisor)
``complete``  an agreed action was done, with a note (officer, supervisor)
``close``     the case leaves the MARAC: every agreed action done, and a reason; a referral not
              heard may be closed too (withdrawn, or not accepted), with its reason (supervisor)

No database, no clock: the caller passes ``now`` and the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

from threadline.model.steps import StepRecord, StepRefused, fold
from threadline.risk.marac import MARAC_CRITERIA, local_day

ReferralStep = Literal["refer", "hear", "action", "complete", "close"]
ReferralStatus = Literal["made", "heard", "closed"]

REFERRAL_STEPS: tuple[ReferralStep, ...] = ("refer", "hear", "action", "complete", "close")

#: Who may take each step (staff roles, as :class:`threadline.guard.policy.UserRole` spells them).
REFERRAL_STEP_ROLES: Mapping[ReferralStep, frozenset[str]] = {
    "refer": frozenset({"officer", "supervisor"}),
    "hear": frozenset({"supervisor"}),
    "action": frozenset({"supervisor"}),
    "complete": frozenset({"officer", "supervisor"}),
    "close": frozenset({"supervisor"}),
}

#: What each step does, and why those roles take it (the policy's words, :mod:`guard.policy`).
REFERRAL_STEP_WORDS: Mapping[ReferralStep, tuple[str, str]] = {
    "refer": (
        "make a MARAC referral",
        "a referral is made by the officer who assessed the risk, or their supervisor",
    ),
    "hear": (
        "record that the MARAC heard a referral",
        "the police's MARAC representative, a supervisor, records the hearing",
    ),
    "action": (
        "record an action agreed at the MARAC",
        "the police's MARAC representative, a supervisor, records what the MARAC agreed",
    ),
    "complete": (
        "record a MARAC action done",
        "the officers and supervisors who carry out an agreed action record it done",
    ),
    "close": (
        "close a MARAC referral",
        "a supervisor closes the case once every agreed action is done",
    ),
}

CRITERIA = tuple(c.id for c in MARAC_CRITERIA)
MIN_REASON = 10
MAX_TEXT = 2000
MAX_NAME = 80


class ReferralRefused(StepRefused):
    """A step that cannot be taken now; the message says why, ``field`` what to fix.

    ``forbidden``: refused because of who asked; ``conflict``: because of where the referral
    stands (a valid request at another time)."""


class ReferralRecord(StepRecord[ReferralStep]):
    """One step taken on a referral: append-only, attributed."""


@dataclass(frozen=True)
class AgreedAction:
    """An action the MARAC agreed, and whether it was done."""

    number: int
    text: str
    owner: str
    due: str | None
    agreed_by: str
    done_at: str | None = None
    done_by: str | None = None
    note: str | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, today: date) -> bool:
        return not self.done and self.due is not None and date.fromisoformat(self.due) < today


@dataclass(frozen=True)
class ReferralState:
    """Where a referral stands, folded from its records."""

    ref: str
    status: ReferralStatus | None = None
    victim: str | None = None
    criteria: tuple[str, ...] = ()
    reason: str | None = None
    alert_key: str | None = None
    made_at: datetime | None = None
    made_by: str | None = None
    heard_on: str | None = None
    meeting: str | None = None
    actions: tuple[AgreedAction, ...] = ()
    closed_reason: str | None = None
    records: tuple[ReferralRecord, ...] = ()

    @property
    def open_actions(self) -> tuple[AgreedAction, ...]:
        return tuple(a for a in self.actions if not a.done)

    def summary(self, today: date) -> dict[str, Any]:
        """The referral as JSON-ready values."""
        return {
            "ref": self.ref,
            "status": self.status,
            "victim": self.victim,
            "criteria": list(self.criteria),
            "reason": self.reason,
            "alert_key": self.alert_key,
            "made_at": self.made_at.isoformat() if self.made_at else None,
            "made_by": self.made_by,
            "heard_on": self.heard_on,
            "meeting": self.meeting,
            "actions": [
                {
                    "number": a.number,
                    "text": a.text,
                    "owner": a.owner,
                    "due": a.due,
                    "agreed_by": a.agreed_by,
                    "done": a.done,
                    "done_at": a.done_at,
                    "done_by": a.done_by,
                    "note": a.note,
                    "overdue": a.overdue(today),
                }
                for a in self.actions
            ],
            "open_actions": len(self.open_actions),
            "closed_reason": self.closed_reason,
            "steps": [r.to_dict() for r in self.records],
        }


def _text(given: Mapping[str, Any], name: str, minimum: int = 1, maximum: int = MAX_TEXT) -> str:
    value = given.get(name)
    if not isinstance(value, str) or len(value.strip()) < minimum:
        words = f"at least {minimum} characters" if minimum > 1 else "given"
        raise ReferralRefused(f"{name} must be {words}", field=name)
    if len(value) > maximum:
        raise ReferralRefused(f"{name} must be at most {maximum} characters", field=name)
    return value.strip()


def _day(given: Mapping[str, Any], name: str, required: bool) -> str | None:
    value = given.get(name)
    if value is None and not required:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ReferralRefused(f"{name} must be a day (YYYY-MM-DD)", field=name)


def check(
    state: ReferralState, step: ReferralStep, by: str, role: str, now: datetime, **given: Any
) -> ReferralRecord:
    """The record of ``step`` taken by ``by`` (``role``) at ``now``, or :class:`ReferralRefused`
    saying why it cannot be taken."""
    if step not in REFERRAL_STEP_ROLES:
        raise ReferralRefused(f"unknown step {step!r}", field="step")
    if role not in REFERRAL_STEP_ROLES[step]:
        allowed = ", ".join(sorted(REFERRAL_STEP_ROLES[step]))
        raise ReferralRefused(
            f"{REFERRAL_STEP_WORDS[step][0]}: only {allowed}", forbidden=True, field="step"
        )
    detail: dict[str, Any] = {}
    if step == "refer":
        if state.status is not None:
            raise ReferralRefused(f"{state.ref} is already made", conflict=True, field="ref")
        detail["victim"] = _text(given, "victim", maximum=MAX_NAME)
        criteria = given.get("criteria") or []
        if not isinstance(criteria, list | tuple) or not criteria:
            raise ReferralRefused(
                f"criteria: name at least one of {', '.join(CRITERIA)}", field="criteria"
            )
        unknown = [c for c in criteria if c not in CRITERIA]
        if unknown:
            raise ReferralRefused(
                f"criteria: unknown {', '.join(map(str, unknown))}; expected {', '.join(CRITERIA)}",
                field="criteria",
            )
        detail["criteria"] = list(dict.fromkeys(criteria))
        detail["reason"] = _text(given, "reason", MIN_REASON)
        if given.get("alert_key"):
            detail["alert_key"] = _text(given, "alert_key", maximum=600)
        return ReferralRecord(step, by, role, now, detail)
    if state.status is None:
        raise ReferralRefused(f"no referral {state.ref}", field="ref")
    if state.status == "closed":
        raise ReferralRefused(f"{state.ref} is closed", conflict=True, field="step")
    if step == "hear":
        if state.status == "heard":
            raise ReferralRefused(
                f"{state.ref} was already heard on {state.heard_on}", conflict=True, field="step"
            )
        heard_on = _day(given, "heard_on", required=True)
        assert heard_on is not None
        if state.made_at is not None and heard_on < local_day(state.made_at).isoformat():
            raise ReferralRefused("heard_on is before the referral was made", field="heard_on")
        if heard_on > local_day(now).isoformat():
            raise ReferralRefused("heard_on is in the future", field="heard_on")
        detail["heard_on"] = heard_on
        if given.get("meeting"):
            detail["meeting"] = _text(given, "meeting", maximum=MAX_NAME)
        return ReferralRecord(step, by, role, now, detail)
    if step != "close" and state.status != "heard":
        raise ReferralRefused(
            f"{state.ref} has not been heard yet: record the hearing first",
            conflict=True,
            field="step",
        )
    if step == "action":
        detail["text"] = _text(given, "text", MIN_REASON)
        detail["owner"] = _text(given, "owner", maximum=MAX_NAME)
        detail["due"] = _day(given, "due", required=False)
        detail["number"] = len(state.actions) + 1
        return ReferralRecord(step, by, role, now, detail)
    if step == "complete":
        number = given.get("number")
        action = next((a for a in state.actions if a.number == number), None)
        if action is None:
            raise ReferralRefused(f"{state.ref} has no agreed action {number!r}", field="number")
        if action.done:
            raise ReferralRefused(
                f"action {number} was already done on {action.done_at}",
                conflict=True,
                field="number",
            )
        detail["number"] = number
        detail["note"] = _text(given, "note", MIN_REASON)
        return ReferralRecord(step, by, role, now, detail)
    # close
    if state.open_actions:
        numbers = ", ".join(str(a.number) for a in state.open_actions)
        raise ReferralRefused(
            f"{state.ref} still has agreed actions not done: {numbers}", conflict=True, field="step"
        )
    detail["reason"] = _text(given, "reason", MIN_REASON)
    return ReferralRecord(step, by, role, now, detail)


def apply(state: ReferralState, record: ReferralRecord) -> ReferralState:
    """``state`` after ``record`` (already checked)."""
    d = record.detail
    records = (*state.records, record)
    if record.step == "refer":
        return replace(
            state,
            status="made",
            victim=d["victim"],
            criteria=tuple(d["criteria"]),
            reason=d["reason"],
            alert_key=d.get("alert_key"),
            made_at=record.at,
            made_by=record.by,
            records=records,
        )
    if record.step == "hear":
        return replace(
            state, status="heard", heard_on=d["heard_on"], meeting=d.get("meeting"), records=records
        )
    if record.step == "action":
        action = AgreedAction(d["number"], d["text"], d["owner"], d.get("due"), record.by)
        return replace(state, actions=(*state.actions, action), records=records)
    if record.step == "complete":
        actions = tuple(
            replace(a, done_at=record.at.isoformat(), done_by=record.by, note=d["note"])
            if a.number == d["number"]
            else a
            for a in state.actions
        )
        return replace(state, actions=actions, records=records)
    return replace(state, status="closed", closed_reason=d["reason"], records=records)


def replay(ref: str, records: Iterable[ReferralRecord]) -> ReferralState:
    """The state of referral ``ref`` folded from its records, in the order taken."""
    return fold(ReferralState(ref), records, apply)


def take(
    state: ReferralState, step: ReferralStep, by: str, role: str, now: datetime, **given: Any
) -> tuple[ReferralRecord, ReferralState]:
    """Check ``step`` and return its record and the state after it."""
    record = check(state, step, by, role, now, **given)
    return record, apply(state, record)


__all__ = [
    "REFERRAL_STEPS",
    "REFERRAL_STEP_ROLES",
    "REFERRAL_STEP_WORDS",
    "AgreedAction",
    "ReferralRecord",
    "ReferralRefused",
    "ReferralState",
    "ReferralStep",
    "apply",
    "check",
    "replay",
    "take",
]
