"""Risk assessment pages: the DASH and S-DASH forms for an incident, the result, the MARAC list.

``GET /incidents/{ref}/assessments/new?checklist=dash`` draws the checklist from its data
(:func:`threadline.risk.load_checklist`: 27 DASH questions, 11 S-DASH), each answered yes / no /
not known with a note, then the officer's judgement grade and reason and the safety plan, for one
of the incident's people. ``POST /incidents/{ref}/assessments`` takes the same path as the API's
``POST /api/assessments`` (:func:`threadline.usecases.assessments.read_assessment`, then
:func:`~threadline.usecases.assessments.submit_assessment`, which calls
:func:`threadline.crossref.submit`) and opens ``GET /assessments/{ref}``: the score and the
grade with its reasons. ``GET /marac`` is the MARAC referral list
(:func:`threadline.usecases.assessments.referrals`) with a CSV download (the API's
``/api/marac/referrals.csv``). Permissions and audit actions are the API's.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.api.deps import Audited, ClockDep, EngineDep, linkage_model_of, require
from threadline.api.errors import ApiError
from threadline.api.segments import RefPath
from threadline.crossref.picture import written_name
from threadline.guard.users import User
from threadline.model import FORCE_TIMEZONE, RecordError
from threadline.risk import ANSWERS, CHECKLISTS, Checklist, load_checklist
from threadline.usecases import assessments
from threadline.web.pages.deps import FormItems
from threadline.web.pages.purpose import PurposeQuery, purpose_for
from threadline.web.paths import assessment_path
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

Assessor = Annotated[User, require("assessment.submit")]
Viewer = Annotated[User, require("person.view")]
Referrer = Annotated[User, require("marac.view")]
Ref = RefPath
ChecklistQuery = Annotated[str, Query(max_length=20)]

GRADES = ("standard", "medium", "high")
ANSWER_LABELS = {"yes": "Yes", "no": "No", "not_known": "Not known"}
#: The form's own inputs (answers and notes are ``answers-<question id>``, ``notes-<id>``).
FIELDS = ("ref", "assessed_at", "officer", "subject", "judgement_grade", "judgement_reason")


def new_ref(checklist: str, now: datetime) -> str:
    """A reference for an assessment entered here: ``WEB-DASH-20260301-101502-3F9A``."""
    local = now.astimezone(FORCE_TIMEZONE)
    return f"WEB-{checklist.upper()}-{local:%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"


def _checklist(name: str) -> Checklist:
    try:
        return load_checklist(name)
    except KeyError:
        known = ", ".join(CHECKLISTS)
        raise ApiError(404, f"no checklist {name!r} (use {known})", field="checklist") from None


def _incident(row: Any) -> dict[str, Any]:
    """A stored incident as the form needs it: when, what, and its people."""
    people = [
        {
            "index": n,
            "role": p.get("role"),
            "name": written_name(p.get("forenames"), p.get("surname"), p.get("description")),
            "mention": p,
        }
        for n, p in enumerate(row.document.get("people", []))
    ]
    return {
        "record_key": row.record_key,
        "ref": row.ref,
        "reported_at": row.reported_at,
        "category": row.category,
        "domestic": bool(row.domestic),
        "officer": row.officer,
        "people": people,
    }


def _stored_incident(engine: Any, ref: str) -> Any:
    """The incident an assessment is posted for (no audit row: the submission writes one)."""
    row = assessments.stored_incident(engine, ref)
    if row is None:
        raise ApiError(404, f"no incident {ref}", field="ref")
    return row


def _default_subject(people: list[dict[str, Any]]) -> str:
    for role in ("victim", "caller"):
        for p in people:
            if p["role"] == role:
                return str(p["index"])
    return ""


def input_name(field: str) -> str:
    """Where a record field's problem is shown: ``answers.dash.01`` → ``answers-dash.01``."""
    head, _, rest = field.partition(".")
    if head in ("answers", "notes") and rest:
        return f"{head}-{rest}"
    if head == "subject":
        return "subject"
    return head or "ref"


def to_record(
    form: dict[str, str], checklist: Checklist, incident: dict[str, Any]
) -> dict[str, Any]:
    """The posted form as a risk assessment in the import format (checked elsewhere)."""
    answers = {q: form[f"answers-{q}"] for q in checklist.question_ids if form.get(f"answers-{q}")}
    notes = {
        q: form[f"notes-{q}"].strip()
        for q in checklist.question_ids
        if form.get(f"notes-{q}", "").strip()
    }
    by_index = {str(p["index"]): p["mention"] for p in incident["people"]}
    subject = dict(by_index.get(form.get("subject", ""), {}))
    if subject:
        subject["role"] = "victim"  # the person assessed is the victim of the abuse
        subject.pop("relationship_to_victim", None)
    record: dict[str, Any] = {
        "kind": "risk_assessment",
        "source": "web",
        "ref": form.get("ref") or "",
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "incident_ref": incident["ref"],
        "subject": subject or None,
        "assessed_at": form.get("assessed_at") or None,
        "officer": form.get("officer") or None,
        "answers": answers,
        "notes": notes,
        "judgement_grade": form.get("judgement_grade") or None,
        "judgement_reason": (form.get("judgement_reason") or "").strip() or None,
        "safety_plan": form.get("safety_plan") == "yes",
    }
    return record


def _form_page(
    request: Request,
    user: User,
    checklist: Checklist,
    incident: dict[str, Any],
    form: dict[str, str],
    problems: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "checklist": checklist,
        "incident": incident,
        "form": form,
        "problems": problems or {},
        "answer_labels": [(a, ANSWER_LABELS.get(a, a)) for a in checklist.answers],
        "grades": GRADES,
        "other": [c for c in CHECKLISTS if c != checklist.id],
    }
    return render(request, "assessment_form.html", user, context, status_code)


@router.get("/incidents/{ref}/assessments/new", response_class=HTMLResponse)
def assessment_form(
    request: Request,
    user: Assessor,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    ref: Ref,
    checklist: ChecklistQuery = "dash",
) -> HTMLResponse:
    """A blank DASH (or S-DASH) for incident ``ref``, its victim chosen as the subject."""
    chosen = _checklist(checklist)
    incident = _incident(assessments.incident_for_assessment(engine, audited, ref, chosen.id))
    now = clock()
    form = {
        "ref": new_ref(chosen.id, now),
        "assessed_at": now.astimezone(FORCE_TIMEZONE)
        .replace(tzinfo=None)
        .isoformat("T", "minutes"),
        "officer": user.username,
        "subject": _default_subject(incident["people"]),
    }
    return _form_page(request, user, chosen, incident, form)


@router.post("/incidents/{ref}/assessments", response_class=HTMLResponse)
def assessment_submit(
    request: Request,
    user: Assessor,
    items: FormItems,
    engine: EngineDep,
    clock: ClockDep,
    audited: Audited,
    ref: Ref,
) -> Response:
    """Check the answers against the checklist, submit them through the live path, show the
    score and grade (or the form again, each problem beside its question)."""
    form = dict(items)
    chosen = _checklist(form.get("checklist", "dash"))
    incident = _incident(_stored_incident(engine, ref))
    if not form.get("ref"):
        form["ref"] = new_ref(chosen.id, clock())
    try:
        record, grading = assessments.read_assessment(to_record(form, chosen, incident))
    except RecordError as error:
        problems: dict[str, list[str]] = {}
        for problem in error.problems:
            problems.setdefault(input_name(problem.field), []).append(str(problem))
        return _form_page(request, user, chosen, incident, form, problems, status_code=422)

    assessments.submit_assessment(
        engine, audited, linkage_model_of(request), record, grading, clock()
    )
    purpose = f"recording assessment {record.ref}"
    return RedirectResponse(assessment_path(record.ref, purpose=purpose), status_code=303)


@router.get("/assessments/{ref}", response_class=HTMLResponse)
def assessment_result(
    request: Request,
    user: Viewer,
    engine: EngineDep,
    audited: Audited,
    ref: Ref,
    purpose: PurposeQuery = None,
) -> HTMLResponse:
    """One assessment: the score, the grade and why, the answers given and the trend link."""
    stated = purpose_for(request, user, purpose, f"risk assessment {ref}", assessment_path(ref))
    graded, free_text = assessments.view_assessment(engine, audited, ref, stated)
    record = graded.record
    checklist = load_checklist(record.checklist, record.checklist_version)
    questions = [
        {
            "id": q.id,
            "number": q.number,
            "text": q.text,
            "answer": str(record.answers[q.id]) if q.id in record.answers else None,
            "note": record.notes.get(q.id, "") if free_text else "",
        }
        for q in checklist.questions
    ]
    context = {
        "assessment": graded.to_dict(free_text),
        "checklist": checklist,
        "questions": questions,
        "subject": written_name(record.subject.forenames, record.subject.surname, None),
        "free_text": free_text,
        "just_recorded": stated.startswith("recording assessment"),
        "answer_labels": ANSWER_LABELS,
    }
    return render(request, "assessment.html", user, context)


@router.get("/marac", response_class=HTMLResponse)
def marac_list(
    request: Request, user: Referrer, engine: EngineDep, clock: ClockDep, audited: Audited
) -> HTMLResponse:
    """The MARAC referral list: each victim meeting a criterion, which, and why."""
    now = clock()
    referrals = assessments.referrals(engine, audited, now, "page")
    context = {"referrals": [r.to_dict() for r in referrals], "as_of": now, "answers": ANSWERS}
    return render(request, "assessment_marac.html", user, context)
