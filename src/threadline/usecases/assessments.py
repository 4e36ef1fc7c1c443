"""Risk assessments: check and grade a DASH or S-DASH, submit it through the live path, read
one back, and the MARAC referral list. The API (``/api/assessments``, ``/api/marac/...``) and the
pages (``/incidents/{ref}/assessments``, ``/assessments/{ref}``, ``/marac``) call these."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from threadline.crossref import submit
from threadline.crossref.marac import (
    GradedAssessment,
    Referral,
    graded_assessments,
    referral_list,
)
from threadline.crossref.marac_referrals import previous_referrals
from threadline.crossref.pipeline import Submission
from threadline.guard.disclosure import may_see_contact
from threadline.model import Record, RecordError, RiskAssessment, parse_record
from threadline.model.validation import FieldProblem
from threadline.resolve.linkage import LinkageModel
from threadline.risk import Grading, JudgementError, MaracSettings, grade_assessment
from threadline.risk.validation import checklist_problems
from threadline.store import record_key
from threadline.store.lookups import incident_row
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound
from threadline.usecases.incidents import audit_submission

R = TypeVar("R", bound=Record)


def parse_as(raw: dict[str, Any], kind: str, schema: type[R]) -> R:
    """``raw`` validated as a record of ``kind``; :class:`RecordError` otherwise."""
    record = parse_record(raw, default_kind=kind)
    if not isinstance(record, schema):
        raise RecordError([FieldProblem("kind", f"this route takes a {kind}, not {record.kind}")])
    return record


def read_assessment(raw: Mapping[str, Any]) -> tuple[RiskAssessment, Grading]:
    """``raw`` validated as a risk assessment against its checklist, and graded.

    Raises :class:`~threadline.model.RecordError` naming each field at fault: the schema's
    fields, ``checklist_version``, ``answers.<question id>``, ``notes.<question id>``, or
    ``judgement_reason`` when a judgement raises the grade without one.
    """
    record = parse_as(dict(raw), "risk_assessment", RiskAssessment)
    problems = checklist_problems(record)
    if problems:
        raise RecordError(problems, record.ref)
    try:
        grading = grade_assessment(record)
    except JudgementError as error:
        raise RecordError([FieldProblem("judgement_reason", str(error))], record.ref) from None
    return record, grading


def graded_submission(
    submission: Submission, record: RiskAssessment, grading: Grading
) -> GradedAssessment:
    """The graded assessment of a submission, its subject's entity from its result."""
    subject = next((d.entity_id for d in submission.decisions if d.entity_id), None)
    return GradedAssessment(record, subject, grading)


def submit_assessment(
    engine: Engine,
    auditor: Auditor,
    model: LinkageModel,
    record: RiskAssessment,
    grading: Grading,
    now: datetime,
) -> tuple[Submission, GradedAssessment]:
    """Submit a checked assessment through the live path (its subject resolved, its incident
    recognised again); audited (``assessment.submit``) in the transaction that stores it."""

    def audit_within(conn: Connection, submission: Submission) -> None:
        graded = graded_submission(submission, record, grading)
        audit_submission(
            auditor,
            "assessment.submit",
            conn,
            submission,
            checklist=record.checklist,
            incident_ref=record.incident_ref,
            grade=graded.to_dict()["grade"],
            alerts=[f"{c.change}:{c.alert.rule_id}" for c in submission.changes],
        )

    submission = submit(engine, model, record, now, audit=audit_within)
    return submission, graded_submission(submission, record, grading)


def stored_incident(engine: Engine, ref: str) -> Any | None:
    """The stored incident ``ref`` (its first source), or ``None``."""
    with engine.connect() as conn:
        return incident_row(conn, ref)


def incident_known(engine: Engine, ref: str) -> bool:
    """Whether an incident ``ref`` is stored (an assessment may arrive before its incident)."""
    return stored_incident(engine, ref) is not None


def incident_for_assessment(engine: Engine, auditor: Auditor, ref: str, checklist: str) -> Any:
    """The stored incident ``ref`` an assessment form is filled in for; the look is audited
    (``incident.view``, its purpose the assessment). :class:`NotFound` if there is none."""
    row = stored_incident(engine, ref)
    if row is None:
        raise NotFound(f"no incident {ref}", field="ref")
    auditor(
        "incident.view",
        [row.record_key],
        f"completing a {checklist.upper()} for incident {ref}",
        detail={"assessment_form": checklist},
    )
    return row


def view_assessment(
    engine: Engine, auditor: Auditor, ref: str, purpose: str
) -> tuple[GradedAssessment, bool]:
    """Risk assessment ``ref`` graded, and whether the role sees officers' free text. Audited
    (``person.view``) with ``purpose``, found or not."""
    found = graded_assessments(engine, ref=ref)
    if not found:
        auditor("person.view", [f"risk-assessment-ref:{ref}"], purpose, detail={"found": False})
        raise NotFound(f"no risk assessment {ref}", field="ref")
    graded = found[-1]
    people = [f"person:{graded.subject_entity}"] if graded.subject_entity else []
    auditor("person.view", [record_key(graded.record), *people], purpose, detail={"found": True})
    return graded, may_see_contact(auditor.user.role)


def referrals(engine: Engine, auditor: Auditor, now: datetime, output: str) -> list[Referral]:
    """The MARAC referral list as the user may see it (officers' free text only for roles that
    see contact details); audited (``marac.view``) naming each victim."""
    made = previous_referrals(engine, now)  # those recorded here: others are "not known"
    found = referral_list(engine, now, MaracSettings(), made, complete=False)
    auditor(
        "marac.view",
        [f"person:{r.victim}" for r in found],
        detail={"referrals": len(found), "format": output},
    )
    if may_see_contact(auditor.user.role):
        return found
    return [r.without_free_text() for r in found]
