"""The dashboard's alert board asked of the database (issue 24): every open alert counted per
rule and severity, and pages of them, the most severe first, with filters. The store here holds
more alerts than a page, written directly in shapes synth/ never writes (thousands of newer low
alerts, alerts with no severity, cleared ones, reassigned ones)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from threadline.store import tables as t
from threadline.store.alert_board import AlertFilter, alert_counts, alert_page

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def alert(n: int, rule: str, severity: str | None, at: datetime, status: str = "open") -> dict:
    return {
        "alert_key": f"{rule}:{n:05d}",
        "rule_id": rule,
        "first_incident_ref": f"INC-{n:05d}",
        "incident_ref": f"INC-{n:05d}",
        "people": [f"P{n:07d}"],
        "reason": f"reason {n}",
        "action": None,
        "cited": [],
        "severity": severity,
        "details": {},
        "status": status,
        "raised_at": at,
        "updated_at": at,
    }


def board_rows() -> list[dict[str, Any]]:
    """Three old high alerts, 2,400 newer low ones, 60 medium, 5 with no severity, 30 cleared
    high ones (newest of all)."""
    rows = [alert(i, "order_breach", "high", START + timedelta(minutes=i)) for i in range(3)]
    rows += [
        alert(100 + i, "repeat_location", "low", START + timedelta(days=2, minutes=i))
        for i in range(2400)
    ]
    rows += [
        alert(5000 + i, "course_of_conduct", "medium", START + timedelta(days=1, hours=i))
        for i in range(60)
    ]
    rows += [alert(6000 + i, "custom_rule", None, START + timedelta(days=3)) for i in range(5)]
    rows += [
        alert(7000 + i, "think_stalking", "high", START + timedelta(days=9), status="cleared")
        for i in range(30)
    ]
    return rows


@pytest.fixture
def board(engine: Engine) -> list[dict[str, Any]]:
    rows = board_rows()
    with engine.begin() as conn:
        conn.execute(insert(t.alerts), rows)
        steps = [
            ("order_breach:00000", "PC Amber Vale", "officer", None),
            ("order_breach:00001", "PC Amber Vale", "officer", None),
            ("order_breach:00001", "North DA team", "team", "North DA team"),  # handed on
            ("course_of_conduct:05000", "PC Ben Hart", "officer", "North DA team"),
        ]
        conn.execute(
            insert(t.alert_actions),
            [
                {
                    "alert_key": key,
                    "at": START + timedelta(days=5, minutes=i),
                    "step": "assign",
                    "user": "call-handler",
                    "role": "call_handler",
                    "detail": {"assignee": who, "kind": kind} | ({"team": team} if team else {}),
                }
                for i, (key, who, kind, team) in enumerate(steps)
            ],
        )
    return rows


def test_the_counts_are_the_databases_over_every_open_alert(
    engine: Engine, board: list[dict[str, Any]]
) -> None:
    expected = Counter((r["rule_id"], r["severity"]) for r in board if r["status"] == "open")
    with engine.connect() as conn:
        counts = alert_counts(conn)
    assert {(c.rule_id, c.severity): c.count for c in counts} == dict(expected)
    assert sum(c.count for c in counts) == 2468 > 2000


def test_high_severity_comes_first_though_thousands_of_low_ones_are_newer(
    engine: Engine, board: list[dict[str, Any]]
) -> None:
    with engine.connect() as conn:
        first = alert_page(conn, AlertFilter(), page=1, size=10)
    keys = [a["alert_key"] for a in first.alerts]
    assert keys[:3] == ["order_breach:00002", "order_breach:00001", "order_breach:00000"]
    assert [a["severity"] for a in first.alerts[3:]] == ["medium"] * 7
    assert first.total == 2468 and first.pages == 247
    assert all(a["status"] == "open" for a in first.alerts), "cleared alerts are not listed"


def test_pages_cover_every_match_once_in_order(engine: Engine, board: list[dict[str, Any]]) -> None:
    seen: list[dict[str, Any]] = []
    with engine.connect() as conn:
        page = 1
        while True:
            found = alert_page(conn, AlertFilter(), page=page, size=500)
            seen += found.alerts
            if page == found.pages:
                break
            page += 1
        beyond = alert_page(conn, AlertFilter(), page=page + 1, size=500)
    assert len(seen) == len({a["alert_key"] for a in seen}) == 2468
    rank = {"high": 0, "medium": 1, "low": 2}
    order = [(rank.get(a["severity"], 3), -a["updated_at"].timestamp()) for a in seen]
    assert order == sorted(order)
    assert seen[-1]["severity"] is None, "an alert with no severity comes last"
    assert beyond.alerts == [] and beyond.total == 2468
    with engine.connect() as conn, pytest.raises(ValueError, match="page number"):
        alert_page(conn, AlertFilter(), page=0)
    with engine.connect() as conn, pytest.raises(ValueError, match="a page holds"):
        alert_page(conn, AlertFilter(), size=501)


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (AlertFilter(rule="course_of_conduct"), 60),
        (AlertFilter(severity="low"), 2400),
        (AlertFilter(rule="repeat_location", severity="high"), 0),
        (AlertFilter(status="cleared"), 30),
        (AlertFilter(status=None, severity="high"), 33),
        # medium: 16 on 2 November (from 08:00), 24 on the 3rd, 20 on the 4th; low: 3-4
        # November; no severity: the 4th; high: the 1st
        (AlertFilter(since=date(2026, 11, 3)), 2400 + 24 + 20 + 5),
        (AlertFilter(until=date(2026, 11, 1)), 3),
        (AlertFilter(since=date(2026, 11, 2), until=date(2026, 11, 2)), 16),
        (AlertFilter(since=date(2026, 11, 4), until=date(2026, 11, 4), severity="medium"), 20),
        (AlertFilter(assigned_to="PC Amber Vale"), 1),  # the other was handed on
        (AlertFilter(assigned_to="North DA team"), 2),
        (AlertFilter(assigned_to="PC Ben Hart", rule="order_breach"), 0),
    ],
)
def test_filters(
    engine: Engine, board: list[dict[str, Any]], f: AlertFilter, expected: int
) -> None:
    with engine.connect() as conn:
        found = alert_page(conn, f, size=500)
        counted = sum(c.count for c in alert_counts(conn, f))
    assert found.total == counted == expected
    assert len(found.alerts) == min(expected, 500)


@pytest.mark.parametrize(
    "f",
    [AlertFilter(), AlertFilter(rule="order_breach"), AlertFilter(severity="low"),
     AlertFilter(status=None), AlertFilter(status="cleared")],
)  # fmt: skip
def test_pages_read_a_severity_at_a_time_are_the_whole_sorted_list(
    engine: Engine, board: list[dict[str, Any]], f: AlertFilter
) -> None:
    """Each page, read from each severity's alerts in turn (with the counts given, as the
    dashboard gives them, or counted), is the slice of every match sorted at once: the most
    severe first, then the most recently changed."""
    rank = {"high": 0, "medium": 1, "low": 2}
    matching = [
        (n, r) for n, r in enumerate(board, 1)
        if (f.status is None or r["status"] == f.status)
        and (f.rule is None or r["rule_id"] == f.rule)
        and (f.severity is None or r["severity"] == f.severity)
    ]  # fmt: skip
    matching.sort(key=lambda p: (rank.get(p[1]["severity"], 3), -p[1]["updated_at"].timestamp(),
                                 -p[0]))  # fmt: skip
    expected = [r["alert_key"] for _n, r in matching]
    for size in (7, 50):
        with engine.connect() as conn:
            counts = alert_counts(conn, f)
            first = alert_page(conn, f, 1, size)
            pages = [first] + [alert_page(conn, f, p, size) for p in range(2, first.pages + 1)]
            given = [alert_page(conn, f, p, size, counts) for p in range(1, first.pages + 1)]
        assert [a["alert_key"] for p in pages for a in p.alerts] == expected
        assert [p.alerts for p in given] == [p.alerts for p in pages]
        assert {p.total for p in pages} == {len(expected)}
