"""Safeguarding: DASH answers and narrative threats that are red flags in their own right.

A DASH is graded by its count of "yes" answers (14 or more is visible high risk), but some
answers call for action whatever the count (``/work/shared/domain.md``, "Risk": professional
judgement may raise the grade, never lower it; a MARAC referral may rest on professional
judgement alone). The questions are numbered as on the 2009 police form
(``risk/checklists/dash-2009.json``). Each :class:`RedFlagSet` groups the red flags that call for
one referral, and raises one alert per person and set: a second DASH or a further threat updates
that alert rather than raising another (a checklist answered "yes" to many questions still
raises at most :data:`RED_FLAG_SETS` alerts for the person).

==============  ========================================================  =================
set             red flags                                                 referral
==============  ========================================================  =================
risk_to_life    Q17 threats to kill, Q18 strangulation; narrative         MARAC
                threats to kill, "if I can't have her nobody will",
                strangulation
escalation      Q13 more often, Q14 getting worse, Q26 breaches of bail,  IDVA (a stalking
                an injunction or an agreement                             advocate if he
                                                                          stalks her: Q8)
suicide         Q5 the victim depressed or suicidal, Q25 the abuser       mental health
                threatened or attempted suicide; narrative suicide
==============  ========================================================  =================
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from threadline.recognise.alerts import Finding, Severity
from threadline.recognise.context import Context
from threadline.recognise.history import Assessment, Event
from threadline.recognise.threats import THREATS_BY_ID, ThreatSign, find_threats


@dataclass(frozen=True)
class RedFlag:
    """One red flag: a DASH question answered "yes" (``dash.17``) or a narrative threat
    (``narrative.threat_to_kill``), and how an alert names it."""

    id: str
    label: str


RED_FLAGS: Mapping[str, RedFlag] = {
    flag.id: flag
    for flag in (
        RedFlag("dash.05", "DASH Q5: the victim is depressed or having suicidal thoughts"),
        RedFlag("dash.13", "DASH Q13: the abuse is happening more often"),
        RedFlag("dash.14", "DASH Q14: the abuse is getting worse"),
        RedFlag("dash.17", "DASH Q17: the abuser has threatened to kill the victim or another"),
        RedFlag("dash.18", "DASH Q18: the abuser has tried to strangle, choke, suffocate or drown"),
        RedFlag("dash.25", "DASH Q25: the abuser has threatened or attempted suicide"),
        RedFlag("dash.26", "DASH Q26: the abuser has broken bail, an injunction or an agreement"),
        *(RedFlag(f"narrative.{t.id}", f"report: {t.label}") for t in THREATS_BY_ID.values()),
    )
}

#: What each referral is, in the words an alert uses.
REFERRALS: Mapping[str, str] = {
    "marac": "MARAC",
    "idva": "an IDVA (independent domestic violence adviser)",
    "stalking_advocate": "a stalking advocate",
    "mental_health": "mental health services",
}


@dataclass(frozen=True)
class RedFlagSet:
    """Red flags that call for one referral, with what to do and why (cited)."""

    id: str
    title: str
    flags: tuple[str, ...]
    referral: str
    severity: Severity
    action: str

    def __post_init__(self) -> None:
        unknown = [f for f in self.flags if f not in RED_FLAGS]
        if unknown or self.referral not in REFERRALS:
            raise ValueError(f"{self.id}: unknown red flag or referral {unknown or self.referral}")


RED_FLAG_SETS: tuple[RedFlagSet, ...] = (
    RedFlagSet(
        "risk_to_life",
        "threats to kill or strangulation",
        (
            "dash.17",
            "dash.18",
            "narrative.threat_to_kill",
            "narrative.possessive_threat",
            "narrative.strangulation",
        ),
        referral="marac",
        severity="high",
        action=(
            "Refer {victim} to MARAC on professional judgement, whatever the DASH count (SafeLives "
            "referral criteria: professional judgement), and to {advocate}; review the risk now. "
            "A threat to kill is an offence (Offences Against the Person Act 1861 s16), and so is "
            "non-fatal strangulation or suffocation (Serious Crime Act 2015 s75A): record the "
            "crime."
        ),
    ),
    RedFlagSet(
        "escalation",
        "escalating abuse or broken conditions",
        ("dash.13", "dash.14", "dash.26"),
        referral="idva",
        severity="medium",
        action=(
            "Refer {victim} to {advocate}, and consider a MARAC referral on potential escalation "
            "or professional judgement (SafeLives referral criteria); check the orders and bail "
            "conditions the abuser is under and record any breach."
        ),
    ),
    RedFlagSet(
        "suicide",
        "suicide",
        ("dash.05", "dash.25", "narrative.suicide"),
        referral="mental_health",
        severity="high",
        action=(
            "Make a mental health referral: for {victim} if suicidal (DASH Q5: their GP or the "
            "crisis team, with consent or where life is at risk), and tell the MARAC and the "
            "mental health team where the abuser threatens suicide (DASH Q25: a marker of risk to "
            "the victim as well as to the abuser). Refer {victim} to {advocate}."
        ),
    ),
)

RED_FLAG_SETS_BY_ID = {s.id: s for s in RED_FLAG_SETS}

_STALKING_QUESTION = "dash.08"


@dataclass(frozen=True)
class Evidence:
    """One red flag seen: where (an assessment or an incident), when, and in which words."""

    flag: str
    incident: str
    at: str
    assessment: str | None = None
    words: str | None = None
    suspects: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "flag": self.flag,
            "label": RED_FLAGS[self.flag].label,
            "incident_ref": self.incident,
            "at": self.at,
            "assessment_ref": self.assessment,
            "words": self.words,
        }

    def where(self) -> str:
        """``RA-1 on INC-1``, or ``INC-1: "the words"``."""
        if self.assessment is not None:
            return f"{self.assessment} on {self.incident}"
        return f'{self.incident}: "{self.words}"'


#: How many places an alert names for one red flag before it counts the rest.
SHOWN = 3


def describe(evidence: list[Evidence]) -> str:
    """The red flags seen, each once with where it was seen (the latest :data:`SHOWN`, and how
    many more): a victim assessed twenty times is not twenty sentences."""
    parts = []
    for flag in dict.fromkeys(e.flag for e in evidence):
        places = [e.where() for e in evidence if e.flag == flag]
        shown = places[-SHOWN:]
        more = f" and {len(places) - len(shown)} earlier" if len(places) > len(shown) else ""
        parts.append(f"{RED_FLAGS[flag].label} ({'; '.join(shown)}{more})")
    return "; ".join(parts)


def _threats(ctx: Context, incident: Event) -> list[ThreatSign]:
    return ctx.memo(f"threats:{incident.ref}", lambda: find_threats(incident.narrative))


def _subjects(ctx: Context, assessment: Assessment) -> tuple[str, ...]:
    if assessment.subject:
        return (assessment.subject,)
    incident = ctx.events.get(assessment.incident_ref)
    return incident.victims if incident is not None else ()


def _people(ctx: Context) -> list[str]:
    """The people the new event is about: its anchors' victims and those assessed on them."""
    found: dict[str, None] = {}
    for anchor in ctx.anchors:
        for victim in anchor.victims:
            found.setdefault(victim, None)
    for assessment in ctx.history.assessments:
        if assessment.incident_ref in ctx.anchor_refs:
            for subject in _subjects(ctx, assessment):
                found.setdefault(subject, None)
    return list(found)


def evidence_for(ctx: Context, person: str) -> list[Evidence]:
    """Every red flag seen for ``person``: DASH answers about them, threats in reports where they
    are the victim; oldest first."""
    found: list[Evidence] = []
    for assessment in ctx.history.assessments:
        if assessment.checklist != "dash" or person not in _subjects(ctx, assessment):
            continue
        for flag in sorted(assessment.yes & RED_FLAGS.keys()):
            found.append(
                Evidence(
                    flag,
                    assessment.incident_ref,
                    assessment.assessed_at.isoformat(),
                    assessment=assessment.ref,
                )
            )
    for incident in ctx.incidents:
        if person not in incident.victims:
            continue
        for sign in _threats(ctx, incident):
            found.append(
                Evidence(
                    f"narrative.{sign.threat}",
                    incident.ref,
                    incident.reported_at.isoformat(),
                    words=sign.words,
                    suspects=incident.suspects,
                )
            )
    return sorted(found, key=lambda e: (e.at, e.incident, e.flag))


def _stalked(ctx: Context, person: str) -> bool:
    """Whether a DASH about ``person`` says the abuser stalks them (Q8 "yes"): then the
    advocate is a stalking advocate."""
    return any(
        _STALKING_QUESTION in a.yes
        for a in ctx.history.assessments
        if a.checklist == "dash" and person in _subjects(ctx, a)
    )


def find_red_flags(ctx: Context) -> Iterator[Finding]:
    """One finding per person the new event is about and red-flag set with evidence."""
    for person in _people(ctx):
        evidence = evidence_for(ctx, person)
        if not evidence:
            continue
        advocate = "stalking_advocate" if _stalked(ctx, person) else "idva"
        for flag_set in RED_FLAG_SETS:
            seen = [e for e in evidence if e.flag in flag_set.flags]
            if not seen:
                continue
            flags = list(dict.fromkeys(e.flag for e in seen))
            suspects = list(dict.fromkeys(s for e in seen for s in e.suspects if s != person))
            referral = advocate if flag_set.referral == "idva" else flag_set.referral
            victim = ctx.label(person)
            yield Finding(
                subject=f"{person}:{flag_set.id}",
                people=(person, *suspects),
                cited=tuple(dict.fromkeys(e.incident for e in seen)),
                facts={
                    "victim": victim,
                    "set_title": flag_set.title,
                    "evidence": describe(seen),
                    "referral": REFERRALS[referral],
                    "set_action": flag_set.action.format(
                        victim=victim, advocate=REFERRALS[advocate]
                    ),
                },
                details={
                    "red_flag_set": flag_set.id,
                    "referral": referral,
                    "advocate": advocate,
                    "flags": flags,
                    "evidence": [e.to_dict() for e in seen],
                },
                severity=flag_set.severity,
            )


__all__ = [
    "RED_FLAGS",
    "RED_FLAG_SETS",
    "RED_FLAG_SETS_BY_ID",
    "REFERRALS",
    "Evidence",
    "RedFlag",
    "RedFlagSet",
    "describe",
    "evidence_for",
    "find_red_flags",
]
