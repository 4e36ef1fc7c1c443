"""Risk checklists as data: DASH (2009, police version) and the S-DASH stalking questions.

Each checklist is a JSON file in ``checklists/`` named ``<id>-<version>.json``, declared once in
:data:`CHECKLISTS` and read by :func:`load_checklist`. Answers are checked here, in one place, by
:func:`validate_answers`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

#: Every checklist this package ships, by id, with its versions (newest last).
CHECKLISTS: dict[str, tuple[str, ...]] = {
    "dash": ("2009",),
    "sdash": ("2009",),
}

#: The answers a checklist question takes (the values of :class:`threadline.model.Answer`).
ANSWERS: tuple[str, ...] = ("yes", "no", "not_known")

Grading = Literal["yes_count", "judgement"]

_QUESTION_FIELDS = {"id", "number", "section", "text", "notes_prompt"}
_CHECKLIST_FIELDS = {
    "id",
    "version",
    "title",
    "source",
    "grading",
    "answers",
    "guidance",
    "questions",
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question: a stable id (``dash.08``), its number on the form, its text, what to note."""

    id: str
    number: int
    section: str
    text: str
    notes_prompt: str = ""


@dataclass(frozen=True, slots=True)
class Checklist:
    """A versioned checklist. ``grading`` says how a grade follows from it:

    ``yes_count`` (DASH: the number of "yes" answers sets a visible grade) or ``judgement``
    (S-DASH: the officer grades; the "yes" count is reported, not thresholded).
    """

    id: str
    version: str
    title: str
    source: str
    grading: Grading
    answers: tuple[str, ...]
    guidance: str
    questions: tuple[Question, ...]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def question(self, question_id: str) -> Question:
        """The question with this id; ``KeyError`` naming it if there is none."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"{self.id} {self.version} has no question {question_id!r}")


class ChecklistError(ValueError):
    """A checklist file that does not say what a checklist must say."""


def _unknown(found: Mapping[str, object], allowed: set[str], where: str) -> None:
    extra = sorted(set(found) - allowed)
    if extra:
        raise ChecklistError(f"{where}: unknown field(s) {', '.join(extra)}")


def _parse(data: Mapping[str, object], where: str) -> Checklist:
    _unknown(data, _CHECKLIST_FIELDS, where)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise ChecklistError(f"{where}: no questions")
    questions = []
    for i, raw in enumerate(raw_questions):
        if not isinstance(raw, dict):
            raise ChecklistError(f"{where}: question {i + 1} is not an object")
        _unknown(raw, _QUESTION_FIELDS, f"{where} question {i + 1}")
        questions.append(
            Question(
                id=str(raw["id"]),
                number=int(raw["number"]),
                section=str(raw["section"]),
                text=str(raw["text"]),
                notes_prompt=str(raw.get("notes_prompt", "")),
            )
        )
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ChecklistError(f"{where}: duplicate question id(s) {', '.join(duplicates)}")
    grading = data.get("grading")
    if grading not in ("yes_count", "judgement"):
        raise ChecklistError(f"{where}: grading must be yes_count or judgement, not {grading!r}")
    raw_answers = data.get("answers", list(ANSWERS))
    if not isinstance(raw_answers, list) or not set(map(str, raw_answers)) <= set(ANSWERS):
        raise ChecklistError(f"{where}: answers must be drawn from {', '.join(ANSWERS)}")
    answers = tuple(str(a) for a in raw_answers)
    return Checklist(
        id=str(data["id"]),
        version=str(data["version"]),
        title=str(data["title"]),
        source=str(data.get("source", "")),
        grading=grading,
        answers=answers,
        guidance=str(data.get("guidance", "")),
        questions=tuple(questions),
    )


@lru_cache(maxsize=16)
def load_checklist(name: str, version: str | None = None) -> Checklist:
    """Read a shipped checklist: ``load_checklist("dash")`` is the newest DASH.

    Raises ``KeyError`` naming the known checklists or versions when there is no such one.
    """
    if name not in CHECKLISTS:
        raise KeyError(f"no checklist {name!r}; known: {', '.join(sorted(CHECKLISTS))}")
    versions = CHECKLISTS[name]
    chosen = versions[-1] if version is None else version
    if chosen not in versions:
        raise KeyError(f"no version {chosen!r} of {name}; known: {', '.join(versions)}")
    filename = f"{name}-{chosen}.json"
    text = resources.files("threadline.risk").joinpath("checklists", filename).read_text("utf-8")
    checklist = _parse(json.loads(text), filename)
    if (checklist.id, checklist.version) != (name, chosen):
        raise ChecklistError(f"{filename} declares {checklist.id} {checklist.version}")
    return checklist


def validate_answers(
    checklist: Checklist,
    answers: Mapping[str, str],
    notes: Mapping[str, str] | None = None,
) -> list[str]:
    """Every problem with a set of answers, in words; an empty list means they can be scored.

    An unknown question id and an answer other than yes / no / not_known are named. Notes, if
    given, must be keyed by question ids of this checklist. Unanswered questions are not a
    problem here: :func:`threadline.risk.score` reports them.
    """
    known = set(checklist.question_ids)
    problems: list[str] = []
    for question_id, answer in answers.items():
        if question_id not in known:
            problems.append(
                f"{question_id!r} is not a question of {checklist.id} {checklist.version}"
            )
        elif str(answer) not in checklist.answers:
            problems.append(
                f"{question_id}: {str(answer)!r} is not an answer "
                f"(use {', '.join(checklist.answers)})"
            )
    for question_id in (notes or {}).keys():
        if question_id not in known:
            problems.append(
                f"notes for {question_id!r}, which is not a question of "
                f"{checklist.id} {checklist.version}"
            )
    return problems
