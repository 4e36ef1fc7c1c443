"""Recording gaps, each with the near miss that must stay quiet."""

from recognise_factory import crime, ever, feed, fired, inc, order

NMO = order("NMO-123", "S", "V", "2026-03-02", "2027-03-01")


def test_course_of_conduct_with_no_crime_is_a_gap():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-10", victim="V", suspect="S"),
    ]
    _, steps = feed(events)
    [gap] = fired(steps[1], "gap_no_crime")
    assert gap.alert.reason.startswith("No crime is recorded on any of the 2 incidents (I1 and I2)")
    assert "24 hours" in gap.alert.action


def test_course_of_conduct_with_a_crime_on_one_incident_is_not_a_gap():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", crimes=["C1"]),
        inc("I2", "2026-01-10", victim="V", suspect="S"),
    ]
    _, steps = feed(events)
    assert ever(steps, "gap_no_crime") == []


def test_crime_linked_from_the_crime_side_counts_too():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        crime("C1", "2026-01-04", "Harassment", incidents=["I1"]),
        inc("I2", "2026-01-10", victim="V", suspect="S"),
    ]
    _, steps = feed(events)
    assert ever(steps, "gap_no_crime") == []


STALKING = [
    inc(
        "I1",
        "2026-01-03",
        victim="V",
        suspect="S",
        narrative="He followed her home.",
        crimes=["C1"],
    ),
    crime("C1", "2026-01-04", "Harassment without violence", code="8L", incidents=["I1"]),
    inc(
        "I2",
        "2026-01-10",
        victim="V",
        suspect="S",
        category="malicious_communications",
        narrative="Dozens of messages from a new number.",
        crimes=["C2"],
    ),
    crime("C2", "2026-01-11", "Malicious communications", incidents=["I2"]),
]


def test_stalking_recorded_only_as_harassment_and_malicious_communications_is_a_gap():
    _, steps = feed(STALKING)
    [raised] = fired(steps[2], "gap_stalking_recorded_as_lesser")
    assert "(C1)" in raised.alert.reason
    # The second crime arrives: same alert, updated with it.
    [gap] = fired(steps[3], "gap_stalking_recorded_as_lesser")
    assert gap.change == "updated"
    assert "recorded only as harassment without violence and malicious communications" in (
        gap.alert.reason
    )
    assert "(C1 and C2)" in gap.alert.reason
    assert "8Q" in gap.alert.action


def test_gap_is_cleared_when_the_crime_is_recorded_as_stalking():
    events = [
        *STALKING[:3],
        crime(
            "C2", "2026-01-11", "Stalking involving fear of violence", code="8Q", incidents=["I2"]
        ),
    ]
    recogniser, steps = feed(events)
    [cleared] = fired(steps[3], "gap_stalking_recorded_as_lesser")
    assert cleared.change == "cleared"
    assert cleared.alert.alert_key == "gap_stalking_recorded_as_lesser:S->V"
    assert "gap_stalking_recorded_as_lesser:S->V" not in recogniser.alerts


def test_harassment_without_stalking_behaviours_recorded_as_harassment_is_not_a_gap():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", crimes=["C1"]),
        crime("C1", "2026-01-04", "Harassment", incidents=["I1"]),
        inc("I2", "2026-01-10", victim="V", suspect="S", narrative="Argument in the street."),
    ]
    _, steps = feed(events)
    assert ever(steps, "gap_stalking_recorded_as_lesser") == []


def test_breach_with_no_crime_is_a_gap():
    event = inc("I1", "2026-03-10", victim="V", suspect="S", category="breach_of_order")
    _, steps = feed([event], orders=[NMO])
    [gap] = fired(steps[0], "gap_breach_no_crime")
    assert gap.alert.reason == (
        "I1 reports a breach of the non-molestation order NMO-123, but no crime is recorded on it."
    )
    assert "as a crime (breach of a non-molestation order, Family Law Act 1996 s42A" in (
        gap.alert.action
    )


def test_breach_with_a_crime_is_not_a_gap():
    event = inc("I1", "2026-03-10", victim="V", suspect="S", crimes=["C9"])
    _, steps = feed([event], orders=[NMO])
    assert fired(steps[0], "order_breach")
    assert ever(steps, "gap_breach_no_crime") == []


def test_domestic_incident_without_dash_is_a_gap():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", category="domestic"),
        inc(
            "I2", "2026-01-04", victim="V", suspect="S", category="assault", qualifiers=["domestic"]
        ),
    ]
    _, steps = feed(events)
    assert "(category domestic)" in fired(steps[0], "gap_domestic_no_dash")[0].alert.reason
    assert "(domestic qualifier)" in fired(steps[1], "gap_domestic_no_dash")[0].alert.reason


def test_domestic_incident_with_dash_or_non_domestic_is_not_a_gap():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", category="domestic"),
        inc("I2", "2026-01-04", victim="V", suspect="S", category="assault"),
    ]
    _, steps = feed(events, dash=["I1"])
    assert ever(steps, "gap_domestic_no_dash") == []


def test_history_never_viewed_is_a_gap_only_when_there_is_history():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", viewed=False),
        inc("I2", "2026-01-04", victim="V", suspect="X", viewed=False),
        inc("I3", "2026-01-05", victim="Z", suspect="Y", viewed=False),
    ]
    _, steps = feed(events)
    assert fired(steps[0], "gap_history_not_viewed") == []
    [gap] = fired(steps[1], "gap_history_not_viewed")
    assert "shares people or places with 1 earlier incident (I1)" in gap.alert.reason
    assert fired(steps[2], "gap_history_not_viewed") == []


def test_history_viewed_or_not_yet_known_is_not_a_gap():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-04", victim="V", suspect="S", viewed=True),
        inc("I3", "2026-01-05", victim="V", suspect="S", viewed=None),
    ]
    _, steps = feed(events)
    assert ever(steps, "gap_history_not_viewed") == []


def test_gap_no_crime_is_cleared_when_a_crime_is_recorded():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-10", victim="V", suspect="S"),
        crime("C1", "2026-01-11", "Harassment", incidents=["I2"]),
    ]
    recogniser, steps = feed(events)
    assert fired(steps[1], "gap_no_crime")[0].change == "raised"
    assert [c.change for c in fired(steps[2], "gap_no_crime")] == ["cleared"]
    assert not any(k.startswith("gap_no_crime") for k in recogniser.alerts)


def test_dash_gap_is_cleared_when_the_incident_is_seen_again_with_an_assessment():
    from recognise_factory import hist

    from threadline.recognise import recognise

    event = inc("I1", "2026-01-03", victim="V", suspect="S", category="domestic")
    [raised] = recognise(event, hist())
    assert raised.alert.rule_id == "gap_domestic_no_dash"
    previous = {raised.alert.alert_key: raised.alert}
    [cleared] = recognise(event, hist(dash=["I1"]), previous)
    assert cleared.change == "cleared" and cleared.alert == raised.alert


def test_breach_gap_is_cleared_when_a_crime_is_recorded_on_the_breach():
    events = [
        inc("I1", "2026-03-10", victim="V", suspect="S", category="breach_of_order"),
        crime("C1", "2026-03-11", "Breach of non-molestation order", incidents=["I1"]),
    ]
    _, steps = feed(events, orders=[NMO])
    assert fired(steps[0], "gap_breach_no_crime")[0].change == "raised"
    assert [c.change for c in steps[1]] == ["cleared"]
    assert steps[1][0].alert.rule_id == "gap_breach_no_crime"
