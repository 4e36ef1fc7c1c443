"""Alert actions in the store: each step appended, read back in the order taken.

The rules (which step may follow which, who may take it) are :mod:`threadline.recognise.actions`;
this module only writes and reads ``alert_actions`` and the alert rows the steps are about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from threadline.recognise.actions import BREACH_RULES, ActionRecord
from threadline.store import tables as t


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in detail.items()}


def append_step(conn: Connection, alert_key: str, record: ActionRecord) -> None:
    """Append ``record`` to the steps of ``alert_key`` (in the caller's transaction)."""
    conn.execute(
        insert(t.alert_actions),
        {
            "alert_key": alert_key,
            "at": record.at,
            "step": record.step,
            "user": record.by,
            "role": record.role,
            "detail": _jsonable(dict(record.detail)),
        },
    )


def steps_of(conn: Connection, alert_keys: Iterable[str]) -> dict[str, list[ActionRecord]]:
    """The steps taken on each of ``alert_keys``, in the order taken (an alert with none is
    absent)."""
    keys = sorted(set(alert_keys))
    a = t.alert_actions
    found: dict[str, list[ActionRecord]] = {}
    for start in range(0, len(keys), 500):
        rows = conn.execute(
            select(a)
            .where(a.c.alert_key.in_(keys[start : start + 500]))
            .order_by(a.c.alert_key, a.c.id)
        )
        for row in rows:
            found.setdefault(row.alert_key, []).append(
                ActionRecord(row.step, row.user, row.role, row.at, dict(row.detail or {}))
            )
    return found


def alert_row(conn: Connection, alert_key: str) -> dict[str, Any] | None:
    """The stored alert ``alert_key`` as a dict, or ``None``."""
    row = conn.execute(select(t.alerts).where(t.alerts.c.alert_key == alert_key)).first()
    return dict(row._mapping) if row is not None else None


def alerts_with_steps(conn: Connection) -> list[dict[str, Any]]:
    """Every alert that has a step taken on it, or that is a breach alert (which owes a
    decision with or without one), oldest first."""
    al = t.alerts
    acted = select(t.alert_actions.c.alert_key)
    rows = conn.execute(
        select(al)
        .where(al.c.alert_key.in_(acted) | al.c.rule_id.in_(sorted(BREACH_RULES)))
        .order_by(al.c.raised_at, al.c.id)
    )
    return [dict(row._mapping) for row in rows]
