"""Counting a victim's contacts: per sender, day and channel, silent/withheld, night, bursts, and
contacts while an order binds (the s42A(2) rule of recognise.history.Order), hand-built."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from threadline.recognise.contacts import (
    BURST_SIZE,
    Contact,
    ContactSettings,
    breach_occasions,
    bursts,
    contacts_only,
    is_night,
    summarise_contacts,
)
from threadline.recognise.history import Order

#: Family Law Act 1996 s42A(2), as the rule in recognise.history.Order.binds_from applies it.
S42A_2 = (
    "In the case of a non-molestation order made by virtue of section 45(1), a person can be "
    "guilty of an offence under this section only in respect of conduct engaged in at a time "
    "when he was aware of the existence of the order."
)

_line = iter(range(1, 10_000))


def c(
    at: datetime,
    channel: str = "whatsapp",
    kind: str = "message",
    sender: str | None = "Dan Mercer",
    direction: str | None = "incoming",
) -> Contact:
    n = next(_line)
    return Contact(at, channel, kind, sender, direction, f"h{n}", "chat.txt", n)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


#: made without notice on 1 Feb 2026, served on 10 Feb: binds from the 10th (s42A(2))
SERVED = Order(
    ref="NMO-1",
    order_type="non_molestation",
    respondent="E-dan",
    protected=("E-alys",),
    starts=date(2026, 2, 1),
    ends=date(2026, 12, 31),
    served=date(2026, 2, 10),
    on_notice=False,
)
#: protects somebody else: never counted for Alys
OTHER = Order(
    ref="NMO-9",
    order_type="non_molestation",
    respondent="E-dan",
    protected=("E-someone",),
    starts=date(2026, 1, 1),
    on_notice=True,
)


def hand_built() -> list[Contact]:
    storm = [c(utc(2026, 2, 11, 3, 0) + timedelta(seconds=30 * i)) for i in range(55)]
    return [
        c(utc(2026, 2, 5, 12, 0)),  # order made but not served: does not bind yet
        c(utc(2026, 2, 9, 23, 30), channel="sms", sender="+447700900123"),  # night, not bound
        c(utc(2026, 2, 10, 0, 30), channel="facebook"),  # the day of service: bound, night
        c(utc(2026, 2, 10, 14, 0), channel="call", kind="withheld_call", sender=None),
        *storm,  # 55 in under half an hour at 3 a.m.: a burst, night, bound
        c(utc(2026, 2, 10, 15, 0), direction="outgoing", sender="Alys"),  # hers: not a contact
        c(utc(2026, 2, 10, 15, 1), kind="system", sender=None, direction=None),  # the service's
    ]


def test_the_hand_built_case_is_counted() -> None:
    summary = summarise_contacts(hand_built(), [SERVED, OTHER], protected="E-alys")
    assert summary.total == 59
    assert summary.per_channel == {"whatsapp": 56, "sms": 1, "facebook": 1, "call": 1}
    assert summary.per_sender == {"Dan Mercer": 57, "+447700900123": 1, "(unknown)": 1}
    assert summary.per_day == {
        "2026-02-05": {"whatsapp": 1},
        "2026-02-09": {"sms": 1},
        "2026-02-10": {"facebook": 1, "call": 1},
        "2026-02-11": {"whatsapp": 55},
    }
    assert summary.silent_or_withheld == 1
    assert summary.night == 57
    assert [(b.start, b.count) for b in summary.bursts] == [(utc(2026, 2, 11, 3, 0), 55)]
    # bound from service (10 Feb), not from the grant (1 Feb): 2 on the 10th + 55 on the 11th
    assert summary.while_order_bound == {"NMO-1": 57}
    assert {o.order_ref for o in summary.occasions} == {"NMO-1"}
    assert all(o.contact.at.date() >= date(2026, 2, 10) for o in summary.occasions)


def test_s42a_2_an_order_without_notice_binds_only_from_service() -> None:
    assert "only in respect of conduct engaged in at a time" in S42A_2
    before, on_the_day = c(utc(2026, 2, 9, 20, 0)), c(utc(2026, 2, 10, 9, 0))
    occasions = breach_occasions([before, on_the_day], [SERVED])
    assert [o.contact for o in occasions] == [on_the_day]
    unserved = Order(
        ref="NMO-2",
        order_type="non_molestation",
        respondent="E-dan",
        protected=("E-alys",),
        starts=date(2026, 2, 1),
        on_notice=False,
    )
    assert breach_occasions([on_the_day], [unserved]) == []
    on_notice = Order(
        ref="NMO-3",
        order_type="non_molestation",
        respondent="E-dan",
        protected=("E-alys",),
        starts=date(2026, 2, 9),
        on_notice=True,
    )
    assert [o.order_ref for o in breach_occasions([before], [on_notice])] == ["NMO-3"]


def test_the_day_is_the_local_day() -> None:
    # 23:30 UTC on 9 July is 00:30 BST on the 10th: the day of service in the force's zone
    order = Order(
        ref="NMO-4",
        order_type="non_molestation",
        respondent="E-dan",
        protected=("E-alys",),
        starts=date(2026, 7, 1),
        served=date(2026, 7, 10),
        on_notice=False,
    )
    assert len(breach_occasions([c(utc(2026, 7, 9, 23, 30))], [order])) == 1


def test_night_is_read_in_local_time() -> None:
    assert is_night(utc(2026, 7, 1, 22, 30))  # 23:30 BST
    assert not is_night(utc(2026, 1, 1, 22, 30))  # 22:30 GMT
    assert is_night(utc(2026, 1, 1, 5, 59))
    assert not is_night(utc(2026, 1, 1, 6, 0))
    day_shift = ContactSettings(night_from=time(9), night_until=time(17))
    assert is_night(utc(2026, 1, 1, 12, 0), day_shift)


def test_a_burst_needs_the_setting_s_number_within_the_window() -> None:
    assert BURST_SIZE == 50  # issue 25's example; domain.md sets none
    start = utc(2026, 3, 1, 10, 0)
    spread = contacts_only(c(start + timedelta(minutes=2 * i)) for i in range(40))  # 80 min
    assert bursts(spread) == []
    assert [b.count for b in bursts(spread, ContactSettings(burst_size=30))] == [40]
    two = contacts_only(
        [c(start + timedelta(seconds=i)) for i in range(5)]
        + [c(start + timedelta(hours=3, seconds=i)) for i in range(5)]
    )
    found = bursts(two, ContactSettings(burst_size=5))
    assert [(b.start, b.count) for b in found] == [
        (start, 5),
        (start + timedelta(hours=3), 5),
    ]
    with pytest.raises(ValueError):
        ContactSettings(burst_size=1)
