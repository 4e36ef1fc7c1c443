"""An incident's arrest outcome, recorded as the arrest decision on the breach alerts it raised.

Command and control closes an incident with its result, and custody records carry the arrest:
a force's record may say whether the suspect was arrested, when, by whom and on which PACE
s24(5) grounds, or that he was not and why not (:class:`threadline.model.arrest.ArrestOutcome`).
When that incident raised a breach alert, the outcome is the alert's arrest decision, taken as
the steps the officer would take in Threadline (assigned to them, acknowledged, decided) and
checked by the same state machine (:mod:`threadline.recognise.actions`). A "not arrested"
decision then waits for a supervisor's sign-off like any other: recording it from the source
does not sign it off.

Each step is audited as the source system's (user ``source:<name>``, role ``system``), in the
record's own transaction, with the officer named in the step. A decision already recorded (by
an earlier submission of the same incident, or by an officer in Threadline) is left as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from threadline.crossref.actions import states_of, take_step_in
from threadline.guard import audit
from threadline.model.arrest import ArrestOutcome
from threadline.recognise.actions import BREACH_RULES, ActionState, Actor
from threadline.store import tables as t

#: The role a source system's steps are audited under.
SOURCE_ROLE = "system"


def record_stored_arrest_outcome(conn: Connection, incident_key: str, now: datetime) -> list[str]:
    """:func:`record_arrest_outcome` of the stored incident ``incident_key`` (the sweep, which
    reads records back from the store); nothing if it carries no outcome."""
    i = t.incidents
    row = conn.execute(
        select(i.c.ref, i.c.source, i.c.document).where(i.c.record_key == incident_key)
    ).first()
    if row is None or not (row.document or {}).get("arrest"):
        return []
    outcome = ArrestOutcome.model_validate(row.document["arrest"])
    return record_arrest_outcome(conn, row.ref, row.source, outcome, now)


def record_arrest_outcome(
    conn: Connection, ref: str, source: str, outcome: ArrestOutcome, now: datetime
) -> list[str]:
    """Record ``outcome``, carried by incident ``ref`` from ``source``, on each open breach
    alert the incident raised that has no decision yet. The keys of the alerts decided."""
    a = t.alerts
    alerts = [
        dict(r._mapping)
        for r in conn.execute(
            select(a)
            .where(a.c.rule_id.in_(sorted(BREACH_RULES)), a.c.first_incident_ref == ref)
            .order_by(a.c.alert_key)
        )
    ]
    states = states_of(conn, alerts)
    decided = []
    for alert in alerts:
        state = states[alert["alert_key"]]
        if state.decision is not None or state.status == "closed":
            continue
        _decide(conn, alert, state, outcome, f"source:{source}", ref, now)
        decided.append(alert["alert_key"])
    return decided


def _decide(
    conn: Connection,
    alert: dict[str, Any],
    state: ActionState,
    outcome: ArrestOutcome,
    source: str,
    ref: str,
    now: datetime,
) -> None:
    officer = Actor(outcome.by, "officer")
    # the steps are the officer's, at the time the outcome gives (never before Threadline knew)
    at = max(now, outcome.at) if outcome.at is not None else now

    def audit_hook(c: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        audit.record(
            c, source, SOURCE_ROLE, action, records, f"arrest outcome recorded on {ref}",
            detail, now,
        )  # fmt: skip

    if state.status != "acknowledged":
        if not (state.assignee == outcome.by and state.assignee_kind == "officer"):
            alert, state = take_step_in(
                conn, alert, state, "assign", officer, at, audit_hook,
                kind="officer", assignee=outcome.by,
            )  # fmt: skip
        alert, state = take_step_in(conn, alert, state, "acknowledge", officer, at, audit_hook)
    given: dict[str, Any] = {"arrested": outcome.arrested, "grounds": list(outcome.grounds)}
    if outcome.arrested:
        given.update(arrested_at=outcome.at, arrested_by=outcome.by)
    else:
        given["rationale"] = outcome.rationale
    take_step_in(conn, alert, state, "decide", officer, at, audit_hook, **given)
