"""What the store says about risk: owed assessments and MARAC escalation, from resolved entities.

The pure rules live in :mod:`threadline.risk`; this adapter gathers their plain inputs from the
store. Incidents between the same people are counted from the resolved entities, not from what an
officer remembered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from threadline.model import RiskAssessment, parse_record
from threadline.recognise import Event, find_behaviours
from threadline.risk import (
    AssessmentFacts,
    CriterionResult,
    IncidentFacts,
    MaracSettings,
    OwedAssessment,
    OwedSettings,
    graded_facts,
    marac_criteria,
    owed_assessments,
)
from threadline.store import tables as t


def _people_by_role(engine: Engine) -> dict[str, dict[str, list[str]]]:
    """incident record key → role → entity ids."""
    m, em = t.mentions, t.entity_members
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.c.record_key, m.c.role, em.c.entity_id)
            .join(em, em.c.mention_key == m.c.mention_key)
            .where(m.c.record_kind == "incident")
        )
        for r in rows:
            found[r.record_key][r.role].append(r.entity_id)
    return found


def incident_facts(engine: Engine, stalking_signs: bool = True) -> list[IncidentFacts]:
    """Each incident as the risk rules see it: when, domestic or not, who was victim and suspect."""
    people = _people_by_role(engine)
    i = t.incidents
    facts = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                i.c.record_key,
                i.c.ref,
                i.c.reported_at,
                i.c.domestic,
                i.c.officer,
                i.c.category,
                i.c.closing_category,
                i.c.narrative,
            )
        ).all()
        for r in rows:
            roles = people.get(r.record_key, {})
            victims = roles.get("victim") or roles.get("caller") or []
            suspects = roles.get("suspect") or []
            victim = victims[0] if victims else None
            suspect = suspects[0] if suspects else None
            stalking = False
            if stalking_signs and suspect and victim:
                # behaviours are read from the category and narrative alone: no parties needed
                event = Event(
                    ref=r.ref,
                    kind="incident",
                    reported_at=r.reported_at,
                    category=r.category,
                    closing_category=r.closing_category,
                    narrative=r.narrative,
                )
                stalking = bool(find_behaviours(event))
            facts.append(
                IncidentFacts(
                    ref=r.ref,
                    reported_at=r.reported_at,
                    domestic=bool(r.domestic),
                    officer=r.officer,
                    victim_entity=victim,
                    suspect_entity=suspect,
                    stalking=stalking,
                )
            )
    return facts


def assessment_facts_from_store(engine: Engine) -> list[AssessmentFacts]:
    a, m, em = t.risk_assessments, t.mentions, t.entity_members
    facts = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.c.document, em.c.entity_id)
            .outerjoin(m, (m.c.record_key == a.c.record_key) & (m.c.position == "subject"))
            .outerjoin(em, em.c.mention_key == m.c.mention_key)
        ).all()
    for r in rows:
        record = parse_record(r.document)
        assert isinstance(record, RiskAssessment)
        facts.append(graded_facts(record, r.entity_id)[0])
    return facts


def owed(
    engine: Engine, now: datetime, settings: OwedSettings | None = None
) -> list[OwedAssessment]:
    """Assessments owed as of ``now``: DASH after a domestic incident, S-DASH, safety plans."""
    return owed_assessments(
        incident_facts(engine), assessment_facts_from_store(engine), now, settings
    )


@dataclass(frozen=True)
class EscalationCase:
    victim: str
    suspect: str
    incidents: list[tuple[str, datetime]]
    criterion: CriterionResult


def marac_escalation_cases(
    engine: Engine, settings: MaracSettings | None = None
) -> list[EscalationCase]:
    """Victim–suspect pairs with enough police-recorded incidents in 12 months for a MARAC
    referral on potential escalation, judged at the time of the pair's latest incident."""
    settings = settings or MaracSettings()
    pairs: dict[tuple[str, str], list[tuple[str, datetime]]] = defaultdict(list)
    for fact in incident_facts(engine, stalking_signs=False):
        if fact.victim_entity and fact.suspect_entity and fact.victim_entity != fact.suspect_entity:
            pairs[(fact.victim_entity, fact.suspect_entity)].append((fact.ref, fact.reported_at))
    cases = []
    for (victim, suspect), incidents in sorted(pairs.items()):
        if len(incidents) < settings.escalation_incidents:
            continue
        incidents.sort(key=lambda item: item[1])
        results = marac_criteria(now=incidents[-1][1], incidents=incidents, settings=settings)
        escalation = next(r for r in results if r.id == "potential_escalation")
        if escalation.met:
            cases.append(EscalationCase(victim, suspect, incidents, escalation))
    return cases
