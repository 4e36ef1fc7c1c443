"""Counting each sender's contacts once attributed (issue 25, part 3), on shapes the synthetic
force does not write.

../shared/domain.md: "Occasions, not reports (PHA 1997 s7(3)): one report can disclose conduct on
two or more occasions ('a dozen texts after she told him to stop')"; "Non-molestation order breach
(Family Law Act 1996 s42A) ... An order made without notice binds only once the respondent is
aware of it (s42A(2)); one made on notice binds from when it is made, so a breach on the day of the
hearing counts."
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from threadline.recognise.attribution import Attribution, Message, Report
from threadline.recognise.history import Order
from threadline.recognise.senders import count_senders

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def msg(sender: str | None, minutes: int, text: str = "hello", **kw: object) -> Message:
    values: dict[str, object] = {
        "at": T0 + timedelta(minutes=minutes),
        "channel": "sms",
        "kind": "message",
        "sender": sender,
        "direction": "incoming",
        "text": text,
        "thread": None,
        "file": "log.csv",
        "line": minutes + 2,
    }
    values.update(kw)
    return Message(**values)  # type: ignore[arg-type]


HIS = Attribution("07700 900111", "phone", "+447700900111", "attributed", "S")
OTHER = Attribution("07700 900222", "phone", "+447700900222", "unattributed")


def test_her_text_to_his_number_in_a_call_log_tells_him_and_not_the_others() -> None:
    messages = [
        msg("07700 900111", 0),
        msg("07700 900222", 1),
        msg("Amy", 10, "quit texting me", direction="outgoing", recipients=("07700 900111",)),
        *(msg("07700 900111", 20 + i) for i in range(3)),
        msg("07700 900222", 30),
    ]
    counts = count_senders(messages, [HIS, OTHER], [], [], "V")
    assert counts["07700 900111"].after_stop == 3
    assert counts["07700 900111"].told_how == {
        "message": {"at": (T0 + timedelta(minutes=10)).isoformat(), "channel": "sms",
                    "file": "log.csv", "line": 12}
    }  # fmt: skip
    assert counts["07700 900222"].told_to_stop_at is None  # she did not tell that number
    assert counts["07700 900222"].after_stop == 0


def test_her_report_that_she_told_him_counts_from_when_it_was_reported() -> None:
    report = Report("I7", T0 + timedelta(minutes=15), "She has asked him not to call her.", ("S",))
    messages = [msg("07700 900111", m) for m in (0, 10, 16, 17)]
    counts = count_senders(messages, [HIS], [report], [], "V")["07700 900111"]
    assert counts.after_stop == 2 and counts.told_how == {"report": "I7"}


def test_contacts_while_an_order_binds_him_are_breach_occasions_of_it() -> None:
    days = [msg("07700 900111", 60 * 24 * d) for d in range(6)]  # 1 to 6 March
    made = date(2025, 3, 2)
    without_notice_served_on_4th = Order(
        "NMO-1", "non_molestation", "S", ("V",), made, served=date(2025, 3, 4)
    )
    on_notice = Order("NMO-2", "non_molestation", "S", ("V",), made, on_notice=True)
    not_served = Order("NMO-3", "non_molestation", "S", ("V",), made, on_notice=False)
    someone_else = Order("NMO-4", "non_molestation", "T", ("V",), made, on_notice=True)
    orders = [without_notice_served_on_4th, on_notice, not_served, someone_else]
    counts = count_senders(days, [HIS], [], orders, "V")["07700 900111"]
    assert counts.while_bound == {"NMO-1": 3, "NMO-2": 5}
    assert [c["at"][:10] for c in counts.cited["while_bound"]["NMO-1"]] == [
        "2025-03-04", "2025-03-05", "2025-03-06",
    ]  # fmt: skip
    # an unattributed sender is nobody's breach
    assert count_senders(days, [OTHER], [], orders, "V")["07700 900111"].while_bound == {}


def test_her_own_messages_and_service_lines_are_not_contacts() -> None:
    messages = [
        msg("07700 900111", 0),
        msg("Amy", 1, direction="outgoing"),
        msg(None, 2, kind="system", text="Messages are end-to-end encrypted."),
    ]
    counts = count_senders(messages, [HIS], [], [], "V")
    assert set(counts) == {"07700 900111"} and counts["07700 900111"].contacts == 1
