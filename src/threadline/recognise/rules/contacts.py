"""Communications evidence (issue 25, part 3): what a victim's messages and calls, attributed to
her suspect, add to the picture of his conduct.

- :func:`find_contact_after_stop`: contacts after she told him to stop. ../shared/domain.md:
  "Occasions, not reports (PHA 1997 s7(3)): one report can disclose conduct on two or more
  occasions ('a dozen texts after she told him to stop')"; contacting "by any means" is an act
  associated with stalking (s2A).
- :func:`find_contact_while_bound`: contacts on days an order bound him, each a breach occasion
  of it (Family Law Act 1996 s42A; an order made without notice binds once he is aware of it,
  s42A(2): ``Order.binds_on``).
- :func:`find_contact_pattern`: repeated contact, bursts and night-time contact, the FOUR
  markers ("Fixated, Obsessive, Unwanted, Repeated") that say think stalking first, and contact
  escalating week on week (:func:`escalating`), which calls for the risk to be reviewed now.

Each finding cites the messages it rests on by time and channel (the first few, in the reason
and in ``details``) as well as the incidents.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from threadline.recognise.alerts import Finding
from threadline.recognise.context import Context
from threadline.recognise.history import CitedMessage, ContactEvidence
from threadline.recognise.wording import listing

#: Messages quoted in a reason (all cited ones stay in ``details``).
QUOTED = 3
#: Escalating contact: the last four weeks at 1.5 times the four before, and a contact a day at
#: least (settings: domain.md fixes no figure; escalation is a review trigger, not an offence).
RECENT_WEEKS = 4
ESCALATION_RATIO = 1.5
MIN_WEEKLY = 7


def _messages(cited: Sequence[CitedMessage], total: int) -> str:
    shown = [m.words() for m in cited[:QUOTED]]
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _details(cited: Sequence[CitedMessage]) -> list[dict[str, object]]:
    return [
        {"at": m.at.isoformat(), "channel": m.channel, "file": m.file, "line": m.line}
        for m in cited
    ]


def _evidence(ctx: Context) -> Iterator[ContactEvidence]:
    """Contact evidence of the pairs the new event is about (suspect to victim)."""
    pairs = set(ctx.pairs)
    for evidence in ctx.history.contacts:
        if (evidence.sender, evidence.victim) in pairs:
            yield evidence


def _incidents(ctx: Context, evidence: ContactEvidence) -> tuple[str, ...]:
    """The pair's incidents in the history (the anchors at least)."""
    refs = [
        e.ref
        for e in ctx.incidents
        if evidence.sender in e.suspects and evidence.victim in e.victims
    ]
    return tuple(refs) or tuple(sorted(ctx.anchor_refs))


def _channels(evidence: ContactEvidence) -> str:
    return listing([f"{channel} {n}" for channel, n in evidence.channels.items()])


def _finding(
    ctx: Context, e: ContactEvidence, facts: dict[str, str], details: dict[str, Any]
) -> Finding:
    """What one sender's contacts with one victim show: the two of them, the incidents her
    evidence is filed under, their names and ``facts`` for the wording, ``details`` as data."""
    return Finding(
        subject=f"{e.sender}->{e.victim}",
        people=(e.sender, e.victim),
        cited=_incidents(ctx, e),
        facts={"suspect": ctx.label(e.sender), "victim": ctx.label(e.victim), **facts},
        details=details,
    )


def find_contact_after_stop(ctx: Context) -> Iterator[Finding]:
    minimum = ctx.thresholds.course_min_incidents
    for e in _evidence(ctx):
        if e.after_stop < minimum or e.told_to_stop_at is None:
            continue
        if e.told_by_message is not None:
            told = f"her message {e.told_by_message.words()}"
        else:
            told = f"as she said in {e.told_by_report}"
        yield _finding(
            ctx,
            e,
            {
                "count": str(e.after_stop),
                "told": told,
                "messages": _messages(e.after_stop_cited, e.after_stop),
            },
            {
                "after_stop": e.after_stop,
                "told_to_stop_at": e.told_to_stop_at.isoformat(),
                "messages": _details(e.after_stop_cited),
            },
        )


def find_contact_while_bound(ctx: Context) -> Iterator[Finding]:
    for e in _evidence(ctx):
        for order in ctx.orders:
            count = e.while_bound.get(order.ref, 0)
            if not count or order.respondent != e.sender or e.victim not in order.protected:
                continue
            cited = e.while_bound_cited.get(order.ref, ())
            yield Finding(
                subject=f"{order.ref}:{e.victim}",
                people=(e.sender, e.victim),
                cited=(order.ref, *_incidents(ctx, e)),
                facts={
                    "respondent": ctx.label(e.sender),
                    "protected": ctx.label(e.victim),
                    "count": str(count),
                    "order_label": order.label,
                    "order_ref": order.ref,
                    "messages": _messages(cited, count),
                },
                details={"order": order.ref, "occasions": count, "messages": _details(cited)},
            )


def escalating(e: ContactEvidence) -> str | None:
    """ "Escalating: ..." when the last :data:`RECENT_WEEKS` weeks of contact average at least
    :data:`ESCALATION_RATIO` times the weeks before them (and at least :data:`MIN_WEEKLY` a
    week), else ``None``. Weeks without contact count as none."""
    if not e.per_week:
        return None
    last = date.fromisoformat(max(e.per_week))
    recent = [
        e.per_week.get((last - timedelta(weeks=w)).isoformat(), 0) for w in range(RECENT_WEEKS)
    ]
    before = [
        e.per_week.get((last - timedelta(weeks=w)).isoformat(), 0)
        for w in range(RECENT_WEEKS, 2 * RECENT_WEEKS)
    ]
    now, then = sum(recent) / RECENT_WEEKS, sum(before) / RECENT_WEEKS
    if now >= MIN_WEEKLY and now >= ESCALATION_RATIO * then:
        return (
            f"Escalating: {now:.0f} a week over the last {RECENT_WEEKS} weeks, up from "
            f"{then:.0f} a week in the {RECENT_WEEKS} before"
        )
    return None


def find_contact_pattern(ctx: Context) -> Iterator[Finding]:
    minimum = ctx.thresholds.course_min_incidents
    for e in _evidence(ctx):
        markers = []
        if e.contacts >= minimum:
            days = max(1, (e.last - e.first).days + 1)
            markers.append(f"Repeated: {e.contacts} contacts over {days} days")
        if e.bursts:
            biggest = max(count for _s, _e, count in e.bursts)
            markers.append(f"Obsessive: {len(e.bursts)} bursts, the largest {biggest} in an hour")
        if e.after_stop:
            markers.append(f"Unwanted: {e.after_stop} after being told to stop")
        if e.night:
            markers.append(f"{e.night} at night (23:00 to 06:00)")
        rising = escalating(e)
        if rising:
            markers.append(rising)
        if len(markers) < 2:
            continue
        bursts = [
            CitedMessage(start, "burst")  # a burst is cited by when it began
            for start, _end, _count in e.bursts
        ]
        yield _finding(
            ctx,
            e,
            {
                "channels": _channels(e),
                "markers": "; ".join(markers),
                "senders": str(e.senders),
            },
            {
                "contacts": e.contacts,
                "bursts": [
                    {"start": s.isoformat(), "end": f.isoformat(), "count": n}
                    for s, f, n in e.bursts
                ],
                "burst_starts": [m.words() for m in bursts],
                "night": e.night,
            },
        )
