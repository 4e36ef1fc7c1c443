"""The live path: a new incident is stored, its people resolved, and what it means recognised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from breaches import ex_partner_case, new_breach, next_breach_time
from factories import incident, person
from threadline.crossref import build_picture, mark_history_viewed, submit
from threadline.crossref.pipeline import Pending, Submission, submit_group
from threadline.model import Incident, parse_record
from threadline.store import open_store
from threadline.store import tables as t


def test_a_new_breach_joins_the_victim_and_raises_the_breach_and_stalking_alerts(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    when = next_breach_time(engine, case)
    submission = submit(engine, model, new_breach(case, "NEW-1", when), when)

    assert submission.outcome == "stored"
    victim_decision, suspect_decision = submission.decisions
    assert victim_decision.outcome == "joined"  # she is known, not a new person
    assert suspect_decision.outcome == "joined"
    rules = {change.alert.rule_id for change in submission.changes}
    assert {"order_breach", "course_of_conduct", "think_stalking"} <= rules
    breach = next(c.alert for c in submission.changes if c.alert.rule_id == "order_breach")
    assert case["order"]["ref"] in breach.reason
    assert breach.details["breach_number"] == len(case["order"]["breach_refs"]) + 1

    with engine.connect() as conn:
        picture = build_picture(conn, "NEW-1")
    victim = picture.people[0]
    earlier = {entry.ref for entry in victim.records}
    in_series = set(case["series"]["incident_refs"])
    assert len(earlier & in_series) >= len(in_series) // 2  # her history is on screen
    assert any(o.active and o.role == "protected" for o in victim.orders)
    assert {a["rule_id"] for a in picture.alerts} >= {"order_breach", "think_stalking"}


def test_submitting_the_same_incident_again_changes_nothing(resolved_store: Any) -> None:
    engine, model = resolved_store
    record = parse_record(incident("NEW-2"))
    when = datetime(2026, 3, 1, 10, tzinfo=UTC)
    first = submit(engine, model, record, when)
    second = submit(engine, model, record, when)
    assert first.outcome == "stored" and second.outcome == "unchanged"
    assert second.changes == [] and second.decisions == []


def test_a_failure_part_way_leaves_nothing_behind(resolved_store: Any, monkeypatch: Any) -> None:
    engine, model = resolved_store
    import threadline.crossref.pipeline as pipeline

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the recogniser fell over")

    monkeypatch.setattr(pipeline, "recognise", broken)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(t.entity_members)).scalar_one()
    with pytest.raises(RuntimeError):
        submit(engine, model, parse_record(incident("NEW-3")), datetime(2026, 3, 1, tzinfo=UTC))
    with engine.connect() as conn:
        assert (
            conn.execute(select(t.incidents.c.id).where(t.incidents.c.ref == "NEW-3")).first()
            is None
        )
        after = conn.execute(select(func.count()).select_from(t.entity_members)).scalar_one()
    assert after == before


def _breaches(engine: Any, case: dict[str, Any]) -> list[Incident]:
    """Two new breaches of the case's order, a day apart, after its last incident."""
    when = next_breach_time(engine, case)
    return [new_breach(case, f"GROUP-{n}", when + timedelta(days=n)) for n in (1, 2)]


def _what_happened(submission: Submission) -> Any:
    decisions = [(d.outcome, d.entity_id, d.probability, d.evidence) for d in submission.decisions]
    changes = sorted(
        (
            c.change,
            c.alert.rule_id,
            c.alert.alert_key,
            c.alert.people,
            c.alert.reason,
            c.alert.cited,
        )
        for c in submission.changes
    )
    return submission.outcome, decisions, changes


def test_a_group_commits_as_if_each_had_come_alone_after_the_last(
    resolved_force: Any, small_force: Path, tmp_path: Path
) -> None:
    """Submitted as one group, the second breach sees the first (its breach number follows on),
    and every decision and alert is the one the same records get submitted one at a time."""
    import shutil

    source, model = resolved_force
    case = ex_partner_case(small_force)
    engines = []
    for name in ("grouped", "alone"):
        shutil.copy(source, tmp_path / f"{name}.db")
        engines.append(open_store(f"sqlite:///{tmp_path / name}.db"))
    grouped_engine, alone_engine = engines
    records = _breaches(grouped_engine, case)

    grouped = submit_group(grouped_engine, model, [Pending(r, r.reported_at) for r in records])
    alone = [submit(alone_engine, model, r, r.reported_at) for r in records]

    assert all(isinstance(s, Submission) for s in grouped)
    assert [_what_happened(s) for s in grouped] == [_what_happened(s) for s in alone]  # type: ignore[arg-type]
    numbers = [
        next(
            c.alert.details["breach_number"] for c in s.changes if c.alert.rule_id == "order_breach"
        )
        for s in alone
    ]
    assert numbers[1] == numbers[0] + 1
    for engine in engines:
        engine.dispose()


def test_a_failure_in_a_group_is_that_submissions_alone(
    engine: Any, small_model: Any, monkeypatch: Any
) -> None:
    """The one that fails (here in the database, which on PostgreSQL aborts the transaction
    until it is rolled back to the savepoint) is rolled back to its savepoint and its error is
    its outcome; the submissions before and after it are committed."""
    import threadline.crossref.pipeline as pipeline

    real = pipeline.recognise_and_gather

    def broken_for_one(conn: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        if key.endswith(":GRP-2"):
            conn.execute(text("SELECT no_such_column FROM incidents"))
        return real(conn, key, *args, **kwargs)

    monkeypatch.setattr(pipeline, "recognise_and_gather", broken_for_one)
    when = datetime(2026, 3, 1, 10, tzinfo=UTC)
    group = [Pending(parse_record(incident(f"GRP-{n}")), when) for n in (1, 2, 3)]
    first, failed, third = submit_group(engine, small_model, group)

    assert isinstance(first, Submission) and isinstance(third, Submission)
    assert isinstance(failed, DBAPIError)
    with engine.connect() as conn:
        stored = set(conn.execute(select(t.incidents.c.ref)).scalars())
        members = dict(
            conn.execute(
                select(t.mentions.c.record_key, func.count(t.entity_members.c.entity_id))
                .join(t.entity_members, t.entity_members.c.mention_key == t.mentions.c.mention_key)
                .group_by(t.mentions.c.record_key)
            ).all()
        )
    assert stored == {"GRP-1", "GRP-3"}
    assert members[first.record_key] > 0 and members[third.record_key] > 0
    assert not any(key.endswith(":GRP-2") for key in members)


def test_the_research_check_is_recorded(resolved_store: Any) -> None:
    engine, model = resolved_store
    when = datetime(2026, 3, 1, 10, tzinfo=UTC)
    submit(engine, model, parse_record(incident("NEW-4")), when)
    mark_history_viewed(engine, "NEW-4", "ch.jones", when)
    with engine.connect() as conn:
        rows = conn.execute(select(t.history_views)).all()
    assert [(r.incident_ref, r.user) for r in rows] == [("NEW-4", "ch.jones")]
    with pytest.raises(LookupError):
        mark_history_viewed(engine, "NO-SUCH", "ch.jones", when)


def test_a_places_history_is_its_last_year_and_a_persons_is_whole(resolved_store: Any) -> None:
    from threadline.crossref.history import load_history

    engine, model = resolved_store
    now = datetime(2026, 3, 1, tzinfo=UTC)
    place = {"text": "9 Quarry Close, Leek", "postcode": "ST13 5QQ"}
    for ref, days, who in (("LOC-OLD", 800, "Ffion"), ("LOC-NEW", 30, "Bryn")):
        when = now - timedelta(days=days)
        people = [person("victim", forenames=who, surname="Carrow", dob="1980-02-03")]
        record = incident(ref, reported_at=when.isoformat(), location=place, people=people)
        submit(engine, model, parse_record(record), when)
    with engine.connect() as conn:
        location = conn.execute(
            select(t.incidents.c.location_key).where(t.incidents.c.ref == "LOC-OLD")
        ).scalar_one()
        ffion = conn.execute(
            select(t.entity_members.c.entity_id).where(
                t.entity_members.c.mention_key.like("incident:%:LOC-OLD#0")
            )
        ).scalar_one()
        whole = load_history(conn, set(), location)
        last_year = load_history(conn, set(), location, location_since=now - timedelta(365))
        hers = load_history(conn, {ffion}, location, location_since=now - timedelta(365))
    assert {e.ref for e in whole.events} == {"LOC-OLD", "LOC-NEW"}
    assert {e.ref for e in last_year.events} == {"LOC-NEW"}
    assert {e.ref for e in hers.events} == {"LOC-OLD", "LOC-NEW"}
