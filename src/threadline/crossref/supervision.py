"""What a supervisor checks: incidents whose linked history nobody looked at, and the dashboard.

The research check is recorded when someone views an incident's linked history
(:func:`threadline.crossref.pipeline.mark_history_viewed`). The ``gap_history_not_viewed`` rule
fires only where a source system says an incident was *not* viewed; incidents simply lacking a
check are found here by asking the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from threadline.crossref.alerts import list_alerts
from threadline.crossref.risk import owed
from threadline.recognise.rules import RULES_BY_ID
from threadline.resolve.review import QueueItem, open_count
from threadline.store import tables as t
from threadline.store.alert_board import alert_counts

#: How many of the latest incidents are checked for a missing research check.
RECENT_INCIDENTS = 500
#: How many rows each dashboard list shows at most (the total is given beside it).
DASHBOARD_LIMIT = 100


def dashboard(engine: Engine, now: datetime, limit: int = DASHBOARD_LIMIT) -> dict[str, Any]:
    """What a supervisor checks at the start of a shift: open alerts by rule, incidents with
    linked history and no research check, risk assessments owed as of ``now``, the size of
    the review queue, and repeat victims (open ``repeat_victim`` alerts)."""
    with engine.connect() as conn:
        by_rule: dict[str, int] = {}
        for c in alert_counts(conn):
            by_rule[c.rule_id] = by_rule.get(c.rule_id, 0) + c.count
        unresearched = unresearched_incidents(conn, limit=limit)
        queue = open_count(conn)
        repeat = list_alerts(conn, status="open", rule_id="repeat_victim", limit=limit)
    owed_now = owed(engine, now)
    return {
        "as_of": now.isoformat(),
        "open_alerts_by_rule": by_rule,
        "open_alerts": sum(by_rule.values()),
        "unresearched_incidents": [
            {**row, "reported_at": row["reported_at"].isoformat()} for row in unresearched
        ],
        "owed_assessments": [
            {
                "rule_id": o.rule_id,
                "incident_ref": o.incident_ref,
                "officer": o.officer,
                "reason": o.reason,
                "victim_entity": o.victim_entity,
                "due_at": o.due_at.isoformat() if o.due_at else None,
            }
            for o in owed_now[:limit]
        ],
        "owed_assessments_total": len(owed_now),
        "review_queue": int(queue),
        "repeat_victims": [
            {
                "alert_key": r["alert_key"],
                "people": list(r["people"]),
                "reason": r["reason"],
                "incident_ref": r["incident_ref"],
                "severity": r["severity"],
                "updated_at": r["updated_at"].isoformat(),
            }
            for r in repeat
        ],
    }


def unresearched_incidents(
    conn: Connection, latest: int = RECENT_INCIDENTS, limit: int | None = None
) -> list[dict[str, Any]]:
    """Of the ``latest`` incidents, those whose people appear in earlier incidents and whose
    linked history nobody has recorded viewing (no research check), newest first, with the
    earlier incidents counted.

    The ``gap_history_not_viewed`` rule cannot find these in the store (it fires only where an
    incident is known not to have been viewed), so the dashboard asks the store directly.
    """
    i, m, em, hv = t.incidents, t.mentions, t.entity_members, t.history_views
    recent = (
        select(i.c.record_key, i.c.ref, i.c.reported_at, i.c.category, i.c.officer)
        .order_by(i.c.reported_at.desc())
        .limit(latest)
        .subquery()
    )
    m2, em2 = m.alias("m2"), em.alias("em2")
    earlier = func.count(func.distinct(m2.c.record_key)).label("earlier")
    rows = conn.execute(
        select(recent.c.ref, recent.c.reported_at, recent.c.category, recent.c.officer, earlier)
        .join(m, (m.c.record_key == recent.c.record_key))
        .join(em, em.c.mention_key == m.c.mention_key)
        .join(em2, (em2.c.entity_id == em.c.entity_id) & (em2.c.mention_key != em.c.mention_key))
        .join(
            m2,
            (m2.c.mention_key == em2.c.mention_key)
            & (m2.c.record_kind == "incident")
            & (m2.c.record_key != recent.c.record_key)
            & (m2.c.event_time <= recent.c.reported_at),
        )
        .where(recent.c.ref.not_in(select(hv.c.incident_ref)))
        .group_by(recent.c.ref, recent.c.reported_at, recent.c.category, recent.c.officer)
        .order_by(recent.c.reported_at.desc())
    ).all()
    return [
        {
            "ref": r.ref,
            "reported_at": r.reported_at,
            "category": r.category,
            "officer": r.officer,
            "earlier": r.earlier,
        }
        for r in rows[:limit]
    ]


def at_stake(item: QueueItem) -> list[str]:
    """What rides on a review-queue judgement, in words: each person of the pair who is in an
    open alert, with the alerts' titles ("P0000123 is in open alerts: Course of conduct, Think
    stalking"). Empty when neither is."""
    titles: dict[str, list[str]] = {}
    for person, rule_id in item.at_stake:
        rule = RULES_BY_ID.get(rule_id)
        titles.setdefault(person, []).append(rule.title if rule else rule_id)
    return [
        f"{person} is in open alert{'s' if len(names) > 1 else ''}: {', '.join(names)}"
        for person, names in titles.items()
    ]
