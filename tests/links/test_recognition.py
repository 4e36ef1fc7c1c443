"""Relationships recorded in the store reach recognition: family by association, former partner."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from links_factory import assoc, inc, p, resolve_by_name, store
from threadline.crossref.history import event_of_record, load_history
from threadline.recognise import Association, recognise

PEOPLE = {"P1": "Alys Penhallow", "P2": "Gareth Tregothnan", "P3": "Morwenna Penhallow"}


def _changes(engine: Engine, record_key: str, entities: set[str]) -> dict[str, object]:
    with engine.connect() as conn:
        event = event_of_record(conn, record_key)
        assert event is not None
        history = load_history(conn, entities)
    return {c.alert.rule_id: c.alert for c in recognise(event, history)}


def test_contact_with_her_mother_counts_towards_the_course_of_conduct(engine: Engine) -> None:
    store(
        engine,
        assoc("INT-7", "Alys Penhallow", "Morwenna Penhallow", family_kind="parent"),
        inc("INC-1", p("victim", "Alys Penhallow"), p("suspect", "Gareth Tregothnan")),
        inc(
            "INC-2",
            p("victim", "Morwenna Penhallow"),
            p("suspect", "Gareth Tregothnan"),
            day="2026-01-08",
            narrative="He rang her mother asking where Alys is living now.",
        ),
    )
    resolve_by_name(engine, PEOPLE)
    with engine.connect() as conn:
        history = load_history(conn, {"P2", "P1"})
    assert Association("P1", "P3", "family") in history.associations

    alerts = _changes(engine, "incident:cad:INC-2", {"P2", "P3", "P1"})
    course = alerts["course_of_conduct"]
    assert course.cited == ("INC-1", "INC-2")
    assert "contact through Morwenna Penhallow (family) in INC-2" in course.reason
    assert "P3" in course.people


def test_without_the_association_her_mothers_incident_stands_alone(engine: Engine) -> None:
    store(
        engine,
        inc("INC-1", p("victim", "Alys Penhallow"), p("suspect", "Gareth Tregothnan")),
        inc(
            "INC-2",
            p("victim", "Morwenna Penhallow"),
            p("suspect", "Gareth Tregothnan"),
            day="2026-01-08",
        ),
    )
    resolve_by_name(engine, PEOPLE)
    alerts = _changes(engine, "incident:cad:INC-2", {"P2", "P3", "P1"})
    assert "course_of_conduct" not in alerts


@pytest.mark.parametrize("relationship", ["former_partner", "acquaintance"])
def test_former_partner_in_the_store_reaches_the_think_stalking_note(
    engine: Engine, relationship: str
) -> None:
    def ex(ref: str, day: str, narrative: str) -> dict[str, object]:
        return inc(
            ref,
            p("victim", "Alys Penhallow"),
            p("suspect", "Gareth Tregothnan", relationship_to_victim=relationship),
            day=day,
            narrative=narrative,
        )

    store(
        engine,
        ex("INC-1", "2026-01-03", "He followed her home from the station."),
        ex("INC-2", "2026-01-08", "He followed her to work again."),
    )
    resolve_by_name(engine, PEOPLE)
    alerts = _changes(engine, "incident:cad:INC-2", {"P1", "P2"})
    stalking = alerts["think_stalking"]
    assert stalking.details["relationship"] == relationship
    assert ("since April 2020" in stalking.action) == (relationship == "former_partner")
