"""DASH and S-DASH checklists as an officer might fill them in for a synthetic victim.

Answers follow the severity of what is going on (0 = little, 1 = grave): the more severe, the more
"yes". The officer's grade follows the visible-high-risk rule (14 or more "yes" on DASH) and is
sometimes raised by professional judgement, never lowered.
"""

from __future__ import annotations

from collections.abc import Callable

from threadline.synth.noise import Written
from threadline.synth.population import Person
from threadline.synth.recorder import Desk, Series

DASH_QUESTIONS = 27
SDASH_QUESTIONS = 11
_GRADES = ("standard", "medium", "high")


def answers(draw: Callable[[], float], checklist: str, severity: float) -> dict[str, str]:
    """Answers keyed ``dash.01``..``dash.27`` or ``sdash.01``..``sdash.11``; ``draw`` is random."""
    count = DASH_QUESTIONS if checklist == "dash" else SDASH_QUESTIONS
    p_yes = 0.08 + 0.72 * severity
    out = {}
    for i in range(1, count + 1):
        roll = draw()
        if roll < 0.1:
            out[f"{checklist}.{i:02d}"] = "not_known"
        elif roll < 0.1 + 0.9 * p_yes:
            out[f"{checklist}.{i:02d}"] = "yes"
        else:
            out[f"{checklist}.{i:02d}"] = "no"
    return out


def assess(
    desk: Desk,
    at: int,
    *,
    incident_ref: str,
    victim: Person,
    checklist: str,
    severity: float,
    series: Series | None = None,
) -> str:
    """Write a completed checklist for ``victim`` a few hours after the incident."""
    rng = desk.rng
    given = answers(rng.random, checklist, severity)
    yes = sum(1 for a in given.values() if a == "yes")
    if checklist == "dash":
        level = 2 if yes >= 14 else (1 if yes >= 8 else 0)
    else:
        level = 2 if yes >= 6 else (1 if yes >= 3 else 0)
    if level < 2 and rng.random() < 0.15:
        level += 1  # professional judgement raises the grade
    subject: Written = desk.scribe.write(victim, "victim", phones=victim.phones[:1])
    return desk.recorder.assessment(
        at + rng.randrange(1800, 6 * 3600),
        checklist=checklist,
        incident_ref=incident_ref,
        subject=subject,
        answers=given,
        grade=_GRADES[level] if rng.random() < 0.7 else None,
        officer=desk.officer(),
        series=series,
    )
