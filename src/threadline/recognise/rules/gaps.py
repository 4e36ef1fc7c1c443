"""Recording gaps: what inspectors keep finding missing, caught when the next incident arrives.

A course of conduct with no crime recorded; stalking recorded as something lesser; a breach with no
crime; a domestic incident without a DASH risk assessment; an incident whose linked history was
never looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from threadline.recognise.alerts import Finding
from threadline.recognise.conduct import Series
from threadline.recognise.context import Context
from threadline.recognise.history import Event
from threadline.recognise.rules.orders import BREACH_OFFENCES, Breach, find_breaches
from threadline.recognise.rules.stalking import former_partner_notes, shows_stalking
from threadline.recognise.wording import listing, plural

#: Home Office offence code for stalking.
STALKING_CODE = "8Q"
#: Offence wording that records a stalking course of conduct as something lesser.
LESSER_OFFENCES = re.compile(
    r"\b(?:harass\w*|malicious\s+communications?|communications\s+act|criminal\s+damage)\b", re.I
)


def is_stalking_crime(crime: Event) -> bool:
    code = (crime.offence_code or "").strip().upper()
    return code == STALKING_CODE or "stalking" in (crime.offence or "").lower()


def is_lesser_crime(crime: Event) -> bool:
    return not is_stalking_crime(crime) and bool(LESSER_OFFENCES.search(crime.offence or ""))


#: NCRS: a crime is recorded within 24 hours of the report that discloses it.
NCRS_HOURS = 24


def _series_gap(
    ctx: Context,
    series: Series,
    facts: dict[str, str],
    details: dict[str, object],
    notes: tuple[str, ...],
) -> Finding:
    """A gap in recording a course of conduct: keyed by the series, naming its suspect and victim
    (and filling ``suspect`` and ``victim`` before ``facts``), citing its incidents."""
    return Finding(
        subject=series.key,
        people=(series.suspect, series.victim),
        cited=series.refs,
        facts={"suspect": ctx.label(series.suspect), "victim": ctx.label(series.victim), **facts},
        details=details,
        notes=notes,
    )


def find_no_crime(ctx: Context) -> Iterator[Finding]:
    for series in ctx.courses:
        if any(ctx.has_crime(e) for e in series.incidents):
            continue
        evident = ctx.evident_at(series)
        due = evident.reported_at + timedelta(hours=NCRS_HOURS) if evident else None
        notes: tuple[str, ...] = ()
        if evident is not None and due is not None:
            notes = (
                f"The course of conduct was disclosed by {evident.ref} (conduct on at least 2 "
                f"occasions, Protection from Harassment Act 1997 s7(3)): the crime was due by "
                f"{due:%Y-%m-%d %H:%M} UTC, 24 hours from that report.",
            )
        yield _series_gap(
            ctx,
            series,
            {
                "any_of": (
                    f"any of the {len(series.incidents)} incidents"
                    if len(series.incidents) > 1
                    else "the incident"
                ),
                "refs": listing(series.refs),
            },
            {
                "suspect": series.suspect,
                "victim": series.victim,
                "evident_at": evident.ref if evident else None,
                "crime_due_by": due.isoformat() if due else None,
            },
            notes,
        )


def find_stalking_recorded_as_lesser(ctx: Context) -> Iterator[Finding]:
    for series in ctx.courses:
        if not shows_stalking(ctx, series):
            continue
        crimes = list({c.ref: c for e in series.incidents for c in ctx.crimes_on(e)}.values())
        if not crimes or any(is_stalking_crime(c) for c in crimes):
            continue
        lesser = [c for c in crimes if is_lesser_crime(c)]
        if not lesser:
            continue
        yield _series_gap(
            ctx,
            series,
            {
                "offences": listing(dict.fromkeys(str(c.offence).lower() for c in lesser)),
                "crime_refs": listing(c.ref for c in lesser),
            },
            {
                "crimes": [
                    {"ref": c.ref, "offence": c.offence, "offence_code": c.offence_code}
                    for c in crimes
                ]
            },
            former_partner_notes(series),
        )


def find_breach_no_crime(ctx: Context) -> Iterator[Finding]:
    for incident in ctx.anchors:
        breaches = [b for b in find_breaches(ctx) if b.incident.ref == incident.ref]
        if breaches and not ctx.has_crime(incident):
            yield _breach_gap(incident, breaches)


def _breach_gap(incident: Event, breaches: list[Breach]) -> Finding:
    offences = dict.fromkeys(
        BREACH_OFFENCES[str(b.order.order_type)]
        for b in breaches
        if str(b.order.order_type) in BREACH_OFFENCES
    )
    people = dict.fromkeys(p for b in breaches for p in (b.order.respondent, *b.protected_present))
    return Finding(
        subject=incident.ref,
        people=tuple(people),
        cited=(incident.ref,),
        facts={
            "incident": incident.ref,
            "orders": listing(f"{b.order.label} {b.order.ref}" for b in breaches),
            "breach_offence": f" as a crime ({'; '.join(offences)})" if offences else "",
        },
        details={"orders": [b.order.ref for b in breaches]},
    )


def find_domestic_no_dash(ctx: Context) -> Iterator[Finding]:
    for event in ctx.anchors:
        if event.is_domestic and event.ref not in ctx.history.dash_assessed:
            yield _domestic_gap(event)


def _domestic_gap(event: Event) -> Finding:
    why = []
    if "domestic" in event.categories:
        why.append("category domestic")
    if "domestic" in event.qualifiers:
        why.append("domestic qualifier")
    return Finding(
        subject=event.ref,
        people=event.entities("victim", "suspect"),
        cited=(event.ref,),
        facts={"incident": event.ref, "why": listing(why)},
        details={"victims": list(event.victims), "suspects": list(event.suspects)},
    )


def find_history_not_viewed(ctx: Context) -> Iterator[Finding]:
    for event in ctx.anchors:
        if event.history_viewed is False:
            yield from _history_gap(ctx, event)


def _history_gap(ctx: Context, event: Event) -> Iterator[Finding]:
    mine = set(event.entities())
    earlier = [
        e
        for e in ctx.incidents
        if e.ref != event.ref
        and e.reported_at <= event.reported_at
        and (
            mine & set(e.entities())
            or (event.location_key is not None and e.location_key == event.location_key)
        )
    ]
    if not earlier:
        return
    yield Finding(
        subject=event.ref,
        people=tuple(sorted(mine)),
        cited=(event.ref, *(e.ref for e in earlier)),
        facts={
            "incident": event.ref,
            "earlier": plural(len(earlier), "earlier incident"),
            "refs": listing(e.ref for e in earlier),
        },
        details={"linked_incidents": [e.ref for e in earlier]},
    )
