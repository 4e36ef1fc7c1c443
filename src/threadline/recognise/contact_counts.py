"""The counts of :mod:`threadline.recognise.contacts` from stored counts, not from messages.

A victim's download can hold 100,000 messages (issue 25); the store keeps them counted per UTC
hour, with each hour's local day and whether it is night (``communication_counts``), and the
picture reads those summed per day and channel (:class:`DayCount`). Everything
:func:`~threadline.recognise.contacts.summarise_contacts` counts follows from them:

* per local day and channel, and contacts on the days an order binds: a local day is a run of
  whole UTC hours wherever the zone's offset is a whole number of hours (Europe/London always);
* night-time contacts: the night's bounds are whole hours (23:00 to 06:00), so every contact in
  one hour is at night or none is;
* silent and withheld calls: by kind;
* bursts need the times themselves, but only near busy hours: a window of ``burst_window``
  starting in hour *h* lies within hours *h* to *h + k* (*k* the window in hours, rounded up,
  :func:`burst_reach`), so a burst can start only in an hour where those hours together hold
  ``burst_size`` contacts (:func:`busy_hour_starts`). The messages of :func:`burst_spans` are
  read and :func:`~threadline.recognise.contacts.bursts` run on them gives what it gives on all
  of them: every window it measures lies wholly inside what is read.

Pure: no database, no clock.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from threadline.recognise.contacts import (
    DEFAULT_SETTINGS,
    Burst,
    ContactSettings,
    ContactSummary,
)
from threadline.recognise.history import Order

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class DayCount:
    """Contacts on one local day over one channel, and how many of them were silent or withheld
    calls and how many at night."""

    day: date
    channel: str
    count: int
    silent_or_withheld: int = 0
    night: int = 0


def burst_reach(settings: ContactSettings = DEFAULT_SETTINGS) -> int:
    """How many hours after the one it starts in a burst window can reach into."""
    return math.ceil(settings.burst_window / HOUR)


def busy_hour_starts(
    per_hour: Mapping[datetime, int], settings: ContactSettings = DEFAULT_SETTINGS
) -> list[datetime]:
    """The hours (their UTC start) a burst may start in: the hour and the :func:`burst_reach`
    after it hold ``burst_size`` contacts together. ``per_hour``: contacts per hour start."""
    reach = burst_reach(settings)
    return [
        hour
        for hour in sorted(per_hour)
        if sum(per_hour.get(hour + HOUR * i, 0) for i in range(reach + 1)) >= settings.burst_size
    ]


def burst_spans(
    busy: Iterable[datetime], settings: ContactSettings = DEFAULT_SETTINGS
) -> list[tuple[datetime, datetime]]:
    """The stretches ``[start, end)`` whose messages must be read to find every burst: each
    busy hour and the :func:`burst_reach` after it, overlapping stretches merged, in order."""
    reach = burst_reach(settings)
    spans: list[tuple[datetime, datetime]] = []
    for hour in sorted(busy):
        start, end = hour, hour + HOUR * (reach + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def summarise_days(
    days: Sequence[DayCount],
    senders: Mapping[str, int],
    found_bursts: Sequence[Burst],
    orders: Iterable[Order] = (),
    protected: str | None = None,
    settings: ContactSettings = DEFAULT_SETTINGS,
) -> ContactSummary:
    """:func:`~threadline.recognise.contacts.summarise_contacts` from counts per day (in the
    zone and night hours of ``settings``), contacts per sender (``''``: not said) and the bursts
    found in :func:`burst_spans`. The breach occasions themselves (one per message) are not
    listed: ``while_order_bound`` counts them, per order."""
    chosen = [o for o in orders if protected is None or protected in o.protected]
    per_channel: Counter[str] = Counter()
    per_day: dict[date, Counter[str]] = {}
    bound: Counter[str] = Counter()
    for d in days:
        per_channel[d.channel] += d.count
        per_day.setdefault(d.day, Counter())[d.channel] += d.count
        for order in chosen:
            if order.binds_on(d.day):
                bound[order.ref] += d.count
    per_sender: Counter[str] = Counter()
    for sender, count in senders.items():
        per_sender[sender or "(unknown)"] += count
    window_minutes = int(settings.burst_window.total_seconds() // 60)
    return ContactSummary(
        total=sum(per_channel.values()),
        per_channel=dict(per_channel.most_common()),
        per_sender=dict(per_sender.most_common()),
        per_day={day.isoformat(): dict(per_day[day]) for day in sorted(per_day)},
        silent_or_withheld=sum(d.silent_or_withheld for d in days),
        night=sum(d.night for d in days),
        night_hours=(
            f"{settings.night_from:%H:%M} to {settings.night_until:%H:%M} local time, "
            "when a person is usually asleep"
        ),
        bursts=list(found_bursts),
        burst_rule=f"{settings.burst_size} or more contacts within {window_minutes} minutes",
        while_order_bound={o.ref: bound[o.ref] for o in chosen if bound[o.ref]},
    )
