"""The live path: a new incident is stored, its people resolved, and what it means recognised."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import incident, person
from threadline.crossref import build_picture, mark_history_viewed, submit
from threadline.model import Incident, parse_record
from threadline.store import tables as t


def ex_partner_case(folder: Path) -> dict[str, Any]:
    """The truth of the force's ex-partner stalking series: victim, suspect, order, breaches."""
    truth = json.loads((folder / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    order = next(o for o in truth["orders"] if o["series"] == series["id"])
    people = truth["people"]
    return {
        "series": series,
        "order": order,
        "victim": people[series["victims"][0]],
        "suspect": people[series["suspects"][0]],
    }


def new_breach(case: dict[str, Any], ref: str, when: datetime) -> Incident:
    victim, suspect = case["victim"], case["suspect"]
    record = parse_record(
        incident(
            ref,
            reported_at=when.isoformat(),
            category="breach_of_order",
            narrative="Her ex turned up at her house again and was banging on the door, "
            "despite the order; he has been following her to work.",
            people=[
                person(
                    "victim",
                    forenames=victim["forenames"],
                    surname=victim["surname"],
                    dob=victim["dob"],
                    phones=victim["phones"][:1],
                    address={"text": victim["address"], "postcode": victim["postcode"]},
                ),
                person(
                    "suspect",
                    forenames=suspect["forenames"],
                    surname=suspect["surname"],
                    dob=suspect["dob"],
                    relationship_to_victim="former_partner",
                ),
            ],
        )
    )
    assert isinstance(record, Incident)
    return record


def test_a_new_breach_joins_the_victim_and_raises_the_breach_and_stalking_alerts(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    case = ex_partner_case(small_force)
    last = case["series"]["incident_refs"][-1]
    with engine.connect() as conn:
        last_time = conn.execute(
            select(t.incidents.c.reported_at).where(t.incidents.c.ref == last)
        ).scalar_one()
    when = max(
        last_time + timedelta(days=1),
        datetime.fromisoformat(case["order"]["starts"] + "T12:00:00+00:00"),
    )
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
