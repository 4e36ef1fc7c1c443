"""Acting on alerts: take a step, see where an alert stands, reopen it when the pattern continues.

Every step is checked by :mod:`threadline.recognise.actions` (the state machine and who may take
each step), appended to ``alert_actions`` and audited in one transaction: neither is stored
without the other. Closing an alert sets its stored status to ``closed`` (it leaves the open
boxes of the picture and the dashboard); the engine then raises it again when a new incident
continues its pattern, and :func:`reopen_closed` records that reopening as a step of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, update

from threadline.guard import audit
from threadline.recognise.actions import (
    SYSTEM_ROLE,
    ActionRecord,
    ActionState,
    Actor,
    Step,
    reopen_on_occurrence,
    replay,
    summary,
    take,
)
from threadline.store import tables as t
from threadline.store import writing
from threadline.store.actions import alert_row, append_step, steps_of

#: Writes the audit row of a step in the step's transaction: (conn, action, records, detail).
AuditHook = Callable[[Connection, str, list[str], dict[str, Any]], object]


class AlertNotFound(LookupError):
    """No alert with that key."""


def audit_action(step: str) -> str:
    """The policy action (and audit action) of ``step``: ``alert.assign``, ``alert.signoff``..."""
    return f"alert.{step}"


def audit_records(alert: Mapping[str, Any]) -> list[str]:
    """What an audit row of a step names: the alert and each person in it."""
    people = [f"person:{p}" for p in sorted({str(p) for p in alert.get("people") or []})]
    return [f"alert:{alert['alert_key']}", *people]


def take_step(
    engine: Engine,
    alert_key: str,
    step: Step,
    actor: Actor,
    now: datetime,
    audit_hook: AuditHook,
    signoff_hours: float,
    **given: Any,
) -> dict[str, Any]:
    """``actor`` takes ``step`` on ``alert_key`` at ``now``: checked, stored with its audit row,
    and the alert as it then stands (:func:`alert_view`). :class:`AlertNotFound` for an unknown
    key; :class:`~threadline.recognise.actions.ActionRefused` for a step that cannot be taken."""
    with writing(engine) as conn:
        alert = alert_row(conn, alert_key)
        if alert is None:
            raise AlertNotFound(f"no alert {alert_key!r}")
        state = replay(alert["rule_id"], steps_of(conn, [alert_key]).get(alert_key, []))
        alert, after = take_step_in(conn, alert, state, step, actor, now, audit_hook, **given)
    return alert_view(alert, after, now, signoff_hours)


def take_step_in(
    conn: Connection,
    alert: Mapping[str, Any],
    state: ActionState,
    step: Step,
    actor: Actor,
    now: datetime,
    audit_hook: AuditHook,
    **given: Any,
) -> tuple[dict[str, Any], ActionState]:
    """``actor`` takes ``step`` on the stored ``alert`` (whose actions stand at ``state``) in the
    caller's transaction: checked, appended, its status kept, audited. The alert row and the
    state after it; :class:`~threadline.recognise.actions.ActionRefused` if it cannot be taken."""
    alert_key = alert["alert_key"]
    record, after = take(state, step, actor, now, **given)
    append_step(conn, alert_key, record)
    row = dict(alert)
    if step in ("close", "reopen"):
        status = "closed" if step == "close" else "open"
        conn.execute(
            update(t.alerts)
            .where(t.alerts.c.alert_key == alert_key)
            .values(status=status, updated_at=now)
        )
        row.update(status=status, updated_at=now)
    audit_hook(
        conn, audit_action(step), audit_records(row), {"alert": alert_key, **record.to_dict()}
    )
    return row, after


def alert_view(
    alert: Mapping[str, Any], state: ActionState, now: datetime, signoff_hours: float
) -> dict[str, Any]:
    """An alert with where its actions stand (times as ISO 8601)."""
    plain = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in alert.items()}
    plain.pop("id", None)
    return {**plain, "actions": summary(state, now, signoff_hours)}


def show_alert(
    engine: Engine, alert_key: str, now: datetime, signoff_hours: float
) -> dict[str, Any]:
    """:func:`alert_view` of a stored alert; :class:`AlertNotFound` if there is none."""
    with engine.connect() as conn:
        alert = alert_row(conn, alert_key)
        if alert is None:
            raise AlertNotFound(f"no alert {alert_key!r}")
        state = replay(alert["rule_id"], steps_of(conn, [alert_key]).get(alert_key, []))
    return alert_view(alert, state, now, signoff_hours)


def states_of(conn: Connection, alerts: Iterable[Mapping[str, Any]]) -> dict[str, ActionState]:
    """The action state of each alert (by key), folded from its stored steps."""
    rows = list(alerts)
    steps = steps_of(conn, [a["alert_key"] for a in rows])
    return {a["alert_key"]: replay(a["rule_id"], steps.get(a["alert_key"], [])) for a in rows}


def with_actions(conn: Connection, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``alerts`` (rows of :func:`threadline.crossref.alerts.list_alerts`), each with the steps
    taken on it and where they stand (for a person's profile and history)."""
    states = states_of(conn, alerts)
    out = []
    for alert in alerts:
        state = states[alert["alert_key"]]
        out.append(
            {
                **alert,
                "actions": {
                    "status": state.status,
                    "assignee": state.assignee,
                    "acknowledged_by": state.acknowledged_by,
                    "decision_owed": state.breach
                    and state.status != "closed"
                    and state.decision is None,
                    "breach": state.breach,
                    "awaiting_signoff": state.decision is not None and state.decision.needs_signoff,
                    "steps": [r.to_dict() for r in state.records],
                },
            }
        )
    return out


def reopen_closed(conn: Connection, raised_again: Mapping[str, str], now: datetime) -> int:
    """Reopen each alert of ``raised_again`` (alert key to the incident that raised it again)
    whose actions were closed: a system step and its audit row, in the caller's transaction.
    Returns how many were reopened."""
    if not raised_again:
        return 0
    keys = sorted(raised_again)
    rows = [a for a in (alert_row(conn, k) for k in keys) if a is not None]
    states = states_of(conn, rows)
    reopened = 0
    for alert in rows:
        key = alert["alert_key"]
        state = states[key]
        record: ActionRecord | None = reopen_on_occurrence(state, raised_again[key], now)
        if record is None:
            continue
        append_step(conn, key, record)
        audit.record(
            conn,
            record.by,
            SYSTEM_ROLE,
            audit_action("reopen"),
            audit_records(alert),
            None,
            {"alert": key, **record.to_dict()},
            now,
        )
        reopened += 1
    return reopened
