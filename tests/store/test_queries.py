"""fetch() reads from the driver (SQLite's, psycopg's) the rows SQLAlchemy reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, insert, select, union_all, update
from sqlalchemy import Row as SqlalchemyRow
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound

from threadline.store import tables as t
from threadline.store.queries import Rows, fetch, fetch_together
from threadline.store.statements import counting_statements

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

OTHERS = select(t.alerts.c.alert_key, t.alerts.c.id).where(
    t.alerts.c.alert_key.not_in(bindparam("keys", expanding=True)),
    t.alerts.c.id.in_(bindparam("ids", expanding=True)),
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


def test_not_in_and_a_list_of_numbers(stored: Engine) -> None:
    with stored.connect() as conn:
        ids = fetch(conn, select(t.alerts.c.id)).scalars()
    for keys, chosen in ((["a1"], ids), (["a1", "a2"], ids[:2]), ([], ids), (["zz"], [])):
        ours, theirs = both(stored, OTHERS, {"keys": keys, "ids": chosen})
        assert sorted(ours) == sorted(theirs)
    assert len(both(stored, OTHERS, {"keys": ["a1"], "ids": ids})[0]) == 2


def test_reads_come_from_the_driver(stored: Engine) -> None:
    with stored.connect() as conn:
        rows = fetch(conn, ALERTS, {"keys": ["a1"]})
    assert isinstance(rows, Rows)
    assert not isinstance(rows[0], SqlalchemyRow)


def test_postgresql_sends_one_text_whatever_the_length_of_a_list(stored: Engine) -> None:
    """An IN list is one array on PostgreSQL, so the statement is prepared and planned once
    however many keys it is given; SQLite's driver is given one mark a key."""
    with counting_statements(stored) as count, stored.connect() as conn:
        for keys in (["a1"], ["a1", "a2"], ["a1", "a2", "a3"]):
            fetch(conn, ALERTS, {"keys": keys})
    assert len(count.by_text) == (1 if stored.dialect.name == "postgresql" else 3)
    assert count.statements == 3


CLOSE = update(t.alerts).where(t.alerts.c.alert_key == bindparam("key")).values(status="closed")
STATUS = select(t.alerts.c.status).where(t.alerts.c.alert_key == bindparam("key"))


def test_statements_sent_together_answer_as_each_alone_in_one_round_trip(stored: Engine) -> None:
    """fetch_together: each statement's rows as fetch gives them, in order; a write among them
    is seen by the reads after it; all of it counted as one round trip (PostgreSQL: one
    pipeline)."""
    sent = [
        (ALERTS, {"keys": ["a1", "a2"]}),
        (STATUS, {"key": "a1"}),
        (CLOSE, {"key": "a1"}),
        (STATUS, {"key": "a1"}),
        (BOTH, {"a": "low", "b": ["a3"]}),
    ]
    with stored.begin() as conn:
        alone = [fetch(conn, statement, params).all() for statement, params in sent[:2]]
        with counting_statements(stored) as count:
            together = fetch_together(conn, sent)
        conn.rollback()
    assert together[:2] == alone
    assert together[2] == [] and together[3].scalar() == "closed"
    assert sorted(together[4]) == [("a2",), ("a3",)]
    assert count.statements == 5 and count.round_trips == 1


def test_a_failing_statement_sent_together_raises(stored: Engine) -> None:
    duplicate = insert(t.alerts).values(alert("a1"))
    with pytest.raises(IntegrityError), stored.begin() as conn:
        fetch_together(conn, [(STATUS, {"key": "a1"}), (duplicate, {}), (CLOSE, {"key": "a2"})])
    with stored.connect() as conn:
        assert fetch(conn, STATUS, {"key": "a2"}).scalar() == "open"


def test_only_statements_sent_together_share_a_round_trip(stored: Engine) -> None:
    with counting_statements(stored) as count, stored.connect() as conn:
        fetch(conn, STATUS, {"key": "a1"})
        fetch_together(conn, [(STATUS, {"key": "a1"}), (STATUS, {"key": "a2"})])
        fetch_together(conn, [(STATUS, {"key": "a3"})])
    assert count.statements == 4 and count.round_trips == 3
