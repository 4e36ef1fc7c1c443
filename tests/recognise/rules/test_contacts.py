"""Communications evidence in recognition (issue 25, part 3).

../shared/domain.md, Law and recording rules:
- "Occasions, not reports (PHA 1997 s7(3)): one report can disclose conduct on two or more
  occasions ('a dozen texts after she told him to stop')";
- s2A: stalking is harassment plus acts associated with stalking, among them "contacting or
  attempting to contact by any means";
- "Non-molestation order breach (Family Law Act 1996 s42A): a criminal offence (max 5 years). An
  order made without notice binds only once the respondent is aware of it (s42A(2))";
- "Think stalking first; FOUR: Fixated, Obsessive, Unwanted, Repeated."
"""

from recognise_factory import contact, feed, fired, inc, order


def test_contacts_after_being_told_to_stop_cite_the_messages_and_s7_3() -> None:
    events = [inc("I1", "2026-03-10", victim="V", suspect="S")]
    texts = contact(
        "S", "V", 40, "2026-03-01", "2026-03-09", after_stop=12, told="2026-03-03T21:00"
    )
    _, steps = feed(events, contacts=[texts])
    (change,) = fired(steps[-1], "contact_after_stop")
    reason = change.alert.reason
    assert "12 times after being told to stop" in reason
    assert "her message whatsapp 2026-03-03 21:00" in reason
    assert "whatsapp 2026-03-03 21:01" in reason and "and 9 more" in reason
    assert "s7(3)" in reason and "s2A" in reason
    assert change.alert.cited == ("I1",)
    assert len(change.alert.details["messages"]) == 5  # type: ignore[arg-type]


def test_told_in_a_report_and_one_contact_after_is_not_a_course() -> None:
    events = [inc("I1", "2026-03-10", victim="V", suspect="S")]
    once = contact("S", "V", 3, "2026-03-01", "2026-03-09", after_stop=1, told="2026-03-05",
                   told_in="I0")  # fmt: skip
    _, steps = feed(events, contacts=[once])
    assert not fired(steps[-1], "contact_after_stop")
    twice = contact("S", "V", 3, "2026-03-01", "2026-03-09", after_stop=2, told="2026-03-05",
                    told_in="I0")  # fmt: skip
    _, steps = feed(events, contacts=[twice])
    (change,) = fired(steps[-1], "contact_after_stop")
    assert "as she said in I0" in change.alert.reason


def test_contacts_of_someone_else_or_to_someone_else_do_not_count() -> None:
    events = [inc("I1", "2026-03-10", victim="V", suspect="S")]
    other = contact("T", "V", 40, "2026-03-01", "2026-03-09", after_stop=12, told="2026-03-03")
    to_mum = contact("S", "M", 40, "2026-03-01", "2026-03-09", after_stop=12, told="2026-03-03")
    _, steps = feed(events, contacts=[other, to_mum])
    assert not fired(steps[-1], "contact_after_stop")


def test_each_contact_while_the_order_binds_is_a_breach_occasion_of_it() -> None:
    events = [inc("I1", "2026-04-10", victim="V", suspect="S")]
    nmo = order("NMO-1", "S", "V", "2026-03-10")
    texts = contact("S", "V", 90, "2026-03-01", "2026-04-09", while_bound={"NMO-1": 57})
    _, steps = feed(events, orders=[nmo], contacts=[texts])
    (change,) = fired(steps[-1], "contact_while_order_binds")
    assert "57 times on days the non-molestation order NMO-1 bound them" in change.alert.reason
    assert "Family Law Act 1996 s42A" in change.alert.reason
    assert change.alert.cited[0] == "NMO-1"
    assert change.alert.details["occasions"] == 57
    # another person's order, or none on those days: nothing
    theirs = order("NMO-2", "T", "V", "2026-03-10")
    _, steps = feed(events, orders=[theirs], contacts=[texts])
    assert not fired(steps[-1], "contact_while_order_binds")


def test_repeated_obsessive_and_night_contact_say_think_stalking() -> None:
    events = [inc("I1", "2026-04-10", victim="V", suspect="S")]
    texts = contact(
        "S", "V", 400, "2026-03-01", "2026-04-09", night=60,
        bursts=[("2026-03-05T00:30", "2026-03-05T01:20", 55)],
    )  # fmt: skip
    _, steps = feed(events, contacts=[texts])
    (change,) = fired(steps[-1], "contact_pattern")
    assert "Repeated: 400 contacts over 40 days" in change.alert.reason
    assert "Obsessive: 1 bursts, the largest 55 in an hour" in change.alert.reason
    assert "60 at night" in change.alert.reason
    # a couple of daytime messages are not a pattern
    few = contact("S", "V", 2, "2026-03-01", "2026-03-02")
    _, steps = feed(events, contacts=[few])
    assert not fired(steps[-1], "contact_pattern")


def test_contact_rising_week_on_week_is_escalation() -> None:
    events = [inc("I1", "2026-04-10", victim="V", suspect="S")]
    weeks = ["2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02",
             "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]  # fmt: skip
    rising = dict(zip(weeks, (10, 10, 10, 10, 20, 25, 30, 45), strict=True))
    texts = contact("S", "V", 160, "2026-02-09", "2026-04-05", per_week=rising, night=10)
    _, steps = feed(events, contacts=[texts])
    (change,) = fired(steps[-1], "contact_pattern")
    assert "Escalating: 30 a week over the last 4 weeks, up from 10 a week" in change.alert.reason
    steady = dict(zip(weeks, (20,) * 8, strict=True))
    flat = contact("S", "V", 160, "2026-02-09", "2026-04-05", per_week=steady, night=10)
    _, steps = feed(events, contacts=[flat])
    (change,) = fired(steps[-1], "contact_pattern")
    assert "Escalating" not in change.alert.reason


def test_one_report_and_his_messages_are_a_course_of_conduct() -> None:
    # s7(3): conduct on at least 2 occasions; one report, and forty attributed messages
    events = [inc("I1", "2026-03-10", victim="V", suspect="S", narrative="He turned up.")]
    _, steps = feed(events)
    assert not fired(steps[-1], "course_of_conduct")
    texts = contact("S", "V", 40, "2026-03-01T08:00", "2026-03-09T23:30",
                    channels={"whatsapp": 30, "sms": 10})  # fmt: skip
    _, steps = feed(events, contacts=[texts])
    (change,) = fired(steps[-1], "course_of_conduct")
    assert (
        "and 40 contacts in V's communications evidence (whatsapp 30 and sms 10; from "
        "2026-03-01 08:00 to 2026-03-09 23:30)" in change.alert.reason
    )
    assert change.alert.details["contacts"] == 40
    assert change.alert.details["occasions"] == 41
