"""The MARAC referral list from the store, and the graded risk assessments it reads.

:func:`referral_list` evaluates the four SafeLives criteria (:func:`threadline.risk.marac_criteria`)
for every victim the store knows, counted from resolved entities rather than from what an officer
remembered:

* **visible high risk** and **professional judgement** come from the victim's latest DASH (as of
  ``now``), scored and graded again from the stored document
  (:func:`threadline.risk.grade_assessment`);
* **potential escalation** counts the police-recorded incidents between the victim and the same
  suspect (both resolved entities) in the 12 months to ``now``; of the victim's suspects, the one
  with the most such incidents is reported;
* **repeat referral**: Threadline has no record type for MARAC referrals yet, so by default a
  previous referral is *not known*, and the criterion says so instead of claiming there was none.
  A caller holding the MARAC's own list passes it as ``previous_referrals``.

A victim is an incident's ``victim`` entity or, where an incident names no victim, its caller
(the rule :func:`threadline.crossref.risk.incident_facts` follows), and the subject of a DASH.
Only victims with at least one criterion met are listed. :func:`referrals_csv` writes the list
through :func:`threadline.risk.write_referrals_csv`, every cell safe to open in a spreadsheet.

:func:`graded_assessments` and :func:`person_assessments` serve the same graded assessments to
the API and the web app (a person's scores, grades and trend).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any

from sqlalchemy import Engine, func, or_, select

from threadline.export.plain import plain
from threadline.model import RiskAssessment, parse_record
from threadline.risk import (
    MARAC_CRITERIA,
    AnswerError,
    AssessmentFacts,
    CriterionResult,
    Grading,
    JudgementError,
    MaracSettings,
    ReferralRow,
    Thresholds,
    TrendPoint,
    assessment_facts,
    assessment_trend,
    grade,
    grade_assessment,
    load_checklist,
    marac_criteria,
    referral_row,
    score,
    write_referrals_csv,
)
from threadline.risk.marac import Dated, local_day, months_before
from threadline.store import tables as t

#: What replaces an officer's free text for roles that do not see contact details.
WITHHELD = "(withheld)"

REPEAT_NOT_KNOWN = (
    "not known: Threadline holds no record of MARAC referrals yet, so a referral in the last "
    "{months} months cannot be checked here; check the MARAC's own list"
)


@dataclass(frozen=True)
class GradedAssessment:
    """A stored assessment, who it is about (resolved entity) and its grading.

    ``grading`` is ``None`` when the stored answers cannot be scored; ``problem`` then says why.
    When a stored judgement raises the grade without a reason, the count alone is graded and
    ``problem`` says the judgement was not applied.
    """

    record: RiskAssessment
    subject_entity: str | None
    grading: Grading | None
    problem: str | None = None

    def facts(self) -> AssessmentFacts:
        """The plain facts the owed rules and the trend take."""
        return assessment_facts(self.record, self.grading, self.subject_entity)

    def reasons(self, free_text: bool = True) -> list[str]:
        """Why the grade is what it is; ``free_text=False`` withholds the officer's judgement
        reason (free text may say where the victim lives; see :mod:`threadline.guard.policy`)."""
        reasons = list(self.grading.reasons) if self.grading is not None else []
        secret = (self.record.judgement_reason or "").strip()
        if free_text or not secret:
            return reasons
        return [reason.replace(secret, WITHHELD) for reason in reasons]

    def to_dict(self, free_text: bool = True) -> dict[str, Any]:
        """Score, grade and reasons as JSON-ready values (no answers, notes or contact details;
        with ``free_text=False``, no judgement reason either)."""
        r, g = self.record, self.grading
        s = g.score if g is not None else None
        return {
            "ref": r.ref,
            "source": r.source,
            "checklist": r.checklist,
            "checklist_version": r.checklist_version,
            "incident_ref": r.incident_ref,
            "assessed_at": r.assessed_at.isoformat(),
            "officer": r.officer,
            "subject_entity": self.subject_entity,
            "safety_plan": r.safety_plan,
            "score": None
            if s is None
            else {
                "yes": s.yes_count,
                "no": s.no_count,
                "not_known": s.not_known_count,
                "unanswered": list(s.unanswered),
                "total": s.total,
                "describe": s.describe(),
            },
            "grade": g.grade.value if g is not None and g.grade is not None else None,
            "visible_grade": g.visible_grade.value
            if g is not None and g.visible_grade is not None
            else None,
            "judgement_grade": r.judgement_grade,
            "raised_by_judgement": g.raised_by_judgement if g is not None else False,
            "judgement_reason": r.judgement_reason if free_text else None,
            "reasons": self.reasons(free_text),
            "problem": self.problem,
        }


def grade_stored(record: RiskAssessment, thresholds: Thresholds | None = None) -> GradedAssessment:
    """Grade one stored assessment; an assessment that cannot be graded says why."""
    try:
        return GradedAssessment(record, None, grade_assessment(record, thresholds))
    except JudgementError as error:
        checklist = load_checklist(record.checklist, record.checklist_version)
        counted = grade(
            score(checklist, record.answers), thresholds=thresholds, grading=checklist.grading
        )
        return GradedAssessment(record, None, counted, f"judgement not applied: {error}")
    except (AnswerError, KeyError) as error:
        text = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        return GradedAssessment(record, None, None, f"cannot be scored: {text}")


def graded_assessments(
    engine: Engine,
    *,
    entity_id: str | None = None,
    checklist: str | None = None,
    ref: str | None = None,
    now: datetime | None = None,
    thresholds: Thresholds | None = None,
) -> list[GradedAssessment]:
    """Stored assessments, each graded, oldest first; of one person (``entity_id``), one
    ``checklist``, one reference (``ref``), or completed by ``now``, when given."""
    a, m, em = t.risk_assessments, t.mentions, t.entity_members
    query = (
        select(a.c.document, em.c.entity_id)
        .outerjoin(m, (m.c.record_key == a.c.record_key) & (m.c.position == "subject"))
        .outerjoin(em, em.c.mention_key == m.c.mention_key)
        .order_by(a.c.assessed_at, a.c.ref)
    )
    if entity_id is not None:
        query = query.where(em.c.entity_id == entity_id)
    if checklist is not None:
        query = query.where(a.c.checklist == checklist)
    if ref is not None:
        query = query.where(a.c.ref == ref)
    if now is not None:
        query = query.where(a.c.assessed_at <= now)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    found = []
    for row in rows:
        record = parse_record(row.document)
        assert isinstance(record, RiskAssessment)
        found.append(replace(grade_stored(record, thresholds), subject_entity=row.entity_id))
    return found


@dataclass(frozen=True)
class PersonAssessments:
    """A person's assessments, graded, oldest first, and how their risk has moved."""

    entity_id: str
    assessments: list[GradedAssessment]
    trend: list[TrendPoint]

    def to_dict(self, free_text: bool = True) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "assessments": [a.to_dict(free_text) for a in self.assessments],
            "trend": [
                {
                    "ref": p.ref,
                    "checklist": p.checklist,
                    "assessed_at": p.assessed_at.isoformat(),
                    "yes_count": p.yes_count,
                    "grade": p.grade.value if p.grade is not None else None,
                    "score_change": p.score_change,
                    "grade_change": p.grade_change,
                    "reason": p.reason,
                }
                for p in self.trend
            ],
        }


def person_assessments(
    engine: Engine, entity_id: str, thresholds: Thresholds | None = None
) -> PersonAssessments:
    """Every assessment of one person with its score and grade, and the trend across them."""
    graded = graded_assessments(engine, entity_id=entity_id, thresholds=thresholds)
    return PersonAssessments(entity_id, graded, assessment_trend(a.facts() for a in graded))


# --- the referral list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    """One victim on the MARAC referral list: every criterion evaluated, and why.

    ``incident_ref`` and ``officer`` are those of the latest DASH, else of the victim's latest
    incident; ``suspect`` and ``incidents`` are the pair behind the escalation criterion.
    """

    victim: str
    label: str | None
    criteria: tuple[CriterionResult, ...]
    incident_ref: str
    officer: str | None
    dash: GradedAssessment | None = None
    suspect: str | None = None
    incidents: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    free_text: bool = True

    @property
    def met(self) -> tuple[str, ...]:
        """The ids of the criteria met."""
        return tuple(c.id for c in self.criteria if c.met)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the victim is on the list: the reason of each criterion met."""
        return tuple(c.reason for c in self.criteria if c.met)

    @property
    def named(self) -> str:
        """``Alys Penhallow (P0000042)``, or the entity id alone."""
        return f"{self.label} ({self.victim})" if self.label else self.victim

    def row(self) -> ReferralRow:
        """The referral as a CSV row (:data:`threadline.risk.REFERRAL_COLUMNS`)."""
        grading = self.dash.grading if self.dash is not None else None
        assessed: date | None = None
        if self.dash is not None:
            assessed = local_day(self.dash.record.assessed_at)
        return referral_row(
            self.named, self.incident_ref, self.officer, self.criteria, grading, assessed
        )

    def without_free_text(self) -> Referral:
        """A copy with the officer's judgement reason withheld from every criterion's reason
        (free text may say where the victim lives; see :mod:`threadline.guard.policy`)."""
        text = self.dash.record.judgement_reason if self.dash is not None else None
        if not text or not text.strip():
            return replace(self, free_text=False)
        secret = text.strip()
        criteria = tuple(
            replace(c, reason=c.reason.replace(secret, WITHHELD)) for c in self.criteria
        )
        return replace(self, criteria=criteria, free_text=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "victim": self.victim,
            "label": self.label,
            "incident_ref": self.incident_ref,
            "officer": self.officer,
            "criteria_met": list(self.met),
            "reasons": list(self.reasons),
            "criteria": plain(self.criteria),
            "dash": self.dash.to_dict(self.free_text) if self.dash is not None else None,
            "suspect": self.suspect,
            "incidents": list(self.incidents),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Incident:
    ref: str
    reported_at: datetime
    officer: str | None


def _victim_incidents(
    engine: Engine, now: datetime, victims: Collection[str] | None = None
) -> tuple[dict[str, list[_Incident]], dict[str, dict[str, list[_Incident]]]]:
    """victim → their incidents; victim → suspect → incidents between them; up to ``now``; of
    every victim, or of the incidents where one of ``victims`` is a victim or caller."""
    i, m, em = t.incidents, t.mentions, t.entity_members
    rows_by_incident: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    incidents: dict[str, _Incident] = {}
    query = (
        select(i.c.record_key, i.c.ref, i.c.reported_at, i.c.officer, m.c.role, em.c.entity_id)
        .join(m, m.c.record_key == i.c.record_key)
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(m.c.role.in_(("victim", "caller", "suspect")), i.c.reported_at <= now)
    )
    if victims is None:
        queries = [query]
    else:
        wanted = sorted(victims)
        m2, em2 = m.alias("vm"), em.alias("vem")
        queries = [
            query.where(
                i.c.record_key.in_(
                    select(m2.c.record_key)
                    .join(em2, em2.c.mention_key == m2.c.mention_key)
                    .where(
                        em2.c.entity_id.in_(wanted[start : start + 500]),
                        m2.c.role.in_(("victim", "caller")),
                    )
                )
            )
            for start in range(0, len(wanted), 500)
        ]
    with engine.connect() as conn:
        for statement in queries:
            for r in conn.execute(statement):
                incidents[r.record_key] = _Incident(r.ref, r.reported_at, r.officer)
                rows_by_incident[r.record_key][r.role].add(r.entity_id)
    by_victim: dict[str, list[_Incident]] = defaultdict(list)
    by_pair: dict[str, dict[str, list[_Incident]]] = defaultdict(lambda: defaultdict(list))
    for key, roles in rows_by_incident.items():
        incident = incidents[key]
        victims_here = roles.get("victim") or roles.get("caller") or set()
        for victim in victims_here:
            by_victim[victim].append(incident)
            for suspect in roles.get("suspect", set()) - {victim}:
                by_pair[victim][suspect].append(incident)
    return by_victim, by_pair


def referral_candidates(
    engine: Engine,
    now: datetime,
    settings: MaracSettings,
    previous_referrals: Mapping[str, Sequence[Dated]] | None = None,
) -> set[str]:
    """Every victim who can meet a MARAC criterion as of ``now``, and perhaps a few more, found
    through indexes and the kept grades rather than by reading every incident and grading every
    DASH: the subject of a DASH by ``now`` graded high on its "yes" count or by the officer
    (visible high risk, professional judgement); a victim or caller of at least
    ``escalation_incidents`` incidents with the same suspect reported in the window to ``now``
    (potential escalation; the window is taken a day wider each side than the criterion's local
    days); and whoever has an earlier referral (repeat referral)."""
    a, i, m, em = t.risk_assessments, t.incidents, t.mentions, t.entity_members
    found: set[str] = set(previous_referrals or {})
    start = months_before(local_day(now), settings.window_months) - timedelta(days=1)
    since = datetime.combine(start, time(), tzinfo=UTC)
    mv, ev, ms, es = m.alias("mv"), em.alias("ev"), m.alias("ms"), em.alias("es")
    pairs = (
        select(ev.c.entity_id)
        .select_from(i)
        .join(mv, (mv.c.record_key == i.c.record_key) & mv.c.role.in_(("victim", "caller")))
        .join(ev, ev.c.mention_key == mv.c.mention_key)
        .join(ms, (ms.c.record_key == i.c.record_key) & (ms.c.role == "suspect"))
        .join(es, es.c.mention_key == ms.c.mention_key)
        .where(i.c.reported_at >= since, i.c.reported_at <= now, es.c.entity_id != ev.c.entity_id)
        .group_by(ev.c.entity_id, es.c.entity_id)
        .having(func.count(func.distinct(i.c.record_key)) >= settings.escalation_incidents)
    )
    high = (
        select(em.c.entity_id)
        .select_from(a)
        .join(m, (m.c.record_key == a.c.record_key) & (m.c.position == "subject"))
        .join(em, em.c.mention_key == m.c.mention_key)
        .where(
            a.c.checklist == "dash",
            a.c.assessed_at <= now,
            or_(a.c.yes_count >= settings.thresholds.high_yes, a.c.judgement_grade == "high"),
        )
    )
    with engine.connect() as conn:
        found.update(conn.execute(pairs).scalars())
        found.update(conn.execute(high).scalars())
    return found


def _latest_dashes(
    engine: Engine, victims: Collection[str], now: datetime, thresholds: Thresholds
) -> dict[str, GradedAssessment]:
    """victim → their latest DASH by ``now`` (by time, then reference), graded; of ``victims``."""
    a, m, em = t.risk_assessments, t.mentions, t.entity_members
    wanted = sorted(victims)
    latest: dict[str, Any] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            rows = conn.execute(
                select(a.c.document, em.c.entity_id)
                .join(m, (m.c.record_key == a.c.record_key) & (m.c.position == "subject"))
                .join(em, em.c.mention_key == m.c.mention_key)
                .where(
                    em.c.entity_id.in_(wanted[start : start + 500]),
                    a.c.checklist == "dash",
                    a.c.assessed_at <= now,
                )
                .order_by(a.c.assessed_at, a.c.ref)
            )
            for row in rows:
                latest[row.entity_id] = row.document  # oldest first: the last one stays
    found = {}
    for victim, document in latest.items():
        record = parse_record(document)
        assert isinstance(record, RiskAssessment)
        found[victim] = replace(grade_stored(record, thresholds), subject_entity=victim)
    return found


def _labels(engine: Engine, ids: set[str]) -> dict[str, str | None]:
    e = t.entities
    wanted = sorted(ids)
    found: dict[str, str | None] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for r in conn.execute(select(e.c.id, e.c.label).where(e.c.id.in_(chunk))):
                found[r.id] = r.label
    return found


def _dated(incidents: Sequence[_Incident]) -> list[Dated]:
    return [(i.ref, i.reported_at) for i in incidents]


def _by_id(results: Sequence[CriterionResult]) -> dict[str, CriterionResult]:
    return {r.id: r for r in results}


def _escalation(
    pairs: Mapping[str, list[_Incident]], now: datetime, s: MaracSettings
) -> tuple[CriterionResult, str | None]:
    """The escalation criterion for the suspect with the most incidents in the window."""
    best: tuple[tuple[bool, int], CriterionResult, str] | None = None
    for suspect, incidents in sorted(pairs.items()):
        evaluated = marac_criteria(now=now, incidents=_dated(incidents), settings=s)
        escalation = _by_id(evaluated)["potential_escalation"]
        rank = (escalation.met, len(escalation.evidence))
        if best is None or rank > best[0]:
            best = (rank, escalation, suspect)
    if best is None:
        return _by_id(marac_criteria(now=now, settings=s))["potential_escalation"], None
    _, chosen, suspect = best
    return replace(chosen, reason=f"{chosen.reason} (suspect {suspect})"), suspect


def _unscorable(results: list[CriterionResult], dash: GradedAssessment) -> list[CriterionResult]:
    why = f"the latest DASH {dash.record.ref} {dash.problem}"
    return [
        replace(r, reason=why) if r.id in ("visible_high_risk", "professional_judgement") else r
        for r in results
    ]


def _judged_high_without_reason(
    results: list[CriterionResult], dash: GradedAssessment
) -> list[CriterionResult]:
    """The officer graded high but gave no reason, so the grade could not be applied; the
    referral still stands on the officer's judgement (a missed high-risk victim is the worse
    error), and the reason says a reason is owed."""
    why = (
        f"the officer graded the risk high on DASH {dash.record.ref} but recorded no reason: "
        "the referral stands on the officer's grade; ask the officer for the reason"
    )
    return [
        CriterionResult(r.id, True, why) if r.id == "professional_judgement" else r for r in results
    ]


def referral_list(
    engine: Engine,
    now: datetime,
    settings: MaracSettings | None = None,
    previous_referrals: Mapping[str, Sequence[Dated]] | None = None,
    *,
    complete: bool = True,
    read_whole: bool = False,
) -> list[Referral]:
    """Every victim meeting at least one MARAC referral criterion as of ``now``, most criteria
    met first.

    ``previous_referrals`` (victim entity id → earlier referrals, each ``(ref, date)``) feeds the
    repeat-referral criterion; without it that criterion is reported as not known, never as
    met or as "no referral". ``complete=False`` says the mapping holds only the referrals
    recorded in Threadline (:func:`threadline.crossref.marac_referrals.previous_referrals`): a
    victim absent from it is then "not known" too. Nothing after ``now`` is looked at.

    Only the victims :func:`referral_candidates` finds are read and evaluated;
    ``read_whole=True`` reads every incident and grades every DASH as it used to (the anchor
    the tests and ``bench/bench_pages.py`` compare with).
    """
    s = settings or MaracSettings()
    if read_whole:
        by_victim, by_pair = _victim_incidents(engine, now)
        latest_dash: dict[str, GradedAssessment] = {}
        graded_all = graded_assessments(engine, checklist="dash", now=now, thresholds=s.thresholds)
        for graded in graded_all:
            if graded.subject_entity is not None:
                latest_dash[graded.subject_entity] = graded  # oldest first: the last one stays
        victims = set(by_victim) | set(latest_dash)
    else:
        # only those who can meet a criterion are read: the list is the same (the tests compare)
        wanted = referral_candidates(engine, now, s, previous_referrals)
        by_victim, by_pair = _victim_incidents(engine, now, wanted)
        latest_dash = _latest_dashes(engine, wanted, now, s.thresholds)
        victims = (set(by_victim) | set(latest_dash)) & wanted
    labels = _labels(engine, victims)
    referrals = []
    for victim in sorted(victims):
        if (
            victim not in latest_dash
            and victim not in (previous_referrals or {})
            and len(by_victim.get(victim, ())) < s.escalation_incidents
        ):
            # no DASH (visible high risk, judgement), no earlier referral (repeat), too few
            # incidents for potential escalation: no criterion can be met, none is evaluated
            continue
        dash = latest_dash.get(victim)
        grading = dash.grading if dash is not None else None
        incidents = sorted(by_victim.get(victim, []), key=lambda i: (i.reported_at, i.ref))
        known = previous_referrals is not None and (complete or victim in previous_referrals)
        refs = (previous_referrals or {}).get(victim, ())
        evaluated = _by_id(
            marac_criteria(
                now=now,
                grading=grading,
                incidents=_dated(incidents),
                previous_referrals=refs,
                settings=s,
            )
        )
        escalation, suspect = _escalation(by_pair.get(victim, {}), now, s)
        evaluated["potential_escalation"] = escalation
        if not known:
            evaluated["repeat_referral"] = CriterionResult(
                "repeat_referral", False, REPEAT_NOT_KNOWN.format(months=s.window_months)
            )
        results = [evaluated[c.id] for c in MARAC_CRITERIA]
        notes: list[str] = []
        if dash is not None and dash.problem:
            notes.append(f"DASH {dash.record.ref} {dash.problem}")
            if grading is None:
                results = _unscorable(results, dash)
            elif dash.record.judgement_grade == "high":
                results = _judged_high_without_reason(results, dash)
        if not any(r.met for r in results):
            continue
        if dash is not None:
            incident_ref, officer = dash.record.incident_ref, dash.record.officer
        elif incidents:
            incident_ref, officer = incidents[-1].ref, incidents[-1].officer
        else:  # pragma: no cover - a victim comes from an incident or a DASH
            continue
        referrals.append(
            Referral(
                victim=victim,
                label=labels.get(victim),
                criteria=tuple(results),
                incident_ref=incident_ref,
                officer=officer,
                dash=dash,
                suspect=suspect,
                incidents=escalation.evidence,
                notes=tuple(notes),
            )
        )
    referrals.sort(key=lambda r: (-len(r.met), r.victim))
    return referrals


def referrals_csv(referrals: Sequence[Referral], fileobj: IO[str]) -> int:
    """Write the referral list as CSV (open ``fileobj`` with ``newline=""``); every cell is
    quoted and one that a spreadsheet could run as a formula is neutralised. Returns the rows."""
    return write_referrals_csv((r.row() for r in referrals), fileobj)


__all__ = [
    "GradedAssessment",
    "PersonAssessments",
    "Referral",
    "grade_stored",
    "graded_assessments",
    "person_assessments",
    "referral_list",
    "referrals_csv",
]
