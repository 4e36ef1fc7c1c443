from datetime import UTC, datetime, timedelta

import pytest

from threadline.risk import (
    OWED_RULES,
    AssessmentFacts,
    Grade,
    IncidentFacts,
    OwedSettings,
    owed_assessments,
    owed_dash,
    owed_safety_plans,
    owed_sdash,
)
from threadline.risk.owed import describe_duration

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
H = timedelta(hours=1)


def inc(ref="INC-1", at=T0, domestic=True, officer="PC 4411", victim="P-1", suspect="P-2", **kw):
    return IncidentFacts(ref, at, domestic, officer, victim, suspect, **kw)


def dash(ref="RA-1", incident="INC-1", at=T0, **kw):
    return AssessmentFacts(ref, incident, "dash", at, **kw)


def sdash(ref="SD-1", incident="INC-2", at=T0, **kw):
    return AssessmentFacts(ref, incident, "sdash", at, **kw)


def test_dash_done_at_23_hours_is_not_owed():
    assert owed_dash([inc()], [dash(at=T0 + 23 * H)], now=T0 + 72 * H) == []


def test_dash_done_exactly_at_the_deadline_is_on_time():
    assert owed_dash([inc()], [dash(at=T0 + 24 * H)], now=T0 + 72 * H) == []


def test_dash_done_at_25_hours_is_owed_as_late():
    [owed] = owed_dash([inc()], [dash(at=T0 + 25 * H)], now=T0 + 72 * H)
    assert owed.rule_id == "dash_late"
    assert (owed.incident_ref, owed.officer) == ("INC-1", "PC 4411")
    assert owed.reason == (
        "DASH RA-1 for domestic incident INC-1 was completed 25 hours after the report, "
        "1 hour past the deadline of 24 hours; officer PC 4411"
    )
    assert owed.due_at == T0 + 24 * H


def test_no_dash_before_the_deadline_is_not_owed_yet():
    assert owed_dash([inc()], [], now=T0 + 23 * H) == []
    assert owed_dash([inc()], [], now=T0 + 24 * H) == []


def test_no_dash_after_the_deadline_is_owed_naming_incident_and_officer():
    [owed] = owed_dash([inc()], [], now=T0 + 26 * H)
    assert owed.rule_id == "dash_missing"
    assert owed.officer == "PC 4411" and owed.victim_entity == "P-1"
    assert "domestic incident INC-1" in owed.reason and "no DASH 26 hours later" in owed.reason


def test_a_dash_recorded_after_now_does_not_count_yet():
    [owed] = owed_dash([inc()], [dash(at=T0 + 30 * H)], now=T0 + 26 * H)
    assert owed.rule_id == "dash_missing"


def test_non_domestic_incidents_and_other_incidents_dashes_do_not_count():
    incidents = [inc("INC-1"), inc("INC-2", domestic=False)]
    [owed] = owed_dash(incidents, [dash(incident="INC-9", at=T0 + H)], now=T0 + 48 * H)
    assert owed.incident_ref == "INC-1"


def test_deadline_is_configurable():
    settings = OwedSettings(dash_deadline=timedelta(hours=12))
    [owed] = owed_dash([inc()], [dash(at=T0 + 13 * H)], T0 + 48 * H, settings)
    assert owed.rule_id == "dash_late" and "deadline of 12 hours" in owed.reason


def test_missing_officer_is_said():
    [owed] = owed_dash([inc(officer=None)], [], now=T0 + 48 * H)
    assert owed.officer is None and owed.reason.endswith("no officer recorded")


def test_course_of_conduct_with_stalking_behaviours_owes_an_sdash():
    incidents = [
        inc("INC-1", T0, domestic=False, stalking=True),
        inc("INC-2", T0 + 72 * H, domestic=False, stalking=True, officer="PC 5120"),
    ]
    assert owed_sdash(incidents, [], now=T0 + 90 * H) == []  # deadline not yet passed
    [owed] = owed_sdash(incidents, [], now=T0 + 100 * H)
    assert owed.rule_id == "sdash_missing"
    assert (owed.incident_ref, owed.officer) == ("INC-2", "PC 5120")
    assert owed.reason == (
        "2 incidents with stalking behaviours by P-2 towards P-1 since 2026-03-01 "
        "(INC-1, INC-2) and no S-DASH; officer PC 5120"
    )


def test_the_owed_reasons_name_people_by_name_where_their_names_are_known():
    incidents = [inc("INC-1", T0, stalking=True), inc("INC-2", T0 + H, stalking=True)]
    names = {"P-1": "Alys Penhallow", "P-2": "Gareth Tregothnan"}
    [owed] = owed_sdash(incidents, [], now=T0 + 100 * H, labels=names)
    assert owed.reason.startswith(
        "2 incidents with stalking behaviours by Gareth Tregothnan towards Alys Penhallow since"
    )
    assert owed.victim_entity == "P-1"  # the id stays in the data; the words use the name
    a = dash("RA-3", "INC-3", T0, grade=Grade.high, subject_entity="P-1")
    [plan] = owed_safety_plans([a], now=T0 + H, labels=names)
    assert plan.reason.startswith("Alys Penhallow graded high on DASH RA-3")
    [unnamed] = owed_safety_plans([a], now=T0 + H, labels={"P-1": None})
    assert unnamed.reason.startswith("P-1 graded high")  # no name recorded: the id


def test_one_stalking_incident_is_not_a_course_of_conduct():
    assert owed_sdash([inc(stalking=True)], [], now=T0 + 1000 * H) == []


def test_incidents_between_different_people_do_not_make_a_course():
    incidents = [
        inc("INC-1", T0, stalking=True, suspect="P-2"),
        inc("INC-2", T0 + H, stalking=True, suspect="P-3"),
        inc("INC-3", T0 + 2 * H, stalking=False, suspect="P-2"),
    ]
    assert owed_sdash(incidents, [], now=T0 + 1000 * H) == []


def test_an_sdash_for_the_course_or_the_victim_covers_it():
    incidents = [inc("INC-1", T0, stalking=True), inc("INC-2", T0 + H, stalking=True)]
    later = T0 + 1000 * H
    assert owed_sdash(incidents, [sdash(incident="INC-1", at=T0 + 2 * H)], later) == []
    by_victim = sdash(incident="INC-7", at=T0 + 3 * H, subject_entity="P-1")
    assert owed_sdash(incidents, [by_victim], later) == []
    # An S-DASH for the victim from before the course began does not cover it.
    old = sdash(incident="INC-0", at=T0 - 500 * H, subject_entity="P-1")
    assert len(owed_sdash(incidents, [old], later)) == 1
    # A DASH is not an S-DASH.
    assert len(owed_sdash(incidents, [dash(incident="INC-2", at=T0 + 2 * H)], later)) == 1


def test_high_risk_victim_without_a_safety_plan_is_owed():
    a = dash("RA-3", "INC-3", T0, grade=Grade.high, subject_entity="P-1", officer="PC 4411")
    [owed] = owed_safety_plans([a], now=T0 + H)
    assert owed.rule_id == "safety_plan_missing"
    assert (owed.incident_ref, owed.officer, owed.victim_entity) == ("INC-3", "PC 4411", "P-1")
    assert owed.reason == (
        "P-1 graded high on DASH RA-3 (2026-03-01, incident INC-3) with no safety plan "
        "recorded; officer PC 4411"
    )


def test_safety_plan_rules_follow_the_latest_grades():
    planned = dash("RA-1", "INC-1", T0, grade=Grade.high, safety_plan=True, subject_entity="P-1")
    again = dash("RA-2", "INC-2", T0 + H, grade=Grade.high, subject_entity="P-1")
    # A plan made at the first high grade still stands at the next.
    assert owed_safety_plans([planned, again], now=T0 + 2 * H) == []
    lower = dash("RA-2", "INC-2", T0 + H, grade=Grade.medium, subject_entity="P-1")
    high = dash("RA-3", "INC-3", T0 + 2 * H, grade="high", subject_entity="P-1")
    # After a drop to medium, a new high grade needs a new plan.
    [owed] = owed_safety_plans([planned, lower, high], now=T0 + 3 * H)
    assert owed.incident_ref == "INC-3"
    # Currently medium: nothing owed, whatever came before.
    unplanned = dash("RA-1", "INC-1", T0, grade=Grade.high, subject_entity="P-1")
    assert owed_safety_plans([unplanned, lower], now=T0 + 3 * H) == []
    # Standard-risk victims and ungraded assessments owe no plan.
    assert owed_safety_plans([dash(grade=Grade.standard), sdash(grade=None)], T0 + H) == []


def test_owed_assessments_combines_every_rule_oldest_due_first():
    incidents = [
        inc("INC-1", T0, stalking=True),
        inc("INC-2", T0 + 48 * H, domestic=False, stalking=True),
    ]
    assessments = [dash("RA-2", "INC-2", T0 + 49 * H, grade=Grade.high, subject_entity="P-1")]
    found = owed_assessments(incidents, assessments, now=T0 + 100 * H)
    assert [o.rule_id for o in found] == ["dash_missing", "safety_plan_missing", "sdash_missing"]
    assert {o.rule_id for o in found} <= {r.id for r in OWED_RULES}


def test_course_needs_at_least_two_incidents():
    with pytest.raises(ValueError):
        OwedSettings(course_min_incidents=1)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=25, minutes=30), "25 hours 30 minutes"),
        (timedelta(hours=50), "2 days 2 hours"),
    ],
)
def test_describe_duration(span, text):
    assert describe_duration(span) == text
