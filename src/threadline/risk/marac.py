"""MARAC referral criteria (SafeLives), each evaluated and explained.

The criteria are a declared list, :data:`MARAC_CRITERIA`; :func:`marac_criteria` evaluates every one
and says why it is or is not met. Its inputs are plain values computed elsewhere: the latest
grading, the incidents between the same resolved people, and earlier MARAC referrals.

Windows of "12 months" are calendar months counted in days at the force's local time: the 12 months
to 2026-03-01 run from 2025-03-01 to 2026-03-01, both days included.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from threadline.model.base import FORCE_TIMEZONE
from threadline.risk.declared import DeclaredRule
from threadline.risk.grading import Grade, Grading, Thresholds

#: A reference and when it happened: ``("INC-1", datetime(...))`` or ``("MARAC-7", date(...))``.
Dated = tuple[str, date | datetime]


#: One referral criterion.
Criterion = DeclaredRule


MARAC_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "visible_high_risk",
        "Visible high risk",
        "The DASH checklist has 14 or more 'yes' answers.",
    ),
    Criterion(
        "professional_judgement",
        "Professional judgement",
        "The officer graded the risk high, whatever the count.",
    ),
    Criterion(
        "potential_escalation",
        "Potential escalation",
        "A set number of police-recorded incidents between the same people in 12 months "
        "(3 by common practice; some areas use 5).",
    ),
    Criterion(
        "repeat_referral",
        "Repeat referral",
        "Referred to a MARAC in the last 12 months, and a further incident since that referral.",
    ),
)


@dataclass(frozen=True, slots=True)
class MaracSettings:
    """Local choices. ``escalation_incidents`` (default 3) is common practice, not national rule."""

    escalation_incidents: int = 3
    window_months: int = 12
    thresholds: Thresholds = Thresholds()

    def __post_init__(self) -> None:
        if self.escalation_incidents < 1 or self.window_months < 1:
            raise ValueError("escalation_incidents and window_months must be at least 1")


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """Whether one criterion is met, why, and the references that show it."""

    id: str
    met: bool
    reason: str
    evidence: tuple[str, ...] = ()


def local_day(moment: date | datetime) -> date:
    """The force-local calendar day of a time stamp (a naive time is taken as already local)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(FORCE_TIMEZONE)
        return moment.date()
    return moment


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier; the 29th-31st fall back to the month's last day."""
    year, month0 = divmod(day.year * 12 + (day.month - 1) - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def _within(items: Sequence[Dated], start: date, end: date) -> list[tuple[str, date]]:
    days = [(ref, local_day(at)) for ref, at in items]
    return sorted(((r, d) for r, d in days if start <= d <= end), key=lambda rd: (rd[1], rd[0]))


def _visible(grading: Grading | None, thresholds: Thresholds) -> CriterionResult:
    if grading is None:
        return CriterionResult("visible_high_risk", False, "no DASH assessment recorded")
    s = grading.score
    if s.checklist != "dash":
        return CriterionResult(
            "visible_high_risk",
            False,
            f"visible high risk is counted on a DASH; the latest assessment is {s.checklist}",
        )
    met = s.yes_count >= thresholds.high_yes
    relation = "at or above" if met else "below"
    return CriterionResult(
        "visible_high_risk",
        met,
        f"{s.yes_count} yes answers on the DASH, {relation} the threshold of {thresholds.high_yes}",
        s.yes,
    )


def _judgement(grading: Grading | None) -> CriterionResult:
    if grading is None:
        return CriterionResult("professional_judgement", False, "no risk assessment recorded")
    if grading.judgement_grade is Grade.high:
        why = f": {grading.judgement_reason}" if grading.judgement_reason else ""
        return CriterionResult(
            "professional_judgement", True, f"the officer graded the risk high{why}"
        )
    if grading.judgement_grade is None:
        return CriterionResult(
            "professional_judgement", False, "no professional judgement recorded"
        )
    return CriterionResult(
        "professional_judgement",
        False,
        f"the officer graded the risk {grading.judgement_grade}, not high",
    )


def _escalation(incidents: Sequence[Dated], today: date, s: MaracSettings) -> CriterionResult:
    start = months_before(today, s.window_months)
    found = _within(incidents, start, today)
    refs = tuple(r for r, _ in found)
    met = len(found) >= s.escalation_incidents
    listed = f": {', '.join(refs)}" if refs else ""
    return CriterionResult(
        "potential_escalation",
        met,
        f"{len(found)} police-recorded incident{'s' if len(found) != 1 else ''} between the same "
        f"people in the {s.window_months} months to {today.isoformat()} "
        f"(threshold {s.escalation_incidents}){listed}",
        refs,
    )


def _repeat(
    referrals: Sequence[Dated], incidents: Sequence[Dated], today: date, s: MaracSettings
) -> CriterionResult:
    start = months_before(today, s.window_months)
    recent = _within(referrals, start, today)
    if not recent:
        earlier = sorted(local_day(at) for _, at in referrals if local_day(at) < start)
        tail = f" (last one {earlier[-1].isoformat()})" if earlier else ""
        return CriterionResult(
            "repeat_referral",
            False,
            f"no MARAC referral in the {s.window_months} months to {today.isoformat()}{tail}",
        )
    ref, referred_on = recent[-1]
    since = [r for r, d in _within(incidents, referred_on, today) if d > referred_on]
    if not since:
        return CriterionResult(
            "repeat_referral",
            False,
            f"referred to MARAC on {referred_on.isoformat()} ({ref}), "
            "but no further incident since that referral",
            (ref,),
        )
    return CriterionResult(
        "repeat_referral",
        True,
        f"referred to MARAC on {referred_on.isoformat()} ({ref}), within the {s.window_months} "
        f"months to {today.isoformat()}, and {len(since)} incident{'s' if len(since) != 1 else ''} "
        f"since: {', '.join(since)}",
        (ref, *since),
    )


def marac_criteria(
    *,
    now: date | datetime,
    grading: Grading | None = None,
    incidents: Sequence[Dated] = (),
    previous_referrals: Sequence[Dated] = (),
    settings: MaracSettings | None = None,
) -> list[CriterionResult]:
    """Evaluate every MARAC referral criterion, in the order of :data:`MARAC_CRITERIA`.

    ``grading`` is the latest assessment of the victim (DASH for the count, any for judgement);
    ``incidents`` are the police-recorded incidents between the same resolved people;
    ``previous_referrals`` are earlier MARAC referrals of this victim. Anything dated after
    ``now`` is ignored.
    """
    s = settings or MaracSettings()
    today = local_day(now)
    return [
        _visible(grading, s.thresholds),
        _judgement(grading),
        _escalation(incidents, today, s),
        _repeat(previous_referrals, incidents, today, s),
    ]


def referral_due(results: Sequence[CriterionResult]) -> bool:
    """A referral is due when any criterion is met."""
    return any(r.met for r in results)
