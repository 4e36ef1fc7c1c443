"""The contact summary from hourly counts equals the summary from every message: per day across
the clock changes, night-time, silent and withheld calls, bursts across hour boundaries, and the
contacts on days an order binds (Family Law Act 1996 s42A(2), as Order.binds_from applies it)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from threadline.recognise.contact_counts import (
    DayCount,
    burst_spans,
    busy_hour_starts,
    summarise_days,
)
from threadline.recognise.contacts import (
    DEFAULT_SETTINGS,
    SILENT_OR_WITHHELD,
    Contact,
    ContactSettings,
    bursts,
    contacts_only,
    is_night,
    summarise_contacts,
)
from threadline.recognise.history import Order

#: Family Law Act 1996 s42A(2): a without-notice order binds from service.
S42A_2 = (
    "a person can be guilty of an offence under this section only in respect of conduct "
    "engaged in at a time when he was aware of the existence of the order"
)
SERVED = Order(
    ref="NMO-1",
    order_type="non_molestation",
    respondent="E-dan",
    protected=("E-alys",),
    starts=date(2026, 3, 20),
    ends=date(2026, 10, 30),
    served=date(2026, 3, 27),
    on_notice=False,
)
NOT_SERVED = Order(
    ref="NMO-2",
    order_type="non_molestation",
    respondent="E-dan",
    protected=("E-alys",),
    starts=date(2026, 10, 20),
    on_notice=False,
)


def campaign(seed: int) -> list[Contact]:
    """Contacts around both clock changes of 2026 (29 March, 25 October), with two bursts that
    straddle an hour boundary and one near-burst that falls one short."""
    rng = random.Random(seed)
    kinds = ["message"] * 8 + ["media", "missed_call", "silent_call", "withheld_call", "system"]
    entries = []
    for start in (datetime(2026, 3, 22, tzinfo=UTC), datetime(2026, 10, 18, tzinfo=UTC)):
        moment = start
        while moment < start + timedelta(days=14):
            moment += timedelta(seconds=rng.randint(30, 5400))
            entries.append((moment, rng.choice(kinds)))
    for first, n in (
        (datetime(2026, 3, 29, 0, 40, tzinfo=UTC), 85),
        (datetime(2026, 10, 24, 23, 31, tzinfo=UTC), 90),
        (datetime(2026, 4, 1, 12, 10, tzinfo=UTC), 30),
    ):
        entries += [(first + timedelta(seconds=35 * i), "message") for i in range(n)]
    contacts = []
    for n, (at, kind) in enumerate(sorted(entries)):
        direction = rng.choice(["incoming"] * 5 + ["outgoing", None])
        sender = rng.choice(["Dan Mercer", "07700 900123", None])
        channel = rng.choice(["whatsapp", "sms", "call"])
        contacts.append(Contact(at, channel, kind, sender, direction, f"h{n}", "x.txt", n + 1))
    return contacts


def per_hour(contacts: list[Contact]) -> Counter[datetime]:
    """Contacts per UTC hour, as the store sums them (by hand: the specification)."""
    return Counter(c.at.replace(minute=0, second=0, microsecond=0) for c in contacts)


def per_day(contacts: list[Contact], settings: ContactSettings) -> list[DayCount]:
    """Contacts per local day and channel with their silent calls and night, by hand."""
    tally: dict[tuple[date, str], list[int]] = {}
    for c in contacts:
        day = c.at.astimezone(settings.timezone).date()
        row = tally.setdefault((day, c.channel), [0, 0, 0])
        row[0] += 1
        row[1] += c.kind in SILENT_OR_WITHHELD
        row[2] += is_night(c.at, settings)
    return [DayCount(day, channel, *row) for (day, channel), row in sorted(tally.items())]


def from_counts(contacts: list[Contact], settings: ContactSettings = DEFAULT_SETTINGS) -> object:
    """The summary as the picture makes it: counts, and the messages of the busy hours only."""
    only = contacts_only(contacts)
    spans = burst_spans(busy_hour_starts(per_hour(only), settings), settings)
    busy = [c for c in only if any(a <= c.at < b for a, b in spans)]
    senders = Counter(c.sender or "" for c in only)
    days = per_day(only, settings)
    found = bursts(busy, settings)
    return summarise_days(days, senders, found, [SERVED, NOT_SERVED], "E-alys", settings)


def test_the_summary_from_hourly_counts_is_the_summary_from_every_message() -> None:
    assert "aware of the existence of the order" in S42A_2
    for seed in range(5):
        contacts = campaign(seed)
        expected = summarise_contacts(contacts, [SERVED, NOT_SERVED], "E-alys")
        got = from_counts(contacts)
        assert got.to_dict() == expected.to_dict()  # type: ignore[attr-defined]
        assert got.per_sender == expected.per_sender  # type: ignore[attr-defined]
        # what makes the comparison worth having: bursts, night, silent calls and the order
        assert len(expected.bursts) == 2
        assert expected.night and expected.silent_or_withheld
        assert set(expected.while_order_bound) == {"NMO-1"}  # NMO-2 was never served


def test_bursts_are_found_from_the_busy_hours_only_with_other_windows() -> None:
    contacts = campaign(7)
    for size, minutes in ((40, 60), (20, 30), (45, 90), (5, 10)):
        settings = ContactSettings(burst_size=size, burst_window=timedelta(minutes=minutes))
        expected = summarise_contacts(contacts, [], None, settings)
        assert expected.bursts
        assert from_counts(contacts, settings).bursts == expected.bursts  # type: ignore[attr-defined]


def test_the_busy_hours_are_few_when_contact_is_steady() -> None:
    contacts = contacts_only(campaign(3))
    spans = burst_spans(busy_hour_starts(per_hour(contacts)))
    hours = sum((b - a) / timedelta(hours=1) for a, b in spans)
    assert 0 < hours <= 12  # the two bursts' hours, not the four weeks
