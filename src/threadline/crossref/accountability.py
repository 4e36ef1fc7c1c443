"""What a supervisor answers for, per team and period: breaches nobody decided on, "not arrested"
decisions nobody signed off, actions past their time, DASH owed by officer, calls without the
research check.

The alert items come from the stored steps folded by :mod:`threadline.recognise.actions`; the
DASH owed by officer is counted by the database (:func:`threadline.crossref.owed_list.
dash_owed_by_officer`, the DASH rules of :func:`threadline.crossref.risk.owed`) and the research
check is the existing report (:func:`threadline.crossref.supervision.unresearched_incidents`),
both narrowed to the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.crossref.actions import states_of
from threadline.crossref.owed_list import dash_owed_by_officer
from threadline.crossref.supervision import unresearched_incidents
from threadline.export.plain import plain
from threadline.recognise.actions import ActionState, escalated, signoff_due
from threadline.store.actions import alerts_with_steps

#: The team an alert nobody assigned to a team is reported under.
UNASSIGNED = "(unassigned)"


@dataclass(frozen=True)
class Item:
    """One alert a supervisor must act on: which, what is owed, by whom, since or due when."""

    alert_key: str
    rule_id: str
    incident_ref: str
    people: tuple[str, ...]
    team: str
    owner: str | None
    owed: str
    when: datetime | None
    escalated: bool = False
    #: a "not arrested" decision's rationale, for the supervisor who signs it off or overturns it
    rationale: str | None = None


@dataclass(frozen=True)
class Accountability:
    """The report: each list newest concern first."""

    as_of: datetime
    team: str | None
    since: datetime | None
    until: datetime | None
    breaches_without_decision: list[Item] = field(default_factory=list)
    not_arrested_unsigned: list[Item] = field(default_factory=list)
    past_due: list[Item] = field(default_factory=list)
    dash_owed_by_officer: dict[str, int] = field(default_factory=dict)
    unresearched: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON (:func:`~threadline.export.plain.plain`: times as ISO 8601)."""
        answer: dict[str, Any] = plain(self)
        return answer


def _in_period(when: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when < until)


def _item(alert: dict[str, Any], state: ActionState, owed_: str, when: datetime | None) -> Item:
    return Item(
        alert_key=alert["alert_key"],
        rule_id=alert["rule_id"],
        incident_ref=alert["incident_ref"],
        people=tuple(alert["people"]),
        team=state.team or UNASSIGNED,
        owner=state.acknowledged_by or state.assignee,
        owed=owed_,
        when=when,
    )


def accountability(
    engine: Engine,
    now: datetime,
    signoff_hours: float,
    *,
    team: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Accountability:
    """The report for ``team`` (every team when ``None``) over alerts raised and incidents
    reported in ``[since, until)`` (open-ended where ``None``), as of ``now``."""
    with engine.connect() as conn:
        alerts = [
            a
            for a in alerts_with_steps(conn)
            if a["status"] != "cleared" and _in_period(a["raised_at"], since, until)
        ]
        states = states_of(conn, alerts)
        unresearched = [
            row
            for row in unresearched_incidents(conn)
            if _in_period(row["reported_at"], since, until)
        ]
    report = Accountability(now, team, since, until, unresearched=unresearched)
    for alert in alerts:
        state = states[alert["alert_key"]]
        if team is not None and state.team != team:
            continue
        if state.status == "closed":
            continue
        if state.breach and state.decision is None:
            report.breaches_without_decision.append(
                _item(alert, state, "an arrest decision (PACE s24(5))", alert["raised_at"])
            )
        if state.decision is not None and state.decision.needs_signoff:
            item = _item(alert, state, "a supervisor's sign-off of 'not arrested'", None)
            report.not_arrested_unsigned.append(
                Item(
                    **{
                        **item.__dict__,
                        "when": signoff_due(state, signoff_hours),
                        "owner": state.decision.by,
                        "escalated": escalated(state, now, signoff_hours),
                        "rationale": state.decision.rationale,
                    }
                )
            )
        if state.overdue(now):
            report.past_due.append(_item(alert, state, "the action assigned", state.due_at))
    if team is None:
        report.dash_owed_by_officer.update(dash_owed_by_officer(engine, now, since, until))
    return report
