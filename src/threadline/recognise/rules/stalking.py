"""Rules on a course of conduct: the series itself, "think stalking first", and escalation."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from statistics import mean

from threadline.model import FORCE_TIMEZONE
from threadline.recognise.alerts import Finding
from threadline.recognise.behaviours import BehaviourSign
from threadline.recognise.conduct import Series
from threadline.recognise.context import Context
from threadline.recognise.occasions import daily_life_affected
from threadline.recognise.wording import category_text, listing, plural

FORMER_PARTNER_NOTE = (
    "The suspect is the victim's former partner: since April 2020 a course of conduct against a "
    "former partner is recorded as stalking unless it is harassment only in law."
)
COUNTER_NOTE = (
    "Both sides accuse each other: establish who is the primary aggressor before acting, and do "
    "not treat a mutual dispute as stalking without stalking behaviours."
)
#: Mean gap between incidents (days) at or below which a series looks obsessive.
OBSESSIVE_MEAN_GAP_DAYS = 7.0


def _series_facts(ctx: Context, series: Series) -> dict[str, str]:
    return {
        "suspect": ctx.label(series.suspect),
        "victim": ctx.label(series.victim),
        "count": str(len(series.incidents)),
        "incidents": plural(len(series.incidents), "incident"),
        "refs": listing(series.refs),
    }


def _people(series: Series) -> tuple[str, ...]:
    people = [series.suspect, series.victim]
    for link in series.third_party_links:
        if link.via and link.via not in people:
            people.append(link.via)
    return tuple(people)


def former_partner_notes(series: Series) -> tuple[str, ...]:
    """:data:`FORMER_PARTNER_NOTE` if the suspect is the victim's former partner."""
    return (FORMER_PARTNER_NOTE,) if series.relationship == "former_partner" else ()


def _series_finding(
    series: Series,
    facts: dict[str, str],
    details: dict[str, object],
    notes: tuple[str, ...] = (),
) -> Finding:
    """A finding on a course of conduct: keyed by the series, naming its people and whoever the
    contact went through, citing its incidents."""
    return Finding(
        subject=series.key,
        people=_people(series),
        cited=series.refs,
        facts=facts,
        details=details,
        notes=notes,
    )


def _link_details(series: Series) -> list[dict[str, str | None]]:
    return [
        {
            "incident": link.incident_ref,
            "kind": link.kind,
            "via": link.via,
            "relation": link.relation,
        }
        for link in series.links
    ]


def find_courses_of_conduct(ctx: Context) -> Iterator[Finding]:
    """The same suspect against the same victim (or the people around them) on 2+ occasions."""
    for series in ctx.all_series:
        member = bool(ctx.anchor_refs & set(series.refs))
        counter = bool(ctx.anchor_refs & set(series.counter_refs))
        occasions = ctx.occasions(series)
        if occasions < ctx.thresholds.course_min_incidents or not (member or counter):
            continue
        facts = _series_facts(ctx, series)
        described = [(e.ref, ctx.several_occasions(e)) for e in series.incidents]
        several = [f'{ref}: "{words}"' for ref, words in described if words]
        facts["occasions"] = (
            f", on several occasions reported at once ({'; '.join(several)})" if several else ""
        )
        contacts = ctx.contact_evidence(series.suspect, series.victim)
        if contacts is not None:
            channels = listing(f"{c} {n}" for c, n in contacts.channels.items())
            first, last = (
                f"{moment.astimezone(FORCE_TIMEZONE):%Y-%m-%d %H:%M}"
                for moment in (contacts.first, contacts.last)
            )
            facts["occasions"] += (
                f", and {contacts.contacts} contacts in {facts['victim']}'s communications "
                f"evidence ({channels}; from {first} to {last})"
            )
        via = [
            f"{ctx.label(link.via)} ({link.relation}) in {link.incident_ref}"
            for link in series.third_party_links
        ]
        facts["via"] = f", including contact through {listing(via)}" if via else ""
        facts["counter"] = (
            f" {facts['victim']} has also been reported as the suspect against {facts['suspect']} "
            f"({listing(series.counter_refs)})."
            if series.counter_refs
            else ""
        )
        evident = ctx.evident_at(series)
        details: dict[str, object] = {
            "suspect": series.suspect,
            "victim": series.victim,
            "incidents": list(series.refs),
            "links": _link_details(series),
            "relationship": series.relationship,
            "occasions": occasions,
            "several_occasions": {ref: words for ref, words in described if words},
            "evident_at": evident.ref if evident else None,
        }
        if contacts is not None:
            details["contacts"] = contacts.contacts
        notes: list[str] = []
        if series.counter_refs:
            details["counter_allegation"] = {"incidents": list(series.counter_refs)}
            notes.append(COUNTER_NOTE)
        notes.extend(former_partner_notes(series))
        yield _series_finding(series, facts, details, tuple(notes))


def stalking_signs(ctx: Context, series: Series) -> list[BehaviourSign]:
    """Stalking behaviours in the suspect-to-victim incidents, and contact through third parties."""

    def compute() -> list[BehaviourSign]:
        signs: list[BehaviourSign] = []
        for incident in series.incidents:
            signs.extend(ctx.behaviours(incident))
        for link in series.third_party_links:
            evidence = f"{ctx.label(link.via)} ({link.relation}) was contacted"
            signs.append(
                BehaviourSign("third_party_contact", link.incident_ref, evidence, "third_party")
            )
        return signs

    return ctx.memo(f"stalking_signs:{series.key}", compute)


def shows_stalking(ctx: Context, series: Series) -> bool:
    """A course of conduct with a stalking behaviour: a described one, not a category alone,
    when both sides accuse each other or when the suspect is the victim's neighbour (in a
    boundary feud between two households the counter-allegations may come from the others in
    each house, and criminal damage to a fence is not, on that alone, stalking)."""
    signs = stalking_signs(ctx, series)
    disputed = bool(series.counter_refs) or series.relationship == "neighbour"
    if disputed and ctx.thresholds.mutual_dispute_needs_narrative:
        return any(sign.source != "category" for sign in signs)
    return bool(signs)


def _behaviour_text(signs: list[BehaviourSign]) -> str:
    grouped: dict[str, list[BehaviourSign]] = {}
    for sign in signs:
        grouped.setdefault(sign.behaviour, []).append(sign)
    parts = []
    for group in grouped.values():
        others = [s.incident_ref for s in group[1:] if s.incident_ref != group[0].incident_ref]
        also = f", also {listing(dict.fromkeys(others))}" if others else ""
        parts.append(group[0].describe()[:-1] + also + ")")
    return "; ".join(parts)


def _mean_gap_days(series: Series) -> float | None:
    times = [e.reported_at for e in series.incidents]
    gaps = [(b - a).total_seconds() / 86400 for a, b in pairwise(times)]
    return mean(gaps) if gaps else None


def four(series: Series, signs: list[BehaviourSign]) -> dict[str, str | None]:
    """FOUR (Fixated, Obsessive, Unwanted, Repeated): the evidence for each, or ``None``."""
    kinds = {s.behaviour for s in signs}
    incidents_with_signs = {s.incident_ref for s in signs}
    gap = _mean_gap_days(series)
    return {
        "fixated": (
            f"the same person targeted with {plural(len(kinds), 'kind')} of behaviour"
            if len(kinds) >= 2 or len(incidents_with_signs) >= 2
            else None
        ),
        "obsessive": (
            f"an incident every {gap:.1f} days on average"
            if gap is not None and gap <= OBSESSIVE_MEAN_GAP_DAYS
            else None
        ),
        "unwanted": (
            "contact continued after being told to stop, or despite an order"
            if "unwanted_contact" in kinds or "new_accounts" in kinds
            else None
        ),
        "repeated": f"{plural(len(series.incidents), 'incident')} reported",
    }


def find_think_stalking(ctx: Context) -> Iterator[Finding]:
    """A course of conduct showing stalking behaviours: think stalking first."""
    for series in ctx.courses:
        if not shows_stalking(ctx, series):
            continue
        signs = stalking_signs(ctx, series)
        markers = four(series, signs)
        facts = _series_facts(ctx, series)
        facts["behaviours"] = _behaviour_text(signs)
        facts["four"] = listing(k.capitalize() for k, v in markers.items() if v)
        earlier = [c.ref for e in series.incidents for c in ctx.crimes_on(e)]
        facts["earlier_crimes"] = f" ({listing(dict.fromkeys(earlier))})" if earlier else ""
        yield _series_finding(
            series,
            facts,
            {
                "suspect": series.suspect,
                "victim": series.victim,
                "behaviours": [
                    {
                        "behaviour": s.behaviour,
                        "incident": s.incident_ref,
                        "evidence": s.evidence,
                        "source": s.source,
                    }
                    for s in signs
                ],
                "four": markers,
                "relationship": series.relationship,
            },
            former_partner_notes(series),
        )


def find_serious_alarm(ctx: Context) -> Iterator[Finding]:
    """A course of conduct whose reports describe a substantial adverse effect on the victim's
    day-to-day activities ("too frightened to leave the house"): prompt s4A(1)(b)(ii)."""
    for series in ctx.courses:
        effects = [
            (e.ref, words)
            for e in series.incidents
            if (words := daily_life_affected(e.narrative)) is not None
        ]
        if not effects:
            continue
        facts = _series_facts(ctx, series)
        facts["effects"] = "; ".join(f'{ref} says "{words}"' for ref, words in effects)
        yield _series_finding(
            series,
            facts,
            {
                "suspect": series.suspect,
                "victim": series.victim,
                "effects": [{"incident": ref, "evidence": words} for ref, words in effects],
                "section": "Protection from Harassment Act 1997 s4A(1)(b)(ii)",
            },
        )


def find_escalation(ctx: Context) -> Iterator[Finding]:
    """A course of conduct whose incidents come faster, or get worse."""
    t = ctx.thresholds
    for series in ctx.courses:
        incidents = series.incidents
        signals: list[str] = []
        details: dict[str, object] = {"suspect": series.suspect, "victim": series.victim}
        if len(incidents) >= t.escalation_min_incidents:
            gaps = [
                (b.reported_at - a.reported_at).total_seconds() / 86400
                for a, b in pairwise(incidents)
            ]
            recent_count = min(t.escalation_recent_intervals, len(gaps) - 1)
            recent, earlier = gaps[-recent_count:], gaps[:-recent_count]
            details["intervals_days"] = [round(g, 2) for g in gaps]
            if mean(earlier) > 0 and mean(recent) < t.escalation_interval_ratio * mean(earlier):
                signals.append(
                    f"incidents are coming faster: every {mean(recent):.1f} days over the last "
                    f"{plural(len(recent), 'gap')} against every {mean(earlier):.1f} days before"
                )
        latest, before = incidents[-1], incidents[:-1]
        if len(before) >= t.escalation_severity_min_earlier:
            worst_before = max(ctx.severity(e) for e in before)
            now = ctx.severity(latest)
            details["severities"] = {e.ref: ctx.severity(e) for e in incidents}
            if now >= worst_before + t.escalation_severity_rise:
                signals.append(
                    f"harm is rising: {latest.ref} ({category_text(latest)}, severity {now}) "
                    f"is worse than any earlier incident (at most {worst_before})"
                )
        if not signals:
            continue
        details["signals"] = signals
        facts = _series_facts(ctx, series)
        facts["signals"] = "; ".join(signals)
        yield _series_finding(series, facts, details)
