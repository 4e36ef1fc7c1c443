"""The assessments that are owed: risk work a force should have done and, as of ``now``, has not.

Inspectors keep finding risk assessments missing ("domestic-abuse risk assessment missing in 6 of 13
domestic incidents"). The rules are a declared list, :data:`OWED_RULES`; each result names the
incident, the officer and the reason. Inputs are plain facts computed elsewhere (resolved entity
ids, whether an incident showed stalking behaviours); nothing after ``now`` is looked at, so a
history can be replayed as it stood on any day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from threadline.risk.declared import DeclaredRule
from threadline.risk.facts import AssessmentFacts, IncidentFacts
from threadline.risk.grading import Grade

#: One kind of owed assessment.
Rule = DeclaredRule


OWED_RULES: tuple[Rule, ...] = (
    Rule(
        "dash_missing",
        "DASH missing",
        "A domestic incident with no DASH, and the deadline for one has passed.",
    ),
    Rule(
        "dash_late",
        "DASH late",
        "A domestic incident whose first DASH was completed after the deadline.",
    ),
    Rule(
        "sdash_missing",
        "S-DASH missing",
        "Two or more incidents with stalking behaviours between the same people (a course of "
        "conduct) and no S-DASH for the victim.",
    ),
    Rule(
        "safety_plan_missing",
        "Safety plan missing",
        "A victim currently graded high risk with no safety plan recorded.",
    ),
)


@dataclass(frozen=True, slots=True)
class OwedSettings:
    """Deadlines a force sets. The 24-hour defaults are common practice, not national rule."""

    dash_deadline: timedelta = timedelta(hours=24)
    sdash_deadline: timedelta = timedelta(hours=24)
    course_min_incidents: int = 2

    def __post_init__(self) -> None:
        if self.course_min_incidents < 2:
            raise ValueError("a course of conduct needs at least 2 incidents")


@dataclass(frozen=True, slots=True)
class OwedAssessment:
    """One piece of owed risk work: which rule, which incident, whose, and why."""

    rule_id: str
    incident_ref: str
    officer: str | None
    reason: str
    victim_entity: str | None = None
    due_at: datetime | None = None


def describe_duration(span: timedelta) -> str:
    """``timedelta(hours=25)`` → ``"25 hours"``; days from 48 hours on."""
    minutes = int(span.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    if hours == 0:
        return f"{mins} minute{'s' if mins != 1 else ''}"
    if hours < 48:
        text = f"{hours} hour{'s' if hours != 1 else ''}"
        return text + (f" {mins} minute{'s' if mins != 1 else ''}" if mins else "")
    days, hours = divmod(hours, 24)
    return f"{days} days" + (f" {hours} hour{'s' if hours != 1 else ''}" if hours else "")


def _moment(at: datetime) -> str:
    """``2026-11-22T10:58:00+00:00`` → ``22 Nov 2026 10:58 UTC``, as a reader says it."""
    utc = at.astimezone(UTC) if at.tzinfo else at
    return f"{utc.day} {utc:%b %Y %H:%M} UTC"


def _officer(officer: str | None) -> str:
    return f"officer {officer}" if officer else "no officer recorded"


def _namer(labels: Mapping[str, str | None] | None) -> Callable[[str], str]:
    """A person's name for a reason: their label, else their entity id."""
    known = labels or {}
    return lambda entity: known.get(entity) or entity


def owed_dash(
    incidents: Iterable[IncidentFacts],
    assessments: Iterable[AssessmentFacts],
    now: datetime,
    settings: OwedSettings | None = None,
) -> list[OwedAssessment]:
    """Domestic incidents with no DASH by the deadline, or whose DASH came late.

    A DASH belongs to an incident by ``incident_ref``. A DASH completed exactly at the deadline is
    on time; an incident whose deadline has not passed at ``now`` owes nothing yet.
    """
    s = settings or OwedSettings()
    first_dash: dict[str, AssessmentFacts] = {}
    for a in assessments:
        if a.checklist != "dash" or a.assessed_at > now:
            continue
        held = first_dash.get(a.incident_ref)
        if held is None or a.assessed_at < held.assessed_at:
            first_dash[a.incident_ref] = a
    deadline = describe_duration(s.dash_deadline)
    owed: list[OwedAssessment] = []
    for inc in incidents:
        if not inc.domestic or inc.reported_at > now:
            continue
        due = inc.reported_at + s.dash_deadline
        dash = first_dash.get(inc.ref)
        if dash is None:
            if now > due:
                owed.append(
                    OwedAssessment(
                        "dash_missing",
                        inc.ref,
                        inc.officer,
                        f"domestic incident {inc.ref} reported {_moment(inc.reported_at)} has "
                        f"no DASH {describe_duration(now - inc.reported_at)} later "
                        f"(deadline {deadline}); {_officer(inc.officer)}",
                        inc.victim_entity,
                        due,
                    )
                )
        elif dash.assessed_at > due:
            owed.append(
                OwedAssessment(
                    "dash_late",
                    inc.ref,
                    inc.officer,
                    f"DASH {dash.ref} for domestic incident {inc.ref} was completed "
                    f"{describe_duration(dash.assessed_at - inc.reported_at)} after the report, "
                    f"{describe_duration(dash.assessed_at - due)} past the deadline of {deadline}; "
                    f"{_officer(inc.officer)}",
                    inc.victim_entity,
                    due,
                )
            )
    return owed


def owed_sdash(
    incidents: Iterable[IncidentFacts],
    assessments: Iterable[AssessmentFacts],
    now: datetime,
    settings: OwedSettings | None = None,
    labels: Mapping[str, str | None] | None = None,
) -> list[OwedAssessment]:
    """Courses of conduct with stalking behaviours (2+ incidents, same people) and no S-DASH.

    An S-DASH covers the course when it was done for one of its incidents, or for the victim at
    or after the first incident. It is owed once ``sdash_deadline`` has passed since the incident
    that made the course (the second, by default); the result names the latest incident, and
    the people by their names in ``labels`` (entity id → name; the id where none is given).
    """
    s = settings or OwedSettings()
    named = _namer(labels)
    courses: dict[tuple[str, str], list[IncidentFacts]] = defaultdict(list)
    for inc in incidents:
        if inc.stalking and inc.victim_entity and inc.suspect_entity and inc.reported_at <= now:
            courses[(inc.victim_entity, inc.suspect_entity)].append(inc)
    # the S-DASHes done by now: the incidents they were done for, and each subject's latest
    sdash_refs: set[str] = set()
    latest_of: dict[str | None, datetime] = {}
    for a in assessments:
        if a.checklist == "sdash" and a.assessed_at <= now:
            sdash_refs.add(a.incident_ref)
            if a.subject_entity not in latest_of or a.assessed_at > latest_of[a.subject_entity]:
                latest_of[a.subject_entity] = a.assessed_at
    owed: list[OwedAssessment] = []
    for (victim, suspect), course in sorted(courses.items()):
        if len(course) < s.course_min_incidents:
            continue
        course.sort(key=lambda i: (i.reported_at, i.ref))
        first, trigger, latest = course[0], course[s.course_min_incidents - 1], course[-1]
        done_for_her = latest_of.get(victim)
        covered = any(i.ref in sdash_refs for i in course) or (
            done_for_her is not None and done_for_her >= first.reported_at
        )
        due = trigger.reported_at + s.sdash_deadline
        if covered or now <= due:
            continue
        owed.append(
            OwedAssessment(
                "sdash_missing",
                latest.ref,
                latest.officer,
                f"{len(course)} incidents with stalking behaviours by {named(suspect)} towards "
                f"{named(victim)} "
                f"since {first.reported_at.date().isoformat()} "
                f"({', '.join(i.ref for i in course)}) and no S-DASH; "
                f"{_officer(latest.officer)}",
                victim,
                due,
            )
        )
    return owed


def owed_safety_plans(
    assessments: Iterable[AssessmentFacts],
    now: datetime,
    labels: Mapping[str, str | None] | None = None,
) -> list[OwedAssessment]:
    """Victims whose latest graded assessment is high and who have no safety plan recorded.

    The plan may be recorded on any assessment in the current run of high grades (a plan made at
    the first high grade still stands at the next); ungraded assessments are passed over. The
    victim is named as in ``labels`` (entity id → name; the id where none is given).
    """
    named = _namer(labels)
    by_subject: dict[str, list[AssessmentFacts]] = defaultdict(list)
    for a in assessments:
        if a.grade is not None and a.assessed_at <= now:
            by_subject[a.subject_entity or f"assessment {a.ref}"].append(a)
    owed: list[OwedAssessment] = []
    for subject, history in sorted(by_subject.items()):
        history.sort(key=lambda a: (a.assessed_at, a.ref))
        run: list[AssessmentFacts] = []
        for a in reversed(history):
            if a.grade != Grade.high:
                break
            run.append(a)
        if not run or any(a.safety_plan for a in run):
            continue
        latest = run[0]
        owed.append(
            OwedAssessment(
                "safety_plan_missing",
                latest.incident_ref,
                latest.officer,
                f"{named(subject)} graded high on {latest.checklist.upper()} {latest.ref} "
                f"({latest.assessed_at.date().isoformat()}, incident {latest.incident_ref}) "
                f"with no safety plan recorded; {_officer(latest.officer)}",
                latest.subject_entity,
                latest.assessed_at,
            )
        )
    return owed


def owed_assessments(
    incidents: Sequence[IncidentFacts],
    assessments: Sequence[AssessmentFacts],
    now: datetime,
    settings: OwedSettings | None = None,
    labels: Mapping[str, str | None] | None = None,
) -> list[OwedAssessment]:
    """Every owed assessment under :data:`OWED_RULES`, oldest due first; people named as in
    ``labels`` (entity id → name) where a reason names them."""
    found = [
        *owed_dash(incidents, assessments, now, settings),
        *owed_sdash(incidents, assessments, now, settings, labels),
        *owed_safety_plans(assessments, now, labels),
    ]
    order = {r.id: i for i, r in enumerate(OWED_RULES)}
    return sorted(found, key=lambda o: (o.due_at or now, order[o.rule_id], o.incident_ref))
