"""What a supervisor reads: alerts, the dashboard's figures (API) and the dashboard's lists
(page). Alerts name people and their histories: each read needs a purpose and writes an audit
row naming the people shown; alert places are disclosed per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from threadline.crossref import list_alerts
from threadline.crossref.alerts import jsonable
from threadline.crossref.owed_list import OwedPage, owed_page
from threadline.crossref.supervision import dashboard as dashboard_figures
from threadline.crossref.supervision import unresearched_incidents
from threadline.guard.disclosure import alert_records, disclose_alerts
from threadline.resolve.review import open_queue
from threadline.store.alert_board import AlertCount, AlertFilter, alert_counts, alert_page
from threadline.usecases.auditor import Auditor
from threadline.usecases.review import review_pairs

#: How many queued pairs the dashboard page shows, how many of the latest incidents its
#: research-check section looks at, and how many repeat victims it lists.
QUEUE_SHOWN = 25
REPEAT_VICTIMS_SHOWN = 100
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


@dataclass(frozen=True)
class AlertBoard:
    """The dashboard's alerts: every open alert counted per rule and severity by the database,
    and one page of the open alerts matching a filter, the most severe first, then the most
    recently changed, disclosed for the reader's role."""

    counts: list[AlertCount]
    filter: AlertFilter
    alerts: list[dict[str, Any]]
    page: int
    size: int
    total: int
    pages: int

    @property
    def open_alerts(self) -> int:
        return sum(c.count for c in self.counts)

    def by_rule(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for c in self.counts:
            totals[c.rule_id] = totals.get(c.rule_id, 0) + c.count
        return totals


@dataclass(frozen=True)
class BoardQuery:
    """Which open alerts the dashboard lists (the filter), and which page of how many."""

    filter: AlertFilter = field(default_factory=AlertFilter)
    page: int = 1
    size: int = 50


def alert_board(engine: Engine, role: str, query: BoardQuery) -> AlertBoard:
    """The counts of every open alert and the page of the open alerts ``query`` asks for
    (:mod:`threadline.store.alert_board`), the page's alerts disclosed for ``role``. Not
    audited: the callers audit what they show. ``ValueError`` for a page out of range."""
    f = query.filter
    if f.status != "open":
        raise ValueError("the dashboard shows open alerts")
    with engine.connect() as conn:
        counts = alert_counts(conn)
        # the counts of every open alert are the page's own where nothing else is asked for
        given = counts if f == AlertFilter() else None
        found = alert_page(conn, f, query.page, query.size, given)
    shown = disclose_alerts(found.alerts, role)
    return AlertBoard(counts, f, shown, found.page, found.size, found.total, found.pages)


def _audited_board(board: AlertBoard) -> dict[str, Any]:
    f = board.filter
    return {
        "open_alerts": board.open_alerts,
        "filter": {k: str(v) for k, v in vars(f).items() if v is not None and k != "status"},
        "page": board.page,
        "matching": board.total,
        "shown": len(board.alerts),
    }


def dashboard(
    engine: Engine, auditor: Auditor, purpose: str, now: datetime, query: BoardQuery
) -> dict[str, Any]:
    """The dashboard's figures (:func:`threadline.crossref.supervision.dashboard`) and its alert
    board (:func:`alert_board`, the same the page shows), repeat victims and the board's alerts
    disclosed for the role. Audited (``dashboard.view``) naming the people shown."""
    board = alert_board(engine, auditor.user.role, query)
    figures = dashboard_figures(engine, now)
    victims = [o["victim_entity"] for o in figures["owed_assessments"] if o["victim_entity"]]
    records = sorted(
        set(alert_records(figures["repeat_victims"]))
        | set(alert_records(board.alerts))
        | {f"person:{v}" for v in victims}
    )
    auditor("dashboard.view", records, purpose, detail={"page": "api", **_audited_board(board)})
    figures["repeat_victims"] = disclose_alerts(figures["repeat_victims"], auditor.user.role)
    figures["open_alerts_by_rule_and_severity"] = [
        {"rule_id": c.rule_id, "severity": c.severity, "count": c.count} for c in board.counts
    ]
    figures["alerts"] = {
        "alerts": jsonable(board.alerts),
        "page": board.page,
        "size": board.size,
        "total": board.total,
        "pages": board.pages,
    }
    return figures


@dataclass(frozen=True)
class OwedQuery:
    """Which page of the owed assessments the dashboard shows: its number and size, and the
    officer whose own list it is (as recorded, any case), if any."""

    page: int = 1
    size: int = 25
    officer: str | None = None


@dataclass(frozen=True)
class DashboardLists:
    """What the dashboard page lists: the open alerts (disclosed), incidents with a linked
    history and no research check, a page of the risk assessments owed with their count
    (:func:`threadline.crossref.owed_list.owed_page`), and the head of the review queue
    (:func:`threadline.usecases.review.review_pairs`)."""

    board: AlertBoard
    repeat_victims: list[dict[str, Any]]
    unchecked: list[dict[str, Any]]
    owed: OwedPage
    queue: list[dict[str, Any]]


def dashboard_lists(
    engine: Engine,
    auditor: Auditor,
    purpose: str,
    now: datetime,
    query: BoardQuery,
    owed: OwedQuery | None = None,
) -> DashboardLists:
    """The dashboard page's lists, the owed assessments' page as ``owed`` asks; audited
    (``dashboard.view``) with the people of the alerts shown and the mentions of the queued
    pairs."""
    board = alert_board(engine, auditor.user.role, query)
    with engine.connect() as conn:
        repeat = list_alerts(
            conn, status="open", rule_id="repeat_victim", limit=REPEAT_VICTIMS_SHOWN
        )
        items = open_queue(conn, limit=QUEUE_SHOWN)
        queue = review_pairs(conn, items, auditor.user.role)
        unchecked = unresearched_incidents(conn, latest=UNCHECKED_WINDOW)
    mentions = sorted({k for item in items for k in (item.mention_a, item.mention_b)})
    auditor(
        "dashboard.view",
        sorted(
            {*alert_records(board.alerts), *alert_records(repeat)}
            | {f"mention:{k}" for k in mentions}
        ),
        purpose,
        detail={"page": "dashboard", **_audited_board(board), "queue": len(items)},
    )
    victims = disclose_alerts(repeat, auditor.user.role)
    o = owed or OwedQuery()
    owing = owed_page(engine, now, o.page, o.size, o.officer)
    return DashboardLists(board, victims, unchecked, owing, queue)
