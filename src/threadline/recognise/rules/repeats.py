"""Repeat victims, suspects and locations: the same entity in the same role, N times in a window."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from threadline.recognise.alerts import Finding
from threadline.recognise.context import Context
from threadline.recognise.history import Event
from threadline.recognise.wording import listing, plural, summaries

MARAC_NOTE = (
    "{count} of these are domestic incidents in {window}: this meets the MARAC 'potential "
    "escalation' referral criterion ({minimum} or more police-recorded incidents, by common "
    "practice). Consider a MARAC referral."
)
MANY_VICTIMS_NOTE = (
    "{suspect} is the suspect against {count} different victims ({victims}): check whether they "
    "have abused others before, and tell attending officers and the victims' risk assessors."
)


def _window(ctx: Context) -> str:
    days = ctx.thresholds.repeat_window_days
    return "12 months" if days == 365 else plural(days, "day")


def _repeats(
    ctx: Context, keys: tuple[str, ...], holds: Callable[[Event, str], bool]
) -> Iterator[tuple[str, list[Event]]]:
    if not ctx.event.is_incident:
        return
    for key in keys:
        found = [e for e in ctx.incidents if ctx.within_window(e) and holds(e, key)]
        if len(found) >= ctx.thresholds.repeat_min_incidents:
            yield key, found


def _facts(ctx: Context, key: str, found: list[Event]) -> dict[str, str]:
    return {
        "who": ctx.label(key),
        "count": str(len(found)),
        "window": _window(ctx),
        "incidents": summaries(found),
    }


def find_repeat_victims(ctx: Context) -> Iterator[Finding]:
    t = ctx.thresholds
    for victim, found in _repeats(ctx, ctx.event.victims, lambda e, v: v in e.victims):
        facts = _facts(ctx, victim, found)
        domestic = [e for e in found if e.is_domestic]
        notes: tuple[str, ...] = ()
        if len(domestic) >= t.repeat_min_incidents:
            notes = (
                MARAC_NOTE.format(
                    count=len(domestic), window=facts["window"], minimum=t.repeat_min_incidents
                ),
            )
        suspects = sorted({s for e in found for s in e.suspects})
        yield Finding(
            subject=victim,
            people=(victim,),
            cited=tuple(e.ref for e in found),
            facts=facts,
            details={
                "victim": victim,
                "incidents": [e.ref for e in found],
                "domestic_incidents": [e.ref for e in domestic],
                "suspects": suspects,
            },
            notes=notes,
        )


def find_repeat_suspects(ctx: Context) -> Iterator[Finding]:
    for suspect, found in _repeats(ctx, ctx.event.suspects, lambda e, s: s in e.suspects):
        facts = _facts(ctx, suspect, found)
        victims = list(dict.fromkeys(v for e in found for v in e.victims if v != suspect))
        notes: tuple[str, ...] = ()
        if len(victims) >= 2:
            notes = (
                MANY_VICTIMS_NOTE.format(
                    suspect=facts["who"],
                    count=len(victims),
                    victims=listing(ctx.label(v) for v in victims),
                ),
            )
        yield Finding(
            subject=suspect,
            people=(suspect,),
            cited=tuple(e.ref for e in found),
            facts=facts,
            details={"suspect": suspect, "incidents": [e.ref for e in found], "victims": victims},
            notes=notes,
        )


def find_repeat_locations(ctx: Context) -> Iterator[Finding]:
    keys = (ctx.event.location_key,) if ctx.event.location_key else ()
    for location, found in _repeats(ctx, keys, lambda e, k: e.location_key == k):
        yield Finding(
            subject=location,
            people=tuple(dict.fromkeys(p for e in found for p in e.entities())),
            cited=tuple(e.ref for e in found),
            facts=_facts(ctx, location, found),
            details={
                "location_key": location,
                "location": ctx.label(location),
                "incidents": [e.ref for e in found],
            },
        )
