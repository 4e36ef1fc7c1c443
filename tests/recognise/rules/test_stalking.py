"""Course of conduct, think stalking and escalation, with the near misses that must stay quiet."""

from recognise_factory import ever, feed, fired, inc

from threadline.recognise import Association

NAMES = {"V": "Alys Penhallow", "S": "Gareth Tregothnan", "M": "Morwenna Penhallow"}


# -- course of conduct -------------------------------------------------------------------------


def test_course_of_conduct_fires_at_the_second_incident_and_is_updated_after():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-10", victim="V", suspect="S"),
        inc("I3", "2026-01-20", victim="V", suspect="S"),
    ]
    recogniser, steps = feed(events, labels=NAMES)
    assert fired(steps[0], "course_of_conduct") == []
    [raised] = fired(steps[1], "course_of_conduct")
    assert raised.change == "raised"
    assert raised.alert.alert_key == "course_of_conduct:S->V"
    assert raised.alert.cited == ("I1", "I2")
    assert "Gareth Tregothnan is the suspect in 2 incidents against Alys Penhallow" in (
        raised.alert.reason
    )
    [updated] = fired(steps[2], "course_of_conduct")
    assert updated.change == "updated"
    assert updated.alert.alert_key == raised.alert.alert_key
    assert updated.alert.cited == ("I1", "I2", "I3")
    assert updated.alert.raised_on == "I2" and updated.alert.incident_ref == "I3"
    assert updated.previous == raised.alert
    assert recogniser.alerts["course_of_conduct:S->V"] == updated.alert


def test_common_name_with_different_entities_is_nothing():
    # Two "Alys Penhallow"s resolved to different entities, two different suspects.
    events = [
        inc("I1", "2026-01-03", victim="V1", suspect="S1"),
        inc("I2", "2026-01-10", victim="V2", suspect="S2"),
    ]
    _, steps = feed(events, labels={"V1": "Alys Penhallow", "V2": "Alys Penhallow"})
    assert steps == [[], []]


def test_two_incidents_sharing_only_a_witness_are_not_a_course_of_conduct():
    events = [
        inc("I1", "2026-01-03", victim="A", suspect="B", witness="W"),
        inc("I2", "2026-01-10", victim="C", suspect="D", witness="W"),
    ]
    _, steps = feed(events)
    assert ever(steps, "course_of_conduct") == []


def test_prolific_offender_with_different_victims_is_not_a_course_of_conduct():
    events = [
        inc("I1", "2026-01-03", victim="A", suspect="S"),
        inc("I2", "2026-01-10", victim="B", suspect="S"),
        inc("I3", "2026-01-17", victim="C", suspect="S"),
    ]
    _, steps = feed(events)
    assert ever(steps, "course_of_conduct") == []
    [repeat] = fired(steps[2], "repeat_suspect")
    assert repeat.alert.details["victims"] == ["A", "B", "C"]
    assert "3 different victims" in repeat.alert.action


def test_repeat_victim_with_different_suspects_is_a_repeat_victim_not_a_course_of_conduct():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S1"),
        inc("I2", "2026-01-10", victim="V", suspect="S2"),
        inc("I3", "2026-01-17", victim="V", suspect="S3"),
    ]
    _, steps = feed(events)
    assert ever(steps, "course_of_conduct") == []
    [repeat] = fired(steps[2], "repeat_victim")
    assert repeat.alert.cited == ("I1", "I2", "I3")


def test_contact_with_the_victims_family_joins_the_course_of_conduct():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-06", victim="M", suspect="S", narrative="He rang asking where V is."),
    ]
    _, steps = feed(events, associations=[Association("V", "M", "family")], labels=NAMES)
    [course] = fired(steps[1], "course_of_conduct")
    assert course.alert.cited == ("I1", "I2")
    assert "contact through Morwenna Penhallow (family) in I2" in course.alert.reason
    assert "M" in course.alert.people


def test_abuse_of_the_victim_is_not_contact_through_her_in_her_familys_series():
    # S targets V (twice), and once her mother M; V's own incidents are not "contact through V"
    # in a course of conduct against M.
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-06", victim="M", suspect="S"),
        inc("I3", "2026-01-09", victim="V", suspect="S"),
    ]
    _, steps = feed(events, associations=[Association("V", "M", "family")])
    keys = {c.alert.alert_key for c in ever(steps, "course_of_conduct")}
    assert keys == {"course_of_conduct:S->V"}


def test_family_contact_without_the_victim_is_not_the_victims_course_of_conduct():
    events = [
        inc("I1", "2026-01-03", victim="M", suspect="S"),
        inc("I2", "2026-01-06", victim="B", suspect="S"),
    ]
    ties = [Association("V", "M", "family"), Association("V", "B", "family")]
    _, steps = feed(events, associations=ties)
    assert ever(steps, "course_of_conduct") == []


# -- counter-allegations -----------------------------------------------------------------------

NEIGHBOURS = [
    inc(
        "N1",
        "2026-02-01",
        victim="A",
        suspect="B",
        category="neighbour_dispute",
        narrative="Caller says the neighbour is playing loud music late at night.",
    ),
    inc(
        "N2",
        "2026-02-04",
        victim="B",
        suspect="A",
        category="neighbour_dispute",
        narrative="Neighbour shouting over the fence about the hedge.",
    ),
    inc(
        "N3",
        "2026-02-09",
        victim="A",
        suspect="B",
        category="harassment",
        narrative="Further argument about parking, verbal abuse exchanged.",
    ),
    inc(
        "N4",
        "2026-02-12",
        victim="B",
        suspect="A",
        category="harassment",
        narrative="Caller says neighbour swore at him in the street.",
    ),
]


def test_counter_allegations_are_a_course_of_conduct_each_way_but_not_stalking():
    _, steps = feed(NEIGHBOURS)
    [a_to_b] = fired(steps[2], "course_of_conduct")
    assert a_to_b.alert.alert_key == "course_of_conduct:B->A"
    assert a_to_b.alert.details["counter_allegation"] == {"incidents": ["N2"]}
    assert "primary aggressor" in a_to_b.alert.action
    keys = {c.alert.alert_key for c in fired(steps[3], "course_of_conduct")}
    assert keys == {"course_of_conduct:A->B", "course_of_conduct:B->A"}
    assert ever(steps, "think_stalking") == []


def test_mutual_criminal_damage_by_category_alone_is_not_stalking():
    events = [
        inc("D1", "2026-02-01", victim="A", suspect="B", category="criminal_damage"),
        inc("D2", "2026-02-03", victim="B", suspect="A", category="criminal_damage"),
        inc("D3", "2026-02-05", victim="A", suspect="B", category="criminal_damage"),
    ]
    _, steps = feed(events)
    assert ever(steps, "think_stalking") == []
    assert fired(steps[2], "course_of_conduct")


def test_a_neighbour_needs_a_described_behaviour_to_be_think_stalking() -> None:
    """Two houses feuding: she damaged the fence of the woman next door twice, while the rest of
    each household accuse each other. A category alone is not stalking; watching her is."""
    feud = [
        inc("F1", "2026-02-01", victim="A", suspect="B", category="criminal_damage",
            relationship="neighbour"),
        inc("F2", "2026-02-09", victim="A", suspect="B", category="criminal_damage",
            relationship="neighbour"),
    ]  # fmt: skip
    _, steps = feed(feud)
    assert fired(steps[1], "course_of_conduct")
    assert ever(steps, "think_stalking") == []
    watching = "She has been watching her house from the window all day."
    third = inc("F3", "2026-02-12", victim="A", suspect="B", relationship="neighbour",
                narrative=watching)  # fmt: skip
    watched = [*feud, third]
    _, steps = feed(watched)
    assert fired(steps[2], "think_stalking")


# -- think stalking ----------------------------------------------------------------------------

STALKING = [
    inc(
        "I1",
        "2026-01-03",
        victim="V",
        suspect="S",
        relationship="former_partner",
        narrative="Ex-partner keeps texting; she has told him to stop.",
    ),
    inc(
        "I2",
        "2026-01-08",
        victim="V",
        suspect="S",
        relationship="former_partner",
        narrative="He followed her home from the station.",
    ),
    inc(
        "I3",
        "2026-01-11",
        victim="V",
        suspect="S",
        relationship="former_partner",
        category="malicious_communications",
        narrative="Messages from a new number after she blocked him.",
    ),
]


def test_think_stalking_lists_each_behaviour_with_its_incident():
    _, steps = feed(STALKING, labels=NAMES)
    [raised] = fired(steps[1], "think_stalking")
    assert raised.alert.severity == "high"
    assert 'contact by any means after being told to stop (I1: "' in raised.alert.reason
    assert 'following (I2: "followed her")' in raised.alert.reason
    assert "S-DASH" in raised.alert.action
    assert "since April 2020" in raised.alert.action
    [updated] = fired(steps[2], "think_stalking")
    assert updated.change == "updated"
    assert "new accounts or numbers to get round blocks (I3" in updated.alert.reason
    behaviours = {(b["behaviour"], b["incident"]) for b in updated.alert.details["behaviours"]}
    assert ("new_accounts", "I3") in behaviours
    assert updated.alert.details["four"]["repeated"] == "3 incidents reported"
    assert updated.alert.details["four"]["unwanted"]


def test_course_of_conduct_without_behaviours_is_not_think_stalking():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", narrative="Verbal argument in the pub."),
        inc("I2", "2026-01-09", victim="V", suspect="S", narrative="Another argument."),
    ]
    _, steps = feed(events)
    assert fired(steps[1], "course_of_conduct")
    assert ever(steps, "think_stalking") == []


def test_negated_behaviour_does_not_make_think_stalking():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S", narrative="Argument at the door."),
        inc(
            "I2",
            "2026-01-09",
            victim="V",
            suspect="S",
            narrative="No sign of anyone following her; he has not turned up at her work.",
        ),
    ]
    _, steps = feed(events)
    assert ever(steps, "think_stalking") == []


def test_contact_through_family_is_a_stalking_behaviour():
    events = [
        inc("I1", "2026-01-03", victim="V", suspect="S"),
        inc("I2", "2026-01-06", victim="M", suspect="S"),
    ]
    _, steps = feed(events, associations=[Association("V", "M", "family")], labels=NAMES)
    [alert] = fired(steps[1], "think_stalking")
    assert "contacting family, friends or colleagues (I2" in alert.alert.reason


def test_former_partner_note_only_for_a_former_partner():
    events = [
        inc(
            "I1",
            "2026-01-03",
            victim="V",
            suspect="S",
            relationship="acquaintance",
            narrative="He followed her to the gym.",
        ),
        inc("I2", "2026-01-06", victim="V", suspect="S", narrative="He followed her again."),
    ]
    _, steps = feed(events)
    [alert] = fired(steps[1], "think_stalking")
    assert "April 2020" not in alert.alert.action


# -- escalation --------------------------------------------------------------------------------


def test_incidents_coming_faster_is_escalation():
    days = ["2026-01-01", "2026-01-21", "2026-02-10", "2026-02-13", "2026-02-15"]
    events = [inc(f"I{i}", d, victim="V", suspect="S") for i, d in enumerate(days, 1)]
    _, steps = feed(events)
    assert ever(steps[:4], "escalation") == []
    [alert] = fired(steps[4], "escalation")
    assert "coming faster" in alert.alert.reason
    assert alert.alert.details["intervals_days"] == [20.0, 20.0, 3.0, 2.0]


def test_steady_series_is_not_escalation():
    days = ["2026-01-01", "2026-01-08", "2026-01-15", "2026-01-22", "2026-01-29"]
    events = [inc(f"I{i}", d, victim="V", suspect="S") for i, d in enumerate(days, 1)]
    _, steps = feed(events)
    assert ever(steps, "escalation") == []


def test_rising_harm_is_escalation():
    events = [
        inc("I1", "2026-01-01", victim="V", suspect="S", category="malicious_communications"),
        inc("I2", "2026-01-15", victim="V", suspect="S", category="harassment"),
        inc("I3", "2026-02-01", victim="V", suspect="S", category="assault"),
    ]
    _, steps = feed(events)
    [alert] = fired(steps[2], "escalation")
    assert "harm is rising: I3 (assault, severity 4)" in alert.alert.reason
    assert alert.alert.details["severities"] == {"I1": 2, "I2": 2, "I3": 4}


def test_same_harm_is_not_escalation():
    events = [
        inc(f"I{i}", f"2026-01-{i * 7:02d}", victim="V", suspect="S", category="assault")
        for i in range(1, 4)
    ]
    _, steps = feed(events)
    assert ever(steps, "escalation") == []
