"""Repeat victims, suspects and locations within the window."""

from recognise_factory import ever, feed, fired, hist, inc

from threadline.recognise import Thresholds, recognise


def test_repeat_victim_lists_the_incidents():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S1", category="asb"),
        inc("I2", "2026-02-03", victim="V", suspect="S2", category="theft"),
        inc("I3", "2026-03-03", victim="V", suspect="S3", category="assault"),
    ]
    _, steps = feed(events, labels={"V": "Alys Penhallow"})
    assert ever(steps[:2], "repeat_victim") == []
    [alert] = fired(steps[2], "repeat_victim")
    assert alert.alert.reason == (
        "Alys Penhallow is the victim in 3 incidents in 12 months: I1 (2026-01-03, asb); "
        "I2 (2026-02-03, theft); I3 (2026-03-03, assault)."
    )
    assert "MARAC" not in alert.alert.action


def test_incidents_outside_the_window_do_not_count():
    events = [
        inc("I1", "2025-01-03", victim="V", suspect="S1"),
        inc("I2", "2026-02-03", victim="V", suspect="S2"),
        inc("I3", "2026-03-03", victim="V", suspect="S3"),
    ]
    _, steps = feed(events)
    assert ever(steps, "repeat_victim") == []


def test_window_and_count_are_configurable():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S1"),
        inc("I2", "2026-01-20", victim="V", suspect="S2"),
    ]
    changes = recognise(
        events[1],
        hist(events[0]),
        thresholds=Thresholds(repeat_min_incidents=2, repeat_window_days=30),
    )
    assert "in 30 days" in fired(changes, "repeat_victim")[0].alert.reason


def test_domestic_repeats_prompt_a_marac_referral():
    events = [
        inc(f"I{i}", f"2026-0{i}-03", victim="V", suspect="S", category="domestic")
        for i in range(1, 4)
    ]
    _, steps = feed(events)
    [alert] = fired(steps[2], "repeat_victim")
    assert "MARAC" in alert.alert.action


def test_victim_as_witness_does_not_count_as_a_repeat_victim():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S1"),
        inc("I2", "2026-01-04", victim="X", suspect="S2", witness="V"),
        inc("I3", "2026-01-05", victim="V", suspect="S3"),
    ]
    _, steps = feed(events)
    assert ever(steps, "repeat_victim") == []


def test_repeat_location():
    events = [
        inc(f"I{i}", f"2026-01-0{i}", victim=f"V{i}", suspect=f"S{i}", location="EX1 1AA/12")
        for i in range(1, 4)
    ]
    _, steps = feed(events, labels={"EX1 1AA/12": "12 Fore Street"})
    [alert] = fired(steps[2], "repeat_location")
    assert alert.alert.reason.startswith("12 Fore Street is the location of 3 incidents")


def test_repeat_alert_is_updated_as_incidents_join():
    events = [inc(f"I{i}", f"2026-01-0{i}", victim="V", suspect=f"S{i}") for i in range(1, 5)]
    _, steps = feed(events)
    [update] = fired(steps[3], "repeat_victim")
    assert update.change == "updated"
    assert update.alert.cited == ("I1", "I2", "I3", "I4")
