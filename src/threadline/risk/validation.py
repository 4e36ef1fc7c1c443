"""A risk assessment record checked against the checklist it names, field by field.

Used wherever an assessment comes in (bulk import, the API, the web form), so that an unknown
question or answer is refused in the same words everywhere: ``answers.dash.99: ...``.
"""

from __future__ import annotations

from threadline.model import RiskAssessment
from threadline.model.validation import FieldProblem
from threadline.risk.checklist import ChecklistError, load_checklist, validate_answers


def checklist_problems(record: RiskAssessment) -> list[FieldProblem]:
    """Every field of ``record`` its checklist does not accept (empty when it can be scored)."""
    try:
        checklist = load_checklist(record.checklist, record.checklist_version)
    except (ChecklistError, KeyError) as error:
        reason = str(error.args[0]) if error.args else str(error)
        return [FieldProblem("checklist_version", reason)]
    problems = [
        FieldProblem(f"answers.{question}", problem)
        for question, answer in record.answers.items()
        for problem in validate_answers(checklist, {question: answer})
    ]
    problems += [
        FieldProblem(f"notes.{question}", problem)
        for question, note in record.notes.items()
        for problem in validate_answers(checklist, {}, {question: note})
    ]
    return problems
