"""Alerts in the store: raised once, updated as incidents join them, every change kept.

The pure engine (:func:`threadline.recognise.recognise`) needs the alerts already raised about
the people, place and incidents of a new event; :func:`previous_alerts` finds them through
``alert_links``. :func:`save_changes` writes what the engine decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, insert, select, update

from threadline.crossref.actions import reopen_closed
from threadline.recognise import Alert, AlertChange
from threadline.store import tables as t
from threadline.store.queries import fetch, fetch_together
from threadline.store.writers import writer_for


def links_of(alert: Alert) -> set[str]:
    """What an alert is about: its people, the incidents it cites, where it fired."""
    links = set(alert.people) | set(alert.cited) | {alert.incident_ref, alert.raised_on}
    location = alert.details.get("location_key") if alert.details else None
    if isinstance(location, str):
        links.add(location)
    return {link for link in links if link}


def _alert_of(row: Any) -> Alert:
    return Alert(
        rule_id=row.rule_id,
        alert_key=row.alert_key,
        incident_ref=row.incident_ref,
        people=tuple(row.people),
        reason=row.reason,
        cited=tuple(row.cited),
        severity=row.severity,
        action=row.action or "",
        details=dict(row.details or {}),
        raised_on=row.first_incident_ref,
    )


@cache
def _open_alerts_linked() -> Select[Any]:
    linked = select(t.alert_links.c.alert_key).where(
        t.alert_links.c.link.in_(bindparam("links", expanding=True))
    )
    return select(t.alerts).where(t.alerts.c.alert_key.in_(linked), t.alerts.c.status == "open")


def previous_alerts(conn: Connection, links: Iterable[str]) -> dict[str, Alert]:
    """Open alerts linked to any of ``links`` (entity ids, incident refs, location keys)."""
    return alerts_of_rows(row for rows in fetch_together(conn, alert_reads(links)) for row in rows)


def alert_reads(links: Iterable[str]) -> list[tuple[Select[Any], dict[str, Any]]]:
    """The reads of :func:`previous_alerts` (a statement and its parameters per 500 links), for
    a caller that sends them with others; :func:`alerts_of_rows` makes their rows alerts."""
    wanted = sorted(set(links))
    return [
        (_open_alerts_linked(), {"links": wanted[start : start + 500]})
        for start in range(0, len(wanted), 500)
    ]


def alerts_of_rows(rows: Iterable[Any]) -> dict[str, Alert]:
    """The alerts of the rows :func:`alert_reads` read, by alert key."""
    return {row.alert_key: _alert_of(row) for row in rows}


@cache
def _alert_ids() -> Select[Any]:
    alerts = t.alerts
    keys: Any = bindparam("b_keys", expanding=True)
    return select(alerts.c.alert_key, alerts.c.id).where(alerts.c.alert_key.in_(keys))


@cache
def _alert_statements() -> dict[str, Any]:
    """The statements :func:`save_changes` runs, built once (a submission runs several)."""
    alerts, links = t.alerts, t.alert_links
    return {
        "insert": insert(alerts),
        "reopen": update(alerts).where(alerts.c.id == bindparam("b_id")),
        "update": update(alerts).where(alerts.c.alert_key == bindparam("b_key")),
        "unlink": delete(links).where(links.c.alert_key.in_(bindparam("b_keys", expanding=True))),
    }


_EVENT_COLUMNS = ("alert_key", "at", "incident_ref", "change", "reason")


def save_changes(conn: Connection, changes: Sequence[AlertChange], now: datetime) -> None:
    """Write raised, updated and cleared alerts, and an event row for each change (each kind of
    statement once for all the changes: a submission changes several alerts)."""
    statements = _alert_statements()
    updated: list[dict[str, Any]] = []
    cleared: list[dict[str, Any]] = []
    links: list[tuple[str, str]] = []
    events: list[tuple[Any, ...]] = []
    raised_again: dict[str, str] = {}
    # the raised alerts stored before (cleared, or their actions closed), read in one statement
    raised = sorted({c.alert.alert_key for c in changes if c.change == "raised"})
    stored = dict(fetch(conn, _alert_ids(), {"b_keys": raised}).all()) if raised else {}
    inserted: list[dict[str, Any]] = []
    reopened: list[dict[str, Any]] = []
    fresh: set[str] = set()
    for change in changes:
        alert = change.alert
        key = {"b_key": alert.alert_key}
        values = {
            "rule_id": alert.rule_id,
            "incident_ref": alert.incident_ref,
            "people": list(alert.people),
            "reason": alert.reason,
            "action": alert.action,
            "cited": list(alert.cited),
            "severity": alert.severity,
            "details": jsonable(alert.details),
            "updated_at": now,
        }
        if change.change == "raised":
            existing = stored.get(alert.alert_key)
            if alert.alert_key in fresh:  # raised twice in one go: the later one stands
                updated.append({**key, **values})
            elif existing is None:
                row = {"alert_key": alert.alert_key, "first_incident_ref": alert.raised_on}
                inserted.append({**row, "status": "open", "raised_at": now, **values})
                fresh.add(alert.alert_key)
            else:  # raised again after being cleared, or after its actions were closed
                reopened.append({"b_id": existing, "status": "open", **values})
                raised_again[alert.alert_key] = alert.incident_ref
        elif change.change == "updated":
            updated.append({**key, **values})
        else:
            cleared.append({**key, "status": "cleared", "updated_at": now})
        links += [(alert.alert_key, link) for link in sorted(links_of(alert))]
        events.append((alert.alert_key, now, alert.incident_ref, change.change, alert.reason))
    if inserted:
        conn.execute(statements["insert"], inserted)
    if reopened:
        conn.execute(statements["reopen"], reopened)
    for rows in (updated, cleared):
        if rows:
            conn.execute(statements["update"], rows)
    if not changes:
        return
    keys = sorted({change.alert.alert_key for change in changes})
    conn.execute(statements["unlink"], {"b_keys": keys})
    writer = writer_for(conn)
    with writer.together():  # PostgreSQL: one round trip for both
        if links:
            writer.insert(t.alert_links, ("alert_key", "link"), links, None)
        writer.insert(t.alert_events, _EVENT_COLUMNS, events, None)
    if raised_again:
        reopen_closed(conn, raised_again, now)


def jsonable(value: Any) -> Any:
    """``value`` as JSON: keys as text, sets sorted into lists, times in ISO 8601."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@cache
def _alerts_query(status: bool, rule_id: bool, entity_id: bool) -> Select[Any]:
    alerts = t.alerts
    query = select(alerts).order_by(alerts.c.updated_at.desc(), alerts.c.id.desc())
    if status:
        query = query.where(alerts.c.status == bindparam("b_status"))
    if rule_id:
        query = query.where(alerts.c.rule_id == bindparam("b_rule"))
    if entity_id:
        links = t.alert_links
        keys = select(links.c.alert_key).where(links.c.link == bindparam("b_entity"))
        query = query.where(alerts.c.alert_key.in_(keys))
    return query.limit(bindparam("b_limit"))


def list_alerts(
    conn: Connection,
    *,
    status: str | None = "open",
    rule_id: str | None = None,
    entity_id: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Alerts for dashboards and the API, newest first."""
    read = alerts_read(status=status, rule_id=rule_id, entity_id=entity_id, limit=limit)
    return [dict(row._mapping) for row in fetch(conn, *read)]


def alerts_read(
    *,
    status: str | None = "open",
    rule_id: str | None = None,
    entity_id: str | None = None,
    limit: int = 200,
) -> tuple[Select[Any], dict[str, Any]]:
    """The read of :func:`list_alerts` (a statement built once, with its parameters), for a
    caller that sends it with others; each row ``dict(row._mapping)`` is one alert."""
    query = _alerts_query(bool(status), bool(rule_id), bool(entity_id))
    given = {"b_status": status, "b_rule": rule_id, "b_entity": entity_id}
    params: dict[str, Any] = {k: v for k, v in given.items() if v}
    params["b_limit"] = limit
    return query, params
