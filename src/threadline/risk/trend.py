"""How a victim's risk has moved: each assessment in time order, against the one before it.

A DASH is compared with the previous DASH and an S-DASH with the previous S-DASH: "yes" counts on
different checklists do not measure the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from threadline.risk.facts import AssessmentFacts
from threadline.risk.grading import Grade

Change = Literal["first", "rose", "fell", "same", "unknown"]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One assessment in a trend, with how its count and grade moved since the previous one."""

    ref: str
    checklist: str
    assessed_at: datetime
    yes_count: int | None
    grade: Grade | None
    score_change: Change
    grade_change: Change
    reason: str


def _move(before: int | None, after: int | None) -> Change:
    if before is None or after is None:
        return "unknown"
    if after > before:
        return "rose"
    if after < before:
        return "fell"
    return "same"


def _grade(value: Grade | str | None) -> Grade | None:
    return Grade(value) if value is not None else None


def assessment_trend(assessments: Iterable[AssessmentFacts]) -> list[TrendPoint]:
    """The assessments ordered by time, each with its score, grade and whether they rose or fell."""
    ordered = sorted(assessments, key=lambda a: (a.assessed_at, a.ref))
    previous: dict[str, AssessmentFacts] = {}
    points: list[TrendPoint] = []
    for a in ordered:
        g = _grade(a.grade)
        count = "no count" if a.yes_count is None else f"{a.yes_count} yes"
        graded = f"grade {g}" if g is not None else "ungraded"
        before = previous.get(a.checklist)
        if before is None:
            score_change: Change = "first"
            grade_change: Change = "first"
            reason = f"first {a.checklist.upper()}: {count}, {graded}"
        else:
            bg = _grade(before.grade)
            score_change = _move(before.yes_count, a.yes_count)
            grade_change = _move(
                bg.rank if bg is not None else None, g.rank if g is not None else None
            )
            was_count = "no count" if before.yes_count is None else str(before.yes_count)
            reason = (
                f"{count} ({score_change} from {was_count} on {before.ref}), "
                f"{graded} ({grade_change} from {bg if bg is not None else 'ungraded'})"
            )
        points.append(
            TrendPoint(
                a.ref,
                a.checklist,
                a.assessed_at,
                a.yes_count,
                g,
                score_change,
                grade_change,
                reason,
            )
        )
        previous[a.checklist] = a
    return points
