"""What a supervisor reads: alerts, the dashboard's figures (API) and the dashboard's lists
(page). Alerts name people and their histories: each read needs a purpose and writes an audit
row naming the people shown; alert places are disclosed per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.crossref import list_alerts
from threadline.crossref.alerts import jsonable
from threadline.crossref.risk import owed
from threadline.crossref.supervision import dashboard as dashboard_figures
from threadline.crossref.supervision import unresearched_incidents
from threadline.guard.disclosure import alert_records, disclose_alerts
from threadline.resolve.review import open_queue
from threadline.risk import OwedAssessment
from threadline.usecases.auditor import Auditor
from threadline.usecases.review import review_pairs

#: How many open alerts the dashboard page reads, how many queued pairs it shows, and how many
#: of the latest incidents its research-check section looks at.
ALERT_LIMIT = 2000
QUEUE_SHOWN = 25
UNCHECKED_WINDOW = 500


def alerts(
    engine: Engine,
    auditor: Auditor,
    purpose: str,
    *,
    status: str = "open",
    rule: str | None = None,
    entity: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Alerts (``status`` open, cleared or all), most recently changed first, as JSON fit for
    the user's role. Audited (``alerts.view``) naming the people of the alerts returned."""
    with engine.connect() as conn:
        rows = list_alerts(
            conn,
            status=None if status == "all" else status,
            rule_id=rule,
            entity_id=entity,
            limit=limit,
        )
    auditor(
        "alerts.view",
        alert_records(rows, entity),
        purpose,
        detail={"status": status, "rule": rule, "entity": entity, "alerts": len(rows)},
    )
    return disclose_alerts(jsonable(rows), auditor.user.role)


def dashboard(engine: Engine, auditor: Auditor, purpose: str, now: datetime) -> dict[str, Any]:
    """The dashboard's figures (:func:`threadline.crossref.supervision.dashboard`), repeat
    victims disclosed for the role. Audited (``dashboard.view``) naming the people shown."""
    figures = dashboard_figures(engine, now)
    victims = [o["victim_entity"] for o in figures["owed_assessments"] if o["victim_entity"]]
    records = sorted(
        set(alert_records(figures["repeat_victims"])) | {f"person:{v}" for v in victims}
    )
    auditor(
        "dashboard.view",
        records,
        purpose,
        detail={"page": "api", "open_alerts": figures["open_alerts"]},
    )
    figures["repeat_victims"] = disclose_alerts(figures["repeat_victims"], auditor.user.role)
    return figures


@dataclass(frozen=True)
class DashboardLists:
    """What the dashboard page lists: the open alerts (disclosed), incidents with a linked
    history and no research check, the risk assessments owed, and the head of the review queue
    (:func:`threadline.usecases.review.review_pairs`)."""

    alerts: list[dict[str, Any]]
    unchecked: list[dict[str, Any]]
    owed: list[OwedAssessment]
    queue: list[dict[str, Any]]


def dashboard_lists(
    engine: Engine, auditor: Auditor, purpose: str, now: datetime
) -> DashboardLists:
    """The dashboard page's lists; audited (``dashboard.view``) with the people of the alerts
    and the mentions of the queued pairs."""
    with engine.connect() as conn:
        rows = list_alerts(conn, status="open", limit=ALERT_LIMIT)
        items = open_queue(conn, limit=QUEUE_SHOWN)
        queue = review_pairs(conn, items, auditor.user.role)
        unchecked = unresearched_incidents(conn, latest=UNCHECKED_WINDOW)
    mentions = sorted({k for item in items for k in (item.mention_a, item.mention_b)})
    auditor(
        "dashboard.view",
        [*alert_records(rows), *(f"mention:{k}" for k in mentions)],
        purpose,
        detail={"page": "dashboard", "open_alerts": len(rows), "queue": len(items)},
    )
    shown = disclose_alerts(rows, auditor.user.role)
    return DashboardLists(shown, unchecked, owed(engine, now), queue)
