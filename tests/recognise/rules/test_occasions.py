"""Occasions, not reports; s4A(1)(b)(ii); one crime for one course of conduct.

Each test quotes the rule it implements (``/work/shared/domain.md``, "Law and recording rules").
"""

from recognise_factory import crime, feed, fired, inc

from threadline.recognise.occasions import daily_life_affected, several_occasions

DOZEN = "He sent her a dozen texts after she told him to stop."


def test_one_report_describing_several_occasions_is_a_course_of_conduct():
    """PHA 1997 s7(3): "A course of conduct is conduct on at least 2 occasions ... one report can
    disclose conduct on two or more occasions ("a dozen texts after she told him to stop"); then
    the course of conduct ... start[s] with that report"."""
    _, steps = feed([inc("I1", "2026-03-03", victim="V", suspect="S", narrative=DOZEN)])
    [course] = [c.alert for c in fired(steps[0], "course_of_conduct")]
    assert course.reason.startswith("S is the suspect in 1 incident against V (I1)")
    assert 'I1: "a dozen texts"' in course.reason
    assert "Conduct on at least 2 occasions is a course of conduct" in course.reason
    assert "s7(3)" in course.reason
    assert course.details["occasions"] == 2 and course.details["evident_at"] == "I1"


def test_one_report_of_one_occasion_is_not_yet_a_course_of_conduct():
    once = inc("I1", "2026-03-03", victim="V", suspect="S", narrative="He sent her one text.")
    _, steps = feed([once])
    assert not fired(steps[0], "course_of_conduct")
    denied = inc("I1", "2026-03-03", victim="V", suspect="S",
                 narrative="She says he has not called her every day, only once.")  # fmt: skip
    _, steps = feed([denied])
    assert not fired(steps[0], "course_of_conduct")


def test_the_ncrs_clock_starts_at_the_report_that_discloses_the_occasions():
    """NCRS: record "within 24 hours"; "the course of conduct, and the NCRS 24-hour clock, start
    with that report"."""
    first = inc("I1", "2026-03-03", victim="V", suspect="S",
                narrative="He has been outside her house every night this week.")  # fmt: skip
    _, steps = feed([first])
    [gap] = [c.alert for c in fired(steps[0], "gap_no_crime")]
    assert gap.details["evident_at"] == "I1"
    assert gap.details["crime_due_by"] == "2026-03-04T12:00:00+00:00"
    assert "disclosed by I1" in gap.action and "24 hours from that report" in gap.action


def test_two_reports_of_one_occasion_each_start_the_clock_at_the_second():
    events = [
        inc("I1", "2026-03-03", victim="V", suspect="S", narrative="He shouted at her."),
        inc("I2", "2026-03-05", victim="V", suspect="S", narrative="He shouted at her."),
    ]
    _, steps = feed(events)
    [gap] = [c.alert for c in fired(steps[1], "gap_no_crime")]
    assert gap.details["evident_at"] == "I2"
    assert gap.details["crime_due_by"] == "2026-03-06T12:00:00+00:00"


def test_s4a_is_prompted_when_day_to_day_activities_are_substantially_affected():
    """PHA 1997 s4A(1)(b)(ii): stalking involving "serious alarm or distress with a substantial
    adverse effect on day-to-day activities"."""
    events = [
        inc("I1", "2026-03-03", victim="V", suspect="S", narrative="He followed her home."),
        inc("I2", "2026-03-05", victim="V", suspect="S",
            narrative="He turned up at her work. She is too frightened to leave the house."),
    ]  # fmt: skip
    _, steps = feed(events)
    [alert] = [c.alert for c in fired(steps[1], "stalking_s4a")]
    assert 'I2 says "too frightened to leave"' in alert.reason
    assert "s4A(1)(b)(ii)" in alert.action
    assert alert.details["section"] == "Protection from Harassment Act 1997 s4A(1)(b)(ii)"


def test_s4a_is_not_prompted_without_an_effect_on_daily_life():
    events = [
        inc("I1", "2026-03-03", victim="V", suspect="S", narrative="He followed her home."),
        inc("I2", "2026-03-05", victim="V", suspect="S", narrative="He turned up at her work."),
    ]
    _, steps = feed(events)
    assert not fired(steps[1], "stalking_s4a")


def test_record_8q_says_to_reclassify_the_earlier_crimes_of_the_course_of_conduct():
    """Home Office Counting Rules (domain.md, "One crime for one course of conduct"): "a course
    of conduct against one victim is one crime; earlier crimes recorded for parts of it
    (malicious communications, criminal damage) are reviewed and reclassified, not counted
    beside it"."""
    events = [
        inc("I1", "2026-03-03", victim="V", suspect="S", narrative="He followed her home.",
            crimes=["C1"]),
        crime("C1", "2026-03-04", "Malicious communications", incidents=["I1"]),
        inc("I2", "2026-03-05", victim="V", suspect="S", narrative="He turned up at her work."),
    ]  # fmt: skip
    _, steps = feed(events)
    [think] = [c.alert for c in fired(steps[2], "think_stalking")]
    assert "reclassify the crimes already recorded for parts of it (C1)" in think.action
    assert "a course of conduct against one victim is one crime" in think.action
    [lesser] = [c.alert for c in fired(steps[2], "gap_stalking_recorded_as_lesser")]
    assert "reclassify C1 into that one crime rather than count them beside it" in lesser.action


def test_the_narrative_finders_on_wordings_they_were_not_written_from():
    several = [
        "she has received 40 calls from withheld numbers",
        "he messaged her dozens of times over the weekend",
        "he rang twice a night",
        "he has been sat outside day after day",
    ]
    for text in several:
        assert several_occasions(text), text
    for text in ("he rang once", "he called at 2 in the morning", "he sent 1 text"):
        assert several_occasions(text) is None, text
    affected = [
        "Victim now too scared to go to work on her own",
        "She has stopped using Facebook because of him",
        "IP had to move house to get away from him",
        "she is off work with anxiety",
    ]
    for text in affected:
        assert daily_life_affected(text), text
    for text in ("he moved out in January", "she went to work as usual", "she is not scared"):
        assert daily_life_affected(text) is None, text
