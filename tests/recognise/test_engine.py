"""Incremental evaluation: raised once, updated when evidence changes, silent otherwise."""

from recognise_factory import feed, fired, hist, inc

from threadline.recognise import Recogniser, recognise

I1 = inc("I1", "2026-01-03", victim="V", suspect="S")
I2 = inc("I2", "2026-01-10", victim="V", suspect="S")


def test_alert_is_updated_not_re_raised():
    first = recognise(I2, hist(I1))
    [course] = fired(first, "course_of_conduct")
    assert course.change == "raised"
    previous = {c.alert.alert_key: c.alert for c in first}
    i3 = inc("I3", "2026-01-15", victim="V", suspect="S")
    again = recognise(i3, hist(I1, I2), previous)
    [update] = fired(again, "course_of_conduct")
    assert update.change == "updated" and update.alert.raised_on == "I2"
    assert all(c.change == "updated" for c in again if c.alert.alert_key in previous)


def test_unchanged_alert_is_not_returned_again():
    first = recognise(I2, hist(I1))
    previous = {c.alert.alert_key: c.alert for c in first}
    # The same event seen again (say, re-imported) changes nothing.
    assert recognise(I2, hist(I1, I2), previous) == []


def test_history_may_already_hold_the_new_event():
    assert recognise(I2, hist(I1, I2)) == recognise(I2, hist(I1))


def test_an_unrelated_event_touches_no_alert():
    recogniser, _ = feed([I1, I2])
    before = recogniser.alerts
    assert recogniser.observe(inc("X1", "2026-01-11", victim="A", suspect="B"), hist()) == []
    assert recogniser.alerts == before


def test_recogniser_remembers_alerts_by_key():
    recogniser = Recogniser()
    recogniser.observe(I1, hist())
    changes = recogniser.observe(I2, hist(I1))
    assert set(recogniser.alerts) == {c.alert.alert_key for c in changes}


def test_order_of_history_does_not_matter():
    i3 = inc("I3", "2026-01-15", victim="V", suspect="S")
    assert recognise(i3, hist(I1, I2)) == recognise(i3, hist(I2, I1))


def test_a_crime_re_examines_its_incidents_without_re_raising_them():
    from recognise_factory import crime

    events = [I1, I2, crime("C1", "2026-01-11", "Harassment", incidents=["I2"])]
    recogniser, steps = feed(events)
    assert [(c.change, c.alert.rule_id) for c in steps[2]] == [("cleared", "gap_no_crime")]
    assert recogniser.alerts["course_of_conduct:S->V"].incident_ref == "I2"


def test_evaluation_reads_only_the_linked_history_and_stays_quick():
    import time

    history = hist(
        *(
            inc(
                f"H{i}",
                f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00",
                victim="V",
                suspect=f"S{i % 50}",
                narrative="He followed her home and keeps texting.",
            )
            for i in range(600)
        )
    )
    event = inc("NEW", "2026-01-05", victim="V", suspect="S7")
    start = time.perf_counter()
    changes = recognise(event, history)
    assert time.perf_counter() - start < 2.0
    [course] = fired(changes, "course_of_conduct")
    assert len(course.alert.cited) == 13  # 12 earlier incidents of S7 against V, and this one
