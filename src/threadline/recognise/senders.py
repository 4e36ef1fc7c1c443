"""Counting each sender's contacts once it is known whose they are: after she told them to stop,
while an order binds them, at night, in bursts; each count with the messages it rests on cited by
time and channel.

- **After being told to stop** (Protection from Harassment Act 1997 s2A, s7(3); see
  :mod:`threadline.recognise.stop`): from the first time the victim told that person to stop, in
  a message of hers in a chat with any of their senders (or to one of their numbers), or in a
  report of hers with them as the suspect (from when it was reported).
- **While an order binds** (Family Law Act 1996 s42A; :meth:`Order.binds_on`): each contact by
  the order's respondent on a local day the order binds, protecting the victim, is a breach
  occasion of that order, counted against it.
- **Night** and **bursts**: as :mod:`threadline.recognise.contacts` defines them.

Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from threadline.model.comms import CommsKind, Direction
from threadline.recognise.attribution import Attribution, Message, Report, sender_identifier
from threadline.recognise.contacts import (
    DEFAULT_SETTINGS,
    Contact,
    ContactSettings,
    bursts,
    is_night,
)
from threadline.recognise.history import Order
from threadline.recognise.stop import asks_to_stop, reports_told_to_stop

__all__ = ["SenderCounts", "count_senders", "told_to_stop"]

#: Messages cited for each count (the first ones, by time).
CITED = 5


def _monday(at: datetime, settings: ContactSettings) -> str:
    day = at.astimezone(settings.timezone).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def _cite(m: Message) -> dict[str, Any]:
    return {"at": m.at.isoformat(), "channel": m.channel, "file": m.file, "line": m.line}


@dataclass
class SenderCounts:
    """One sender's contacts counted."""

    sender: str
    contacts: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    per_channel: dict[str, int] = field(default_factory=dict)
    #: contacts per local week, by the week's Monday (ISO date)
    per_week: dict[str, int] = field(default_factory=dict)
    night: int = 0
    bursts: list[dict[str, Any]] = field(default_factory=list)
    told_to_stop_at: datetime | None = None
    told_how: dict[str, Any] | None = None
    after_stop: int = 0
    while_bound: dict[str, int] = field(default_factory=dict)
    cited: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "per_channel": self.per_channel,
            "per_week": self.per_week,
            "bursts": self.bursts,
            "told_how": self.told_how,
            "cited": self.cited,
        }


def told_to_stop(
    messages: Iterable[Message],
    attributions: Sequence[Attribution],
    reports: Sequence[Report],
) -> dict[str, tuple[datetime, dict[str, Any]]]:
    """For each person (entity id) and each sender not attributed to anyone (``sender:<as
    written>``): when the victim first told them to stop, and how (a message cited, or a
    report's ref)."""
    entity_of = {a.sender: a.entity_id for a in attributions if a.status == "attributed"}
    values = {a.value: a.sender for a in attributions if a.value}
    who_in: dict[str, set[str]] = defaultdict(set)  # conversation -> senders in it
    outgoing: list[Message] = []
    for m in messages:
        if m.direction == Direction.outgoing:
            outgoing.append(m)
        elif m.sender:
            who_in[m.conversation].add(m.sender)
    first: dict[str, tuple[datetime, dict[str, Any]]] = {}

    def note(key: str, at: datetime, how: dict[str, Any]) -> None:
        if key not in first or at < first[key][0]:
            first[key] = (at, how)

    for m in outgoing:
        if m.kind == CommsKind.system or not asks_to_stop(m.text):
            continue
        told = set(who_in.get(m.conversation, ()))
        for recipient in m.recipients:
            _kind, value = sender_identifier(recipient, m.channel)
            if value in values:
                told.add(values[value])
        for sender in told:
            entity = entity_of.get(sender)
            how = {"message": _cite(m)}
            note(entity if entity else f"sender:{sender}", m.at, how)
    for report in reports:
        if reports_told_to_stop(report.narrative):
            for entity in set(report.suspects):
                note(entity, report.reported_at, {"report": report.ref})
    return first


def count_senders(
    messages: Iterable[Message],
    attributions: Sequence[Attribution],
    reports: Sequence[Report],
    orders: Sequence[Order],
    victim: str | None,
    settings: ContactSettings = DEFAULT_SETTINGS,
) -> dict[str, SenderCounts]:
    """Each sender's counts (see the module docstring), by sender as written."""
    messages = sorted(messages, key=lambda m: m.at)
    stops = told_to_stop(messages, attributions, reports)
    entity_of = {a.sender: a.entity_id for a in attributions if a.status == "attributed"}
    binding = [o for o in orders if victim is not None and victim in o.protected]
    by_sender: dict[str, list[Message]] = defaultdict(list)
    for m in messages:
        if m.kind != CommsKind.system and m.direction != Direction.outgoing:
            by_sender[m.sender or ""].append(m)
    found: dict[str, SenderCounts] = {}
    for sender, sent in by_sender.items():
        counts = SenderCounts(sender, contacts=len(sent), first_at=sent[0].at, last_at=sent[-1].at)
        counts.per_channel = dict(Counter(m.channel for m in sent).most_common())
        counts.night = sum(is_night(m.at, settings) for m in sent)
        counts.per_week = dict(sorted(Counter(_monday(m.at, settings) for m in sent).items()))
        as_contacts = [
            Contact(m.at, m.channel, m.kind, m.sender, m.direction, "", m.file, m.line)
            for m in sent
        ]
        counts.bursts = [
            {"start": b.start.isoformat(), "end": b.end.isoformat(), "count": b.count}
            for b in bursts(as_contacts, settings)
        ]
        entity = entity_of.get(sender)
        stop = stops.get(entity) if entity else stops.get(f"sender:{sender}")
        if stop is not None:
            counts.told_to_stop_at, counts.told_how = stop
            after = [m for m in sent if m.at > stop[0]]
            counts.after_stop = len(after)
            counts.cited["after_stop"] = [_cite(m) for m in after[:CITED]]
        if entity is not None:
            for order in binding:
                if order.respondent != entity:
                    continue
                occasions = [
                    m for m in sent if order.binds_on(m.at.astimezone(settings.timezone).date())
                ]
                if occasions:
                    counts.while_bound[order.ref] = len(occasions)
                    counts.cited.setdefault("while_bound", {})[order.ref] = [
                        _cite(m) for m in occasions[:CITED]
                    ]
        found[sender] = counts
    return found
