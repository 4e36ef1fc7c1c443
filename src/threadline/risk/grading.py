"""Scoring a completed checklist and grading it standard, medium or high, with reasons in words.

DASH is graded by its "yes" count: 14 or more is visible high risk (DASH 2009). The medium
threshold is a setting, :attr:`Thresholds.medium_yes` (default 10): it is common local practice,
not part of the published model, so a force should set its own. Professional judgement may raise
the grade, with a reason, and may never lower it; 14 or more "yes" is always high.

S-DASH has no count threshold: its grade is the officer's professional judgement, and the "yes"
count is reported beside it. An S-DASH without a judgement is left ungraded (``grade`` is
``None``) and says so, rather than being given a grade nobody decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from threadline.model.pole import RiskAssessment
from threadline.risk.checklist import Checklist, load_checklist, validate_answers


class Grade(StrEnum):
    """A risk grade, lowest first."""

    standard = "standard"
    medium = "medium"
    high = "high"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Grade.standard: 0, Grade.medium: 1, Grade.high: 2}


class AnswerError(ValueError):
    """Answers that cannot be scored, with every problem named."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class JudgementError(ValueError):
    """A professional judgement that raises the grade without saying why."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a DASH "yes" count becomes a grade.

    ``high_yes`` is the DASH (2009) visible-high-risk threshold (14). ``medium_yes`` (default 10)
    is configurable and unverified: it is common local practice, not published DASH guidance.
    """

    high_yes: int = 14
    medium_yes: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.medium_yes <= self.high_yes:
            raise ValueError(
                f"medium_yes ({self.medium_yes}) must be above 0 and not above "
                f"high_yes ({self.high_yes})"
            )


@dataclass(frozen=True, slots=True)
class Score:
    """The answers to one checklist, counted. Each field holds question ids in checklist order."""

    checklist: str
    version: str
    yes: tuple[str, ...]
    no: tuple[str, ...]
    not_known: tuple[str, ...]
    unanswered: tuple[str, ...]

    @property
    def yes_count(self) -> int:
        return len(self.yes)

    @property
    def no_count(self) -> int:
        return len(self.no)

    @property
    def not_known_count(self) -> int:
        return len(self.not_known)

    @property
    def total(self) -> int:
        return len(self.yes) + len(self.no) + len(self.not_known) + len(self.unanswered)

    def describe(self) -> str:
        """``"15 of 27 yes, 8 no, 2 not known, 2 unanswered (dash.26, dash.27)"``."""
        text = (
            f"{self.yes_count} of {self.total} yes, {self.no_count} no, "
            f"{self.not_known_count} not known"
        )
        if self.unanswered:
            text += f", {len(self.unanswered)} unanswered ({', '.join(self.unanswered)})"
        return text


@dataclass(frozen=True, slots=True)
class Grading:
    """A grade and why.

    ``visible_grade`` is what the count alone gives (``None`` for S-DASH); ``grade`` is the
    final grade after professional judgement (``None`` only for an S-DASH nobody has graded);
    ``raised_by_judgement`` is true when judgement took the grade above the visible one.
    """

    score: Score
    grade: Grade | None
    visible_grade: Grade | None
    judgement_grade: Grade | None
    judgement_reason: str | None
    raised_by_judgement: bool
    reasons: tuple[str, ...]

    def explain(self) -> str:
        return "; ".join(self.reasons)


def score(checklist: Checklist, answers: Mapping[str, str]) -> Score:
    """Count the answers to ``checklist``; raises :class:`AnswerError` if any cannot be scored."""
    problems = validate_answers(checklist, answers)
    if problems:
        raise AnswerError(problems)
    by_answer: dict[str, list[str]] = {"yes": [], "no": [], "not_known": [], "": []}
    for question_id in checklist.question_ids:
        by_answer[str(answers.get(question_id, ""))].append(question_id)
    return Score(
        checklist=checklist.id,
        version=checklist.version,
        yes=tuple(by_answer["yes"]),
        no=tuple(by_answer["no"]),
        not_known=tuple(by_answer["not_known"]),
        unanswered=tuple(by_answer[""]),
    )


def visible_grade(yes_count: int, thresholds: Thresholds) -> Grade:
    """The grade a DASH "yes" count gives on its own."""
    if yes_count >= thresholds.high_yes:
        return Grade.high
    if yes_count >= thresholds.medium_yes:
        return Grade.medium
    return Grade.standard


def _count_reason(s: Score, g: Grade, thresholds: Thresholds) -> str:
    if g is Grade.high:
        return (
            f"visible high risk: {s.yes_count} yes answers (DASH threshold {thresholds.high_yes})"
        )
    if g is Grade.medium:
        return (
            f"medium by count: {s.yes_count} yes answers (local medium threshold "
            f"{thresholds.medium_yes}; high from {thresholds.high_yes})"
        )
    return (
        f"standard by count: {s.yes_count} yes answers, below the medium threshold "
        f"{thresholds.medium_yes}"
    )


def grade(
    score: Score,
    judgement_grade: Grade | str | None = None,
    judgement_reason: str | None = None,
    thresholds: Thresholds | None = None,
    *,
    grading: str | None = None,
) -> Grading:
    """Grade a scored checklist, taking professional judgement into account.

    ``grading`` is how the checklist is graded (``yes_count`` or ``judgement``); by default it is
    read from the shipped checklist named in ``score``. Raises :class:`JudgementError` when the
    judgement would raise a DASH grade without a reason: dropping it would quietly lower the
    officer's grade, and accepting it would let a grade change without an explanation.
    """
    thresholds = thresholds or Thresholds()
    judged = Grade(judgement_grade) if judgement_grade is not None else None
    why = (judgement_reason or "").strip() or None
    method = grading or load_checklist(score.checklist, score.version).grading
    reasons: list[str] = []

    if method == "judgement":
        reasons.append(
            f"{score.checklist.upper()} is graded by professional judgement, not by count: "
            f"{score.describe()}"
        )
        if judged is None:
            reasons.append("no professional judgement recorded, so not graded")
        else:
            reasons.append(
                f"graded {judged} by professional judgement" + (f": {why}" if why else "")
            )
        return Grading(score, judged, None, judged, why, False, tuple(reasons))

    seen = visible_grade(score.yes_count, thresholds)
    reasons.append(_count_reason(score, seen, thresholds))
    if score.unanswered:
        reasons.append(f"{len(score.unanswered)} unanswered: {', '.join(score.unanswered)}")
    final, raised = seen, False
    if judged is not None:
        if judged.rank > seen.rank:
            if why is None:
                raise JudgementError(
                    f"professional judgement raises the grade from {seen} to {judged} "
                    "but gives no reason; a reason is required"
                )
            final, raised = judged, True
            reasons.append(f"raised to {judged} by professional judgement: {why}")
        elif judged.rank < seen.rank:
            reasons.append(
                f"professional judgement of {judged} not applied: judgement may raise "
                f"a grade, never lower it ({seen} stands)"
            )
        else:
            reasons.append(f"professional judgement agrees: {judged}")
    return Grading(score, final, seen, judged, why, raised, tuple(reasons))


def grade_assessment(assessment: RiskAssessment, thresholds: Thresholds | None = None) -> Grading:
    """Score and grade a stored :class:`~threadline.model.RiskAssessment`."""
    checklist = load_checklist(assessment.checklist, assessment.checklist_version)
    problems = validate_answers(checklist, assessment.answers, assessment.notes)
    if problems:
        raise AnswerError(problems)
    return grade(
        score(checklist, assessment.answers),
        assessment.judgement_grade,
        assessment.judgement_reason,
        thresholds,
        grading=checklist.grading,
    )
