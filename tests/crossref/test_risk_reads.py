"""The owed-assessment and MARAC reads visit only the incidents their rules can act on, and find
exactly what reading every incident finds (on the resolved small force: its domestic incidents,
stalking series and pairs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from threadline.crossref.risk import (
    assessment_facts_from_store,
    incident_facts,
    marac_escalation_cases,
    named_in,
    owed,
    risk_incident_facts,
)
from threadline.risk import MaracSettings, OwedSettings, owed_assessments

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_owed_assessments_are_those_every_incident_gives(resolved_store: Any) -> None:
    engine, _model = resolved_store
    every, assessed = incident_facts(engine), assessment_facts_from_store(engine)
    names = named_in(engine, every, assessed)
    everything = owed_assessments(every, assessed, NOW, labels=names)
    assert "dash_missing" in {o.rule_id for o in everything}
    assert owed(engine, NOW) == everything
    longer = OwedSettings(course_min_incidents=4)
    assert owed(engine, NOW, longer) == owed_assessments(every, assessed, NOW, longer, labels=names)


def test_only_domestic_incidents_and_pairs_with_a_course_are_read(resolved_store: Any) -> None:
    engine, _model = resolved_store
    every = {f.ref: f for f in incident_facts(engine)}
    read = risk_incident_facts(engine)
    assert len(read) < len(every) / 2
    pairs: dict[tuple[str, str], int] = {}
    for f in every.values():
        if f.victim_entity and f.suspect_entity:
            key = (f.victim_entity, f.suspect_entity)
            pairs[key] = pairs.get(key, 0) + 1
    wanted = {
        ref
        for ref, f in every.items()
        if f.domestic or pairs.get((f.victim_entity or "", f.suspect_entity or ""), 0) >= 2
    }
    assert {f.ref for f in read} == wanted
    assert any(f.stalking for f in read)  # stalking signs were read where a course can be
    for f in read:  # the same facts, stalking signs included for the incidents of a course
        if pairs.get((f.victim_entity or "", f.suspect_entity or ""), 0) >= 2:
            assert f == every[f.ref]
        else:
            assert f.stalking is False and f.domestic


def test_marac_escalation_cases_are_unchanged(resolved_store: Any) -> None:
    engine, _model = resolved_store
    settings = MaracSettings()
    cases = marac_escalation_cases(engine, settings)
    pairs: dict[tuple[str, str], list[tuple[str, datetime]]] = {}
    for f in incident_facts(engine, stalking_signs=False):
        if f.victim_entity and f.suspect_entity and f.victim_entity != f.suspect_entity:
            pairs.setdefault((f.victim_entity, f.suspect_entity), []).append((f.ref, f.reported_at))
    big = {k for k, v in pairs.items() if len(v) >= settings.escalation_incidents}
    assert cases and {(c.victim, c.suspect) for c in cases} <= big
    assert all(sorted(c.incidents, key=lambda i: i[1]) == c.incidents for c in cases)
    assert all(sorted(c.incidents) == sorted(pairs[(c.victim, c.suspect)]) for c in cases)


def test_with_no_assessments_every_course_owes_an_s_dash_and_the_reads_agree(
    resolved_store: Any,
) -> None:
    engine, _model = resolved_store
    everything = owed_assessments(incident_facts(engine), [], NOW)
    narrowed = owed_assessments(risk_incident_facts(engine), [], NOW)
    assert "sdash_missing" in {o.rule_id for o in everything}
    assert narrowed == everything
