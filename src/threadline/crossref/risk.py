"""What the store says about risk: owed assessments and MARAC escalation, from resolved entities.

The pure rules live in :mod:`threadline.risk`; this adapter gathers their plain inputs from the
store. Incidents between the same people are counted from the resolved entities, not from what an
officer remembered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, func, or_, select, true

from threadline.model import RiskAssessment, parse_record
from threadline.recognise import Event, find_behaviours, shows_stalking
from threadline.risk import (
    AssessmentFacts,
    CriterionResult,
    Grade,
    IncidentFacts,
    MaracSettings,
    OwedAssessment,
    OwedSettings,
    graded_facts,
    marac_criteria,
    owed_assessments,
)
from threadline.store import tables as t

#: Record keys per ``IN`` list (well under SQLite's and PostgreSQL's parameter limits).
_BATCH = 500


#: An assessment's kind, which its record key and its subject's mention key start with
#: (:func:`threadline.store.records.record_key`).
_ASSESSMENT: str = RiskAssessment.model_fields["kind"].default

_FACT_COLUMNS = ("record_key", "ref", "reported_at", "domestic", "officer", "category",
                 "closing_category", "narrative")  # fmt: skip


def people_by_role(
    conn: Connection, record_keys: Collection[str] | Select[Any] | None = None
) -> dict[str, dict[str, list[str]]]:
    """incident record key → role → entity ids, of every incident or of ``record_keys`` (keys,
    or a query of them)."""
    m, em = t.mentions, t.entity_members
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    query = (
        select(m.c.record_key, m.c.role, em.c.entity_id)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.record_kind == "incident")
        .order_by(m.c.id)
    )
    if record_keys is None:
        batches: Iterable[Any] = [conn.execute(query)]
    elif isinstance(record_keys, Select):
        batches = [conn.execute(query.where(m.c.record_key.in_(record_keys)))]
    else:
        keys = sorted(record_keys)
        batches = (
            conn.execute(query.where(m.c.record_key.in_(keys[i : i + _BATCH])))
            for i in range(0, len(keys), _BATCH)
        )
    for rows in batches:
        for r in rows:
            found[r.record_key][r.role].append(r.entity_id)
    return found


def victim_and_suspect(roles: Mapping[str, list[str]]) -> tuple[str | None, str | None]:
    """An incident's victim (else its caller) and its suspect, as the risk rules take them."""
    victims = roles.get("victim") or roles.get("caller") or []
    suspects = roles.get("suspect") or []
    return (victims[0] if victims else None), (suspects[0] if suspects else None)


def _facts(r: Any, victim: str | None, suspect: str | None, stalking: bool) -> IncidentFacts:
    return IncidentFacts(
        ref=r.ref,
        reported_at=r.reported_at,
        domestic=bool(r.domestic),
        officer=r.officer,
        victim_entity=victim,
        suspect_entity=suspect,
        stalking=stalking,
    )


def _fact(r: Any, roles: Mapping[str, list[str]], stalking_signs: bool) -> IncidentFacts:
    """One incident row as the risk rules see it: its victim (else its caller) and suspect."""
    victim, suspect = victim_and_suspect(roles)
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
    return _facts(r, victim, suspect, stalking)


def incident_facts(engine: Engine, stalking_signs: bool = True) -> list[IncidentFacts]:
    """Each incident as the risk rules see it: when, domestic or not, who was victim and suspect."""
    i = t.incidents
    with engine.connect() as conn:
        people = people_by_role(conn)
        rows = conn.execute(select(*(i.c[c] for c in _FACT_COLUMNS))).all()
    return [_fact(r, people.get(r.record_key, {}), stalking_signs) for r in rows]


def _pair_incidents(conn: Connection, at_least: int) -> dict[str, dict[str, list[str]]]:
    """The roles of the incidents whose victim (else caller) and suspect, as people, share at
    least ``at_least`` incidents: the only incidents a course of conduct can be made of."""
    m = t.mentions
    with_suspect = (
        select(m.c.record_key)
        .where(m.c.record_kind == "incident", m.c.role == "suspect")
        .distinct()
    )
    people = people_by_role(conn, with_suspect)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, roles in people.items():
        victims = roles.get("victim") or roles.get("caller") or []
        suspects = roles.get("suspect") or []
        if victims and suspects:
            pairs[(victims[0], suspects[0])].append(key)
    return {key: people[key] for found in pairs.values() if len(found) >= at_least for key in found}


def risk_incident_facts(
    engine: Engine, course_min_incidents: int = 2, stalking_signs: bool = True
) -> list[IncidentFacts]:
    """The incidents the owed-assessment rules can act on, and only those: every domestic
    incident (a DASH is owed for each) and every incident of a victim–suspect pair with at least
    ``course_min_incidents`` incidents (an S-DASH is owed for a course of conduct), each with its
    stalking signs read. The same facts :func:`incident_facts` gives for those incidents, read
    without visiting the others (the dashboard's owed list at a force's size)."""
    i = t.incidents
    with engine.connect() as conn:
        in_pairs = _pair_incidents(conn, course_min_incidents)
        domestic = (
            conn.execute(select(i.c.record_key).where(i.c.domestic.is_(True))).scalars().all()
        )
        wanted = set(domestic) | set(in_pairs)
        people = {**people_by_role(conn, set(domestic) - set(in_pairs)), **in_pairs}
        keys = sorted(wanted)
        rows = [
            r
            for start in range(0, len(keys), _BATCH)
            for r in conn.execute(
                select(*(i.c[c] for c in _FACT_COLUMNS)).where(
                    i.c.record_key.in_(keys[start : start + _BATCH])
                )
            )
        ]
    signs = stalking_signs
    return [
        _fact(r, people.get(r.record_key, {}), signs and r.record_key in in_pairs) for r in rows
    ]


def _course_rows(conn: Connection, course_min_incidents: int, columns: Sequence[Any]) -> list[Any]:
    """The incidents (``columns`` of ``incidents`` and ``incident_parties``) with stalking
    signs (or not yet read) between a victim (or caller) and a suspect, as people, who share at
    least ``course_min_incidents`` of them: every incident of a course of conduct the S-DASH
    rule can act on (and perhaps a few more, where some of those not yet read show no signs),
    from the one index of the kept parties (:mod:`threadline.store.parties`): the pairs
    counted, then their incidents read by victim (the index read once, not scanned again to
    join the pairs back)."""
    i, p = t.incidents, t.incident_parties
    named = (p.c.maybe_stalking == true()) & p.c.suspect_entity.is_not(None)
    pairs = {
        (r.victim_entity, r.suspect_entity)
        for r in conn.execute(
            select(p.c.victim_entity, p.c.suspect_entity)
            .where(named, p.c.victim_entity.is_not(None))
            .group_by(p.c.victim_entity, p.c.suspect_entity)
            .having(func.count() >= course_min_incidents)
        )
    }
    victims = sorted({v for v, _s in pairs})
    read = select(*columns).select_from(p).join(i, i.c.record_key == p.c.record_key)
    return [
        r
        for start in range(0, len(victims), _BATCH)
        for r in conn.execute(
            read.where(named, p.c.victim_entity.in_(victims[start : start + _BATCH]))
        )
        if (r.victim_entity, r.suspect_entity) in pairs
    ]


def owed_incident_facts(
    engine: Engine, course_min_incidents: int = 2, every_domestic: bool = True
) -> list[IncidentFacts]:
    """The incidents the owed rules act on, read through their kept facts and indexes: the
    domestic ones (a DASH is owed for each) and those whose narrative or categories show a
    stalking behaviour (``incidents.stalking_signs``, kept when the incident is recognised, live
    or in the sweep) between people who share ``course_min_incidents`` of them (an S-DASH is
    owed for such a course), with their victim and suspect as kept (``incident_parties``).
    :func:`owed_assessments` gives the same list from these as from
    :func:`risk_incident_facts` (``tests/crossref/test_owed_kept.py``); no other incident is
    visited, and a narrative is read only where recognition has not yet kept its signs. With
    ``every_domestic`` false, only the incidents of those courses: the facts the S-DASH rule
    acts on alone, with the same stalking signs."""
    i, p = t.incidents, t.incident_parties
    # an incident not yet recognised (imported, never swept) has its signs read here instead
    unknown = i.c.stalking_signs.is_(None)
    columns = (i.c.record_key, i.c.ref, i.c.reported_at, i.c.domestic, i.c.officer,
               i.c.stalking_signs, p.c.victim_entity, p.c.suspect_entity)  # fmt: skip
    read_rows = select(*columns).outerjoin(p, p.c.record_key == i.c.record_key)
    with engine.connect() as conn:
        in_courses = _course_rows(conn, course_min_incidents, columns)
        if every_domestic:  # with every domestic one and every one not yet read, the others
            rows = [
                *conn.execute(read_rows.where(or_(i.c.domestic.is_(True), unknown))),
                *(r for r in in_courses if not r.domestic and r.stalking_signs is not None),
            ]
        else:
            rows = in_courses
        unread = sorted({r.record_key for r in rows if r.stalking_signs is None})
        read = {
            r.record_key: shows_stalking(r.ref, r.category, r.closing_category, r.narrative)
            for start in range(0, len(unread), _BATCH)
            for r in conn.execute(
                select(
                    i.c.record_key, i.c.ref, i.c.category, i.c.closing_category, i.c.narrative
                ).where(i.c.record_key.in_(unread[start : start + _BATCH]))
            )
        }
    facts = []
    for r in rows:
        signs = read[r.record_key] if r.stalking_signs is None else r.stalking_signs
        if not (r.domestic or signs):
            continue
        victim, suspect = r.victim_entity, r.suspect_entity
        facts.append(_facts(r, victim, suspect, bool(signs and victim and suspect)))
    return facts


def assessment_facts_from_store(
    engine: Engine, where: ColumnElement[bool] | None = None, of_people: bool = False
) -> list[AssessmentFacts]:
    """Every stored assessment (those ``where`` picks, of ``risk_assessments`` and, for its
    subject, ``entity_members``) as the owed rules read it, from its kept grade and "yes" count
    (:func:`threadline.risk.graded_facts`, kept when written): no document is parsed. With
    ``of_people``, only those whose subject is a person (``where`` then names the people: the
    query starts from their memberships, of which only assessments' subjects, by their key, are
    looked up: not every incident a victim is named in)."""
    a, m, em = t.risk_assessments, t.mentions, t.entity_members
    join = "join" if of_people else "outerjoin"
    if of_people:
        subjects = em.c.mention_key.startswith(f"{_ASSESSMENT}:", autoescape=True)
        where = subjects if where is None else where & subjects
    with engine.connect() as conn:
        query = (
            select(
                a.c.ref,
                a.c.incident_ref,
                a.c.checklist,
                a.c.assessed_at,
                a.c.grade,
                a.c.safety_plan,
                a.c.officer,
                a.c.yes_count,
                em.c.entity_id,
            )  # fmt: skip
        )
        query = getattr(query, join)(
            m, (m.c.record_key == a.c.record_key) & (m.c.position == "subject")
        )
        query = getattr(query, join)(em, em.c.mention_key == m.c.mention_key)
        rows = conn.execute(query if where is None else query.where(where)).all()
    return [
        AssessmentFacts(
            ref=r.ref,
            incident_ref=r.incident_ref,
            checklist=r.checklist,
            assessed_at=r.assessed_at,
            grade=Grade(r.grade) if r.grade else None,
            safety_plan=bool(r.safety_plan),
            subject_entity=r.entity_id,
            officer=r.officer,
            yes_count=r.yes_count,
        )
        for r in rows
    ]


def graded_assessment_facts(engine: Engine) -> list[AssessmentFacts]:
    """:func:`assessment_facts_from_store` the old way, grading each stored document again
    (the anchor of ``bench/bench_pages.py`` and of the test that the kept grades agree)."""
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
    s = settings or OwedSettings()
    facts = owed_incident_facts(engine, s.course_min_incidents)
    assessments = assessment_facts_from_store(engine)
    return owed_assessments(facts, assessments, now, s, named_in(engine, facts, assessments))


def named_in(
    engine: Engine, facts: Iterable[IncidentFacts], assessments: Iterable[AssessmentFacts]
) -> dict[str, str | None]:
    """The names of the people an owed reason can name (the victim and suspect of an incident
    with stalking signs, the subject of an assessment graded high), by entity id."""
    wanted = {e for f in facts if f.stalking for e in (f.victim_entity, f.suspect_entity) if e} | {
        a.subject_entity for a in assessments if a.subject_entity and a.grade == Grade.high
    }
    keys = sorted(wanted)
    e = t.entities
    with engine.connect() as conn:
        return {
            r.id: r.label
            for start in range(0, len(keys), _BATCH)
            for r in conn.execute(
                select(e.c.id, e.c.label).where(e.c.id.in_(keys[start : start + _BATCH]))
            )
        }


def owed_read_whole(
    engine: Engine, now: datetime, settings: OwedSettings | None = None
) -> list[OwedAssessment]:
    """:func:`owed` as it was read before the facts were kept: every incident of a pair visited,
    each narrative read and each assessment graded again (the anchor the kept read is compared
    with, in the tests and ``bench/bench_pages.py``)."""
    s = settings or OwedSettings()
    facts = risk_incident_facts(engine, s.course_min_incidents)
    assessments = graded_assessment_facts(engine)
    return owed_assessments(facts, assessments, now, s, named_in(engine, facts, assessments))


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
    facts = risk_incident_facts(engine, settings.escalation_incidents, stalking_signs=False)
    for fact in facts:
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
