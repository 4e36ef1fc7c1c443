"""Published figures: stalking, harassment and order breaches per period, with the year-on-year
change, and the supervisor's dashboard."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from factories import incident
from threadline.crossref.supervision import dashboard, unresearched_incidents
from threadline.model import parse_record
from threadline.stats import (
    COUNTING_RULES,
    classify_crime,
    recorded_by_period,
)
from threadline.store import tables as t
from threadline.store import write_batch

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def crime(ref: str, when: str, offence: str, code: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": "crime", "ref": ref, "offence": offence, "recorded_at": when}
    if code:
        record["offence_code"] = code
    return record


def store(engine: Engine, raw: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        write_batch(conn, [parse_record(r) for r in raw], NOW)


@pytest.fixture
def recorded(engine: Engine) -> Engine:
    """March 2024: 1 stalking, 2 harassment, 1 breach; March 2025: 3 stalking (one only by its
    code, one also a breach), 1 harassment, 2 breach crimes, 1 theft; April 2025: 1 harassment;
    breach incidents."""
    store(
        engine,
        [
            crime("C1", "2024-03-05T10:00:00Z", "Stalking involving fear of violence", "8Q"),
            crime("C2", "2024-03-09T10:00:00Z", "Harassment"),
            crime("C3", "2024-03-20T10:00:00Z", "Harassment - putting people in fear"),
            crime("C4", "2024-03-21T10:00:00Z", "Breach of non-molestation order"),
            crime("C5", "2025-03-02T10:00:00Z", "Stalking"),
            crime("C6", "2025-03-03T10:00:00Z", "Section 2A offence", "8q"),
            crime("C7", "2025-03-04T10:00:00Z", "Breach of stalking protection order (stalking)"),
            crime("C8", "2025-03-05T10:00:00Z", "Harassment"),
            crime("C9", "2025-03-06T10:00:00Z", "Breach of restraining order"),
            crime("C10", "2025-03-07T10:00:00Z", "Theft"),
            crime("C11", "2025-04-01T10:00:00Z", "Harassment"),
            incident("I1", reported_at="2024-03-20T09:00:00Z", category="breach_of_order"),
            incident(
                "I2",
                reported_at="2025-03-01T09:00:00Z",
                category="harassment",
                closing_category="breach_of_order",
            ),
            incident("I3", reported_at="2025-03-09T09:00:00Z", category="harassment"),
        ],
    )
    return engine


def test_each_crime_counts_once_between_stalking_and_harassment() -> None:
    assert classify_crime("Harassment", None) == {"harassment"}
    assert classify_crime("Stalking and harassment", None) == {"stalking"}
    assert classify_crime("Malicious communications", "8Q") == {"stalking"}
    assert classify_crime("Breach of non-molestation order", None) == {"order_breaches"}
    assert classify_crime("Breach of SPO - stalking", None) == {"stalking", "order_breaches"}
    assert classify_crime("Theft", None) == set()


def test_monthly_counts_and_change_on_the_month_a_year_before(recorded: Engine) -> None:
    with recorded.connect() as conn:
        table = recorded_by_period(conn, "month")
    rows = {row.period: row for row in table.rows}
    assert list(rows) == [f"2024-{m:02d}" for m in range(3, 13)] + [
        f"2025-{m:02d}" for m in range(1, 5)
    ], "every month from the first to the last, empty ones as zeros"
    march_24, march_25 = rows["2024-03"], rows["2025-03"]
    assert march_24.counts == {
        "stalking": 1,
        "harassment": 2,
        "order_breaches": 1,
        "breach_incidents": 1,
    }
    assert set(march_24.change.values()) == {None}, "no March 2023 in the data"
    assert march_25.counts == {
        "stalking": 3,
        "harassment": 1,
        "order_breaches": 2,
        "breach_incidents": 1,
    }
    assert march_25.change == {
        "stalking": 2,
        "harassment": -1,
        "order_breaches": 1,
        "breach_incidents": 0,
    }
    assert march_25.change_percent["stalking"] == 200.0
    assert march_25.change_percent["harassment"] == -50.0
    assert rows["2025-02"].change["stalking"] is None, "February 2024 is before the data"
    assert rows["2025-04"].change["harassment"] == 1
    assert rows["2025-04"].change_percent["harassment"] is None, "no percentage on zero"
    assert table.notes == list(COUNTING_RULES)


def test_yearly_counts_and_since(recorded: Engine) -> None:
    with recorded.connect() as conn:
        years = recorded_by_period(conn, "year")
        later = recorded_by_period(conn, "month", since=date(2025, 3, 10))
    assert [r.period for r in years.rows] == ["2024", "2025"]
    assert years.rows[1].counts["stalking"] == 3 and years.rows[1].change["stalking"] == 2
    assert [r.period for r in later.rows] == ["2025-03", "2025-04"]
    assert later.rows[0].change["stalking"] == 2, "the year before is still read"


def test_csv_and_dict_agree(recorded: Engine) -> None:
    with recorded.connect() as conn:
        table = recorded_by_period(conn, "year")
    rows = list(csv.reader(io.StringIO(table.to_csv())))
    assert rows[0][:5] == [
        "year",
        "Stalking crimes",
        "Harassment crimes",
        "Order breach crimes",
        "Breach incidents",
    ]
    assert rows[1][:5] == ["2024", "1", "2", "1", "1"]
    assert rows[1][5] == "" and rows[2][5] == "2" and rows[2][6] == "200.0"
    data = table.to_dict()
    assert data["period"] == "year" and data["rows"][1]["counts"]["order_breaches"] == 2
    assert [m["id"] for m in data["measures"]][0] == "stalking"


def test_an_empty_store_has_no_rows_and_a_bad_period_is_refused(engine: Engine) -> None:
    with engine.connect() as conn:
        assert recorded_by_period(conn).rows == []
        with pytest.raises(ValueError, match="period"):
            recorded_by_period(conn, "week")  # type: ignore[arg-type]


def test_dashboard_lists_incidents_with_unviewed_history(recorded: Engine) -> None:
    engine = recorded
    with engine.begin() as conn:
        conn.execute(
            insert(t.entities),
            [{"id": "P-1", "kind": "person", "label": "Alys Penhallow",
              "created_at": NOW, "updated_at": NOW}],
        )  # fmt: skip
        victims = [
            r.mention_key
            for r in conn.execute(t.mentions.select().where(t.mentions.c.role == "victim"))
            if r.record_key in ("incident:cad:I2", "incident:cad:I3")
        ]
        conn.execute(
            insert(t.entity_members),
            [
                {"mention_key": key, "entity_id": "P-1", "assigned_at": NOW, "assigned_by": "t"}
                for key in victims
            ],
        )
        # I3 came after I2 with the same victim: its history was there to look at; I2's was not
        [row] = unresearched_incidents(conn)
        assert (row["ref"], row["earlier"]) == ("I3", 1)
    figures = dashboard(engine, NOW)
    assert [i["ref"] for i in figures["unresearched_incidents"]] == ["I3"]
    with engine.begin() as conn:
        conn.execute(insert(t.history_views).values(incident_ref="I3", user="ch1", viewed_at=NOW))
        assert unresearched_incidents(conn) == []
    assert figures["review_queue"] == 0 and figures["open_alerts"] == 0
    assert figures["repeat_victims"] == []
    assert isinstance(figures["owed_assessments"], list)
