"""The counts of :mod:`threadline.recognise.contacts` from stored hourly counts, not messages.

A victim's download can hold 100,000 messages (issue 25); the store keeps them counted per UTC
hour, channel, kind, direction and sender (:class:`ContactCount`), and the picture reads those.
Everything :func:`~threadline.recognise.contacts.summarise_contacts` counts follows from them:

* per local day and channel, and contacts on the days an order binds: a local day is a run of
  whole UTC hours wherever the zone's offset is a whole number of hours (Europe/London always);
* night-time contacts: the night's bounds are whole hours (23:00 to 06:00), so every contact in
  one hour is at night or none is;
* silent and withheld calls: by kind;
* bursts need the times themselves, but only near busy hours: a window of ``burst_window``
  starting in hour *h* lies within hours *h* to *h + k* (*k* the window in hours, rounded up),
  so a burst can start only in an hour where those hours together hold ``burst_size`` contacts.
  :func:`burst_spans` names those stretches; the messages in them are read and
  :func:`~threadline.recognise.contacts.bursts` run on them gives what it gives on all of them
  (every window it measures lies wholly inside what is read).

:func:`counts_answer` says when the counts answer exactly (a zone or night bound off the whole
hour: they do not, and the caller counts the messages). Pure: no database, no clock.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from threadline.model.comms import CommsKind, Direction
from threadline.recognise.contacts import (
    DEFAULT_SETTINGS,
    SILENT_OR_WITHHELD,
    Burst,
    ContactSettings,
    ContactSummary,
    is_night,
)
from threadline.recognise.history import Order

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ContactCount:
    """How many entries of one kind, channel, direction and sender fell in one UTC hour."""

    hour: datetime  # the hour's start, UTC
    channel: str
    kind: str
    direction: str | None
    sender: str | None
    count: int


def contact_counts_only(counts: Iterable[ContactCount]) -> list[ContactCount]:
    """The counts of contacts: not the service's own lines, not the victim's own messages (as
    :func:`~threadline.recognise.contacts.contacts_only`)."""
    return [c for c in counts if c.kind != CommsKind.system and c.direction != Direction.outgoing]


def _whole_hour(delta: timedelta | None) -> bool:
    return delta is None or delta.total_seconds() % 3600 == 0


def counts_answer(counts: Sequence[ContactCount], settings: ContactSettings) -> bool:
    """Whether hourly counts give exactly what the messages would under ``settings``: the night's
    bounds on the hour and the zone's offset a whole number of hours across the counts' span."""
    night = (settings.night_from, settings.night_until)
    if any(t.minute or t.second or t.microsecond for t in night):
        return False
    if not counts:
        return True
    first, last = counts[0].hour, counts[-1].hour
    moment = first
    step = max(HOUR, (last - first) / 64)  # offsets change a few times a year: sample the span
    while moment <= last:
        if not _whole_hour(moment.astimezone(settings.timezone).utcoffset()):
            return False
        moment += step
    return _whole_hour(last.astimezone(settings.timezone).utcoffset())


def burst_spans(
    counts: Iterable[ContactCount], settings: ContactSettings = DEFAULT_SETTINGS
) -> list[tuple[datetime, datetime]]:
    """The stretches ``[start, end)`` whose messages must be read to find every burst: for each
    hour where a burst could start, that hour and the ``k`` after it; overlapping stretches
    merged, in time order."""
    per_hour: Counter[datetime] = Counter()
    for c in contact_counts_only(counts):
        per_hour[c.hour] += c.count
    reach = math.ceil(settings.burst_window / HOUR)
    spans: list[tuple[datetime, datetime]] = []
    for hour in sorted(per_hour):
        within = sum(per_hour.get(hour + HOUR * i, 0) for i in range(reach + 1))
        if within < settings.burst_size:
            continue
        start, end = hour, hour + HOUR * (reach + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def summarise_counts(
    counts: Iterable[ContactCount],
    found_bursts: Sequence[Burst],
    orders: Iterable[Order] = (),
    protected: str | None = None,
    settings: ContactSettings = DEFAULT_SETTINGS,
) -> ContactSummary:
    """:func:`~threadline.recognise.contacts.summarise_contacts` from hourly counts (and the
    bursts found in :func:`burst_spans`). The breach occasions themselves (one per message) are
    not listed: ``while_order_bound`` counts them, per order."""
    contacts = contact_counts_only(counts)
    chosen = [o for o in orders if protected is None or protected in o.protected]
    per_channel: Counter[str] = Counter()
    per_sender: Counter[str] = Counter()
    per_day: dict[date, Counter[str]] = {}
    bound: Counter[str] = Counter()
    silent = night = 0
    local_day: dict[datetime, date] = {}
    at_night: dict[datetime, bool] = {}
    for c in contacts:
        day = local_day.get(c.hour)
        if day is None:
            day = local_day[c.hour] = c.hour.astimezone(settings.timezone).date()
            at_night[c.hour] = is_night(c.hour, settings)
        per_channel[c.channel] += c.count
        per_sender[c.sender or "(unknown)"] += c.count
        per_day.setdefault(day, Counter())[c.channel] += c.count
        if c.kind in SILENT_OR_WITHHELD:
            silent += c.count
        if at_night[c.hour]:
            night += c.count
    for day, channels in per_day.items():
        for order in chosen:
            if order.binds_on(day):
                bound[order.ref] += sum(channels.values())
    window_minutes = int(settings.burst_window.total_seconds() // 60)
    return ContactSummary(
        total=sum(per_channel.values()),
        per_channel=dict(per_channel.most_common()),
        per_sender=dict(per_sender.most_common()),
        per_day={day.isoformat(): dict(per_day[day]) for day in sorted(per_day)},
        silent_or_withheld=silent,
        night=night,
        night_hours=(
            f"{settings.night_from:%H:%M} to {settings.night_until:%H:%M} local time, "
            "when a person is usually asleep"
        ),
        bursts=list(found_bursts),
        burst_rule=f"{settings.burst_size} or more contacts within {window_minutes} minutes",
        while_order_bound={o.ref: bound[o.ref] for o in chosen if bound[o.ref]},
    )
