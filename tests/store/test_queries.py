"""fetch() reads from SQLite's driver the rows SQLAlchemy reads; elsewhere it is SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, insert, select, union_all
from sqlalchemy import Row as SqlalchemyRow
from sqlalchemy.exc import MultipleResultsFound, NoResultFound

from threadline.store import tables as t
from threadline.store.queries import Rows, fetch

WHEN = datetime(2026, 3, 2, 9, 30, 15, 250, tzinfo=UTC)

ALERTS = select(t.alerts).where(
    t.alerts.c.status == "open", t.alerts.c.alert_key.in_(bindparam("keys", expanding=True))
)
SINCE = select(t.alerts.c.alert_key, t.alerts.c.raised_at).where(
    t.alerts.c.raised_at >= bindparam("since")
)
BOTH = union_all(
    select(t.alerts.c.alert_key).where(t.alerts.c.severity == bindparam("a")),
    select(t.alerts.c.alert_key).where(t.alerts.c.alert_key.in_(bindparam("b", expanding=True))),
)


def alert(key: str, status: str = "open", **extra: Any) -> dict[str, Any]:
    return {
        "alert_key": key,
        "rule_id": "order-breach",
        "first_incident_ref": "INC-1",
        "incident_ref": "INC-2",
        "people": ["person:1", "person:2"],
        "reason": "Active non-molestation order",
        "action": "Arrest",
        "cited": ["INC-1", "INC-2"],
        "severity": "high",
        "details": {"breaches": 2, "nested": {"ok": True}},
        "status": status,
        "raised_at": WHEN,
        "updated_at": WHEN,
        **extra,
    }


@pytest.fixture
def stored(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(
            insert(t.alerts),
            [alert("a1"), alert("a2", severity="low"), alert("a3", status="closed")],
        )
    return engine


def both(engine: Engine, statement: Any, params: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    with engine.connect() as conn:
        ours = fetch(conn, statement, params).all()
        theirs = conn.execute(statement, params).all()
    return ours, theirs


def test_rows_equal_sqlalchemys_value_for_value(stored: Engine) -> None:
    ours, theirs = both(stored, ALERTS, {"keys": ["a1", "a3", "a2", "nobody"]})
    assert sorted(map(tuple, ours)) == sorted(map(tuple, theirs))
    assert len(ours) == 2  # the closed one is left out by the literal in the statement
    row = next(r for r in ours if r.alert_key == "a1")
    assert row.raised_at == WHEN and row.raised_at.tzinfo is not None
    assert row.details == {"breaches": 2, "nested": {"ok": True}}
    assert row.people == ["person:1", "person:2"]
    assert row._mapping["severity"] == "high"


def test_a_time_parameter_is_bound_as_sqlalchemy_binds_it(stored: Engine) -> None:
    ours, theirs = both(stored, SINCE, {"since": WHEN})
    assert ours == theirs and len(ours) == 3
    later, _ = both(stored, SINCE, {"since": datetime(2026, 3, 3, tzinfo=UTC)})
    assert later == []


def test_a_union_with_an_expanding_list(stored: Engine) -> None:
    ours, theirs = both(stored, BOTH, {"a": "low", "b": ["a1", "a3"]})
    assert sorted(ours) == sorted(theirs) == [("a1",), ("a2",), ("a3",)]


def test_an_empty_list_matches_nothing_as_in_sqlalchemy(stored: Engine) -> None:
    ours, theirs = both(stored, ALERTS, {"keys": []})
    assert ours == theirs == []


def test_one_row_answers() -> None:
    rows = Rows([("x", 1), ("y", 2)])
    assert rows.first() == ("x", 1) and rows.scalar() == "x"
    assert rows.scalars() == ["x", "y"]
    with pytest.raises(MultipleResultsFound):
        rows.one()
    with pytest.raises(NoResultFound):
        Rows().one()
    assert Rows().first() is None and Rows().one_or_none() is None
    assert Rows([("z", 3)]).scalar_one() == "z"


def test_sqlite_reads_come_from_the_driver(stored: Engine) -> None:
    with stored.connect() as conn:
        rows = fetch(conn, ALERTS, {"keys": ["a1"]})
    assert isinstance(rows, Rows)
    assert isinstance(rows[0], SqlalchemyRow) is (stored.dialect.name != "sqlite")
