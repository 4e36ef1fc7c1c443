"""The review queue's order: what rides on a judgement first, then the most probable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from threadline.crossref.supervision import at_stake
from threadline.resolve.review import open_queue
from threadline.store import open_store
from threadline.store import tables as t


def _open_alert_people(conn: Any) -> dict[str, set[str]]:
    """Person -> rule ids of the open alerts about them, read from the alerts themselves."""
    found: dict[str, set[str]] = {}
    for row in conn.execute(select(t.alerts.c.rule_id, t.alerts.c.people, t.alerts.c.status)):
        if row.status == "open":
            for person in row.people:
                found.setdefault(person, set()).add(row.rule_id)
    return found


def test_pairs_touching_a_person_in_an_open_alert_come_first(resolved_store: Any) -> None:
    engine, _model = resolved_store
    with engine.connect() as conn:
        items = open_queue(conn, limit=10_000)
        alerted = _open_alert_people(conn)
        members = select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)
        entity = {row.mention_key: row.entity_id for row in conn.execute(members)}
    staked = [bool(item.at_stake) for item in items]
    assert any(staked) and not all(staked), "the small force should have both kinds of pair"
    assert staked == sorted(staked, reverse=True)  # every pair at stake before any other
    for part in (True, False):
        probabilities = [
            i.match_probability for i, s in zip(items, staked, strict=True) if s == part
        ]
        assert probabilities == sorted(probabilities, reverse=True)
    for item in items:
        people = [entity.get(item.mention_a), entity.get(item.mention_b)]
        expected = {(p, rule) for p in people if p in alerted for rule in alerted[p]}
        assert set(item.at_stake) == expected

    first = next(item for item in items if item.at_stake)
    words = at_stake(first)
    assert words and all(" is in open alert" in line for line in words)
    assert first.at_stake[0][0] in words[0]


def test_a_closed_alert_puts_nothing_at_stake(resolved_store: Any) -> None:
    engine, _model = resolved_store
    with engine.begin() as conn:
        conn.execute(update(t.alerts).values(status="closed"))
        items = open_queue(conn, limit=10_000)
    assert items and not any(item.at_stake for item in items)
    probabilities = [item.match_probability for item in items]
    assert probabilities == sorted(probabilities, reverse=True)


def test_the_head_of_the_queue_is_the_head_of_the_whole_queue(resolved_store: Any) -> None:
    """The dashboard's head of the queue, read until enough pairs at stake are found (and the
    others after them when too few are), is the head of the whole queue in its order."""
    engine, _model = resolved_store
    with engine.connect() as conn:
        whole = open_queue(conn, limit=10_000)
        staked = sum(1 for item in whole if item.at_stake)
        assert 0 < staked < len(whole)
        for n in (1, 25, staked, staked + 3, len(whole) + 5):
            assert open_queue(conn, limit=n) == whole[:n]


@pytest.mark.postgres
def test_the_head_of_the_queue_on_postgresql(resolved_store: Any, postgres_schema_url: str) -> None:
    """The small force's queue, people and alerts copied to PostgreSQL give the same heads."""
    engine, _model = resolved_store
    pg = open_store(postgres_schema_url)
    try:
        tables = (t.entities, t.entity_members, t.alerts, t.alert_links, t.review_queue)
        with engine.connect() as source, pg.begin() as target:
            for table in tables:
                target.execute(
                    table.insert(), [dict(r._mapping) for r in source.execute(select(table))]
                )
        with engine.connect() as lite, pg.connect() as conn:
            whole = open_queue(lite, limit=10_000)
            staked = sum(1 for item in whole if item.at_stake)
            for n in (1, 25, staked, staked + 3, len(whole) + 5):
                assert open_queue(conn, limit=n) == whole[:n]
    finally:
        pg.dispose()
