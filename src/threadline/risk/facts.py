"""Plain facts about incidents and assessments, as the owed rules and the trend take them.

They are computed elsewhere (resolved entity ids, whether an incident showed stalking behaviours)
and handed in as values; :func:`assessment_facts` builds one from a stored assessment, and
:func:`graded_facts` grades it first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from threadline.model.pole import Answer, RiskAssessment
from threadline.risk.grading import Grade, Grading, grade_assessment


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the owed rules need to know about one incident.

    ``stalking`` says the incident showed stalking behaviours (decided elsewhere);
    ``victim_entity`` and ``suspect_entity`` are resolved entity ids, or ``None`` when unknown.
    """

    ref: str
    reported_at: datetime
    domestic: bool
    officer: str | None = None
    victim_entity: str | None = None
    suspect_entity: str | None = None
    stalking: bool = False


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    """What the owed rules (and the trend) need to know about one completed assessment.

    ``grade`` is the final grade (see :func:`threadline.risk.grade`); ``None`` when ungraded.
    """

    ref: str
    incident_ref: str
    checklist: str
    assessed_at: datetime
    grade: Grade | None = None
    safety_plan: bool = False
    subject_entity: str | None = None
    officer: str | None = None
    yes_count: int | None = None


def assessment_facts(
    record: RiskAssessment, grading: Grading | None, subject_entity: str | None = None
) -> AssessmentFacts:
    """The facts of a stored assessment once graded by :func:`threadline.risk.grade_assessment`;
    with ``grading`` ``None`` (it could not be graded), no grade and no count."""
    return AssessmentFacts(
        ref=record.ref,
        incident_ref=record.incident_ref,
        checklist=record.checklist,
        assessed_at=record.assessed_at,
        grade=grading.grade if grading is not None else None,
        safety_plan=record.safety_plan,
        subject_entity=subject_entity,
        officer=record.officer,
        yes_count=grading.score.yes_count if grading is not None else None,
    )


def graded_facts(
    record: RiskAssessment, subject_entity: str | None = None
) -> tuple[AssessmentFacts, str | None]:
    """Grade a stored assessment and return its facts, with ``None``; one that cannot be graded
    (e.g. a professional judgement with no reason) is returned ungraded, with the reason why."""
    try:
        grading = grade_assessment(record)
    except ValueError as error:
        yes = sum(1 for v in record.answers.values() if v == Answer.yes)
        return replace(assessment_facts(record, None, subject_entity), yes_count=yes), str(error)
    return assessment_facts(record, grading, subject_entity), None
