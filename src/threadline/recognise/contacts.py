"""Counting a victim's communications evidence: per sender, per day and channel, silent and withheld
calls, night-time contacts, bursts, and contacts while an order binds.

Pure functions on :class:`Contact` values (read from the store by :mod:`threadline.store.comms`);
no database, no clock. What counts as a *contact*: every stored entry that is not written by the
service (``system``) and not sent by the victim (``outgoing``); an entry whose direction the export
does not give counts (a call log or a chat read without ``--owner``).

Who sent a contact is not decided here (attributing a number to a suspect is a later step), so a
contact while an order binds is counted against every order protecting the victim that binds on
that day; each is a breach occasion of that order *if* the sender is the respondent.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from threadline.model.base import FORCE_TIMEZONE
from threadline.model.comms import CommsKind, Direction
from threadline.recognise.history import Order

#: Issue 25's example of a burst ("50 in an hour"); /work/shared/domain.md sets no figure.
BURST_SIZE = 50
BURST_WINDOW = timedelta(hours=1)
#: Night: 23:00 to 06:00 local time, the hours a person is usually asleep, so that contact then is
#: disturbing in itself (a setting; no law or guidance in domain.md fixes the hours).
NIGHT_FROM = time(23, 0)
NIGHT_UNTIL = time(6, 0)

#: Calls the victim cannot see the caller of, or that say nothing.
SILENT_OR_WITHHELD = frozenset({CommsKind.silent_call, CommsKind.withheld_call})


@dataclass(frozen=True, slots=True)
class Contact:
    """One stored communication, as the counts need it."""

    at: datetime  # UTC
    channel: str
    kind: str
    sender: str | None
    direction: str | None
    content_hash: str
    file: str
    line: int


@dataclass(frozen=True)
class ContactSettings:
    """The figures the counts use; each a setting, with its default explained above."""

    burst_size: int = BURST_SIZE
    burst_window: timedelta = BURST_WINDOW
    night_from: time = NIGHT_FROM
    night_until: time = NIGHT_UNTIL
    timezone: tzinfo = FORCE_TIMEZONE

    def __post_init__(self) -> None:
        if self.burst_size < 2:
            raise ValueError("a burst is at least 2 contacts")
        if self.burst_window <= timedelta(0):
            raise ValueError("a burst window must be positive")


DEFAULT_SETTINGS = ContactSettings()


@dataclass(frozen=True)
class Burst:
    """At least ``burst_size`` contacts with every one within ``burst_window`` of a run's start."""

    start: datetime
    end: datetime
    count: int


@dataclass(frozen=True)
class BreachOccasion:
    """A contact on a day an order protecting the victim binds (Family Law Act 1996 s42A)."""

    order_ref: str
    contact: Contact


@dataclass(frozen=True)
class ContactSummary:
    total: int
    per_channel: dict[str, int]
    per_sender: dict[str, int]
    per_day: dict[str, dict[str, int]]  # ISO day -> channel -> count
    silent_or_withheld: int
    night: int
    night_hours: str
    bursts: list[Burst]
    burst_rule: str
    while_order_bound: dict[str, int]  # order ref -> contacts on days it bound
    occasions: list[BreachOccasion] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The summary as data, without the senders: a sender is written as a name or a number,
        contact detail that the picture's readers may not all see (guard.disclosure); the
        senders are for the message view, which checks the reader's role."""
        return {
            "total": self.total,
            "per_channel": self.per_channel,
            "per_day": self.per_day,
            "silent_or_withheld": self.silent_or_withheld,
            "night": self.night,
            "night_hours": self.night_hours,
            "bursts": [
                {"start": b.start.isoformat(), "end": b.end.isoformat(), "count": b.count}
                for b in self.bursts
            ],
            "burst_rule": self.burst_rule,
            "while_order_bound": self.while_order_bound,
        }


def contacts_only(entries: Iterable[Contact]) -> list[Contact]:
    """The entries that are contacts (see the module docstring), in time order."""
    return sorted(
        (c for c in entries if c.kind != CommsKind.system and c.direction != Direction.outgoing),
        key=lambda c: c.at,
    )


def per_sender(contacts: Iterable[Contact]) -> dict[str, int]:
    """Contacts per sender as written (``(unknown)`` where the export does not say)."""
    counts = Counter(c.sender or "(unknown)" for c in contacts)
    return dict(counts.most_common())


def per_day_and_channel(
    contacts: Iterable[Contact], timezone: tzinfo = FORCE_TIMEZONE
) -> dict[date, Counter[str]]:
    """Contacts per local day (in ``timezone``) and channel."""
    days: dict[date, Counter[str]] = {}
    for c in contacts:
        days.setdefault(c.at.astimezone(timezone).date(), Counter())[c.channel] += 1
    return dict(sorted(days.items()))


def silent_or_withheld(contacts: Iterable[Contact]) -> list[Contact]:
    """Silent calls (where the source says so) and calls from a withheld number."""
    return [c for c in contacts if c.kind in SILENT_OR_WITHHELD]


def is_night(at: datetime, settings: ContactSettings = DEFAULT_SETTINGS) -> bool:
    local = at.astimezone(settings.timezone).time()
    if settings.night_from <= settings.night_until:
        return settings.night_from <= local < settings.night_until
    return local >= settings.night_from or local < settings.night_until


def night_contacts(
    contacts: Iterable[Contact], settings: ContactSettings = DEFAULT_SETTINGS
) -> list[Contact]:
    """Contacts between ``night_from`` and ``night_until`` local time."""
    return [c for c in contacts if is_night(c.at, settings)]


def bursts(
    contacts: Sequence[Contact], settings: ContactSettings = DEFAULT_SETTINGS
) -> list[Burst]:
    """Runs of at least ``burst_size`` contacts within ``burst_window`` (overlapping runs are one
    burst). ``contacts`` in time order (as :func:`contacts_only` gives them)."""
    times = [c.at for c in contacts]
    runs: list[list[int]] = []  # [first, last] index of each burst
    for i, start in enumerate(times):
        j = bisect_left(times, start + settings.burst_window, lo=i)
        if j - i < settings.burst_size:
            continue
        if runs and i <= runs[-1][1]:  # overlaps the burst before: extend it
            runs[-1][1] = max(runs[-1][1], j - 1)
        else:
            runs.append([i, j - 1])
    return [Burst(times[first], times[last], last - first + 1) for first, last in runs]


def breach_occasions(
    contacts: Iterable[Contact],
    orders: Iterable[Order],
    protected: str | None = None,
    timezone: tzinfo = FORCE_TIMEZONE,
) -> list[BreachOccasion]:
    """Each contact on a local day an order binds (Order.binds_on: Family Law Act 1996 s42A(2), an
    order made without notice binds only from service), one occasion per order; with ``protected``,
    only orders protecting that person."""
    chosen = [o for o in orders if protected is None or protected in o.protected]
    occasions: list[BreachOccasion] = []
    for c in contacts:
        day = c.at.astimezone(timezone).date()
        occasions.extend(BreachOccasion(o.ref, c) for o in chosen if o.binds_on(day))
    return occasions


def summarise_contacts(
    entries: Iterable[Contact],
    orders: Iterable[Order] = (),
    protected: str | None = None,
    settings: ContactSettings = DEFAULT_SETTINGS,
) -> ContactSummary:
    """Every count above for one victim's stored communications."""
    contacts = contacts_only(entries)
    occasions = breach_occasions(contacts, orders, protected, settings.timezone)
    bound = Counter(o.order_ref for o in occasions)
    window_minutes = int(settings.burst_window.total_seconds() // 60)
    return ContactSummary(
        total=len(contacts),
        per_channel=dict(Counter(c.channel for c in contacts).most_common()),
        per_sender=per_sender(contacts),
        per_day={
            day.isoformat(): dict(channels)
            for day, channels in per_day_and_channel(contacts, settings.timezone).items()
        },
        silent_or_withheld=len(silent_or_withheld(contacts)),
        night=len(night_contacts(contacts, settings)),
        night_hours=(
            f"{settings.night_from:%H:%M} to {settings.night_until:%H:%M} local time, "
            "when a person is usually asleep"
        ),
        bursts=bursts(contacts, settings),
        burst_rule=f"{settings.burst_size} or more contacts within {window_minutes} minutes",
        while_order_bound=dict(bound),
        occasions=occasions,
    )
