from datetime import UTC, date, datetime

import pytest

from threadline.risk import (
    MARAC_CRITERIA,
    MaracSettings,
    grade,
    load_checklist,
    marac_criteria,
    referral_due,
    score,
)
from threadline.risk.marac import local_day, months_before

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def dash_grading(yes_count: int, judgement=None, reason=None):
    dash = load_checklist("dash")
    answers = {q: ("yes" if i < yes_count else "no") for i, q in enumerate(dash.question_ids)}
    return grade(score(dash, answers), judgement, reason)


def by_id(results):
    return {r.id: r for r in results}


def test_every_declared_criterion_is_evaluated_in_order():
    results = marac_criteria(now=NOW)
    assert [r.id for r in results] == [c.id for c in MARAC_CRITERIA]
    assert all(c.description for c in MARAC_CRITERIA)
    assert not referral_due(results)
    assert by_id(results)["visible_high_risk"].reason == "no DASH assessment recorded"


def test_visible_high_risk_fires_at_14_and_not_at_13():
    at = by_id(marac_criteria(now=NOW, grading=dash_grading(14)))["visible_high_risk"]
    assert at.met
    assert at.reason == "14 yes answers on the DASH, at or above the threshold of 14"
    assert len(at.evidence) == 14
    below = by_id(marac_criteria(now=NOW, grading=dash_grading(13)))["visible_high_risk"]
    assert not below.met and "13 yes answers" in below.reason and "below" in below.reason


def test_visible_high_risk_is_not_counted_on_an_sdash():
    sdash = load_checklist("sdash")
    g = grade(score(sdash, {q: "yes" for q in sdash.question_ids}), "high", "fixated")
    results = by_id(marac_criteria(now=NOW, grading=g))
    assert not results["visible_high_risk"].met
    assert results["professional_judgement"].met


def test_professional_judgement_fires_when_the_officer_graded_high():
    raised = dash_grading(5, "high", "threats to kill the children")
    r = by_id(marac_criteria(now=NOW, grading=raised))
    assert r["professional_judgement"].met
    assert r["professional_judgement"].reason == (
        "the officer graded the risk high: threats to kill the children"
    )
    assert not r["visible_high_risk"].met
    assert referral_due(list(r.values()))


def test_professional_judgement_does_not_fire_for_medium_or_none():
    medium = by_id(marac_criteria(now=NOW, grading=dash_grading(5, "medium", "worried")))
    assert not medium["professional_judgement"].met
    assert "medium, not high" in medium["professional_judgement"].reason
    # 14 yes is high by count, but that is not the officer's judgement.
    counted = by_id(marac_criteria(now=NOW, grading=dash_grading(14)))
    assert not counted["professional_judgement"].met


def test_potential_escalation_fires_exactly_at_the_threshold():
    incidents = [
        ("INC-3", datetime(2026, 2, 27, 9, tzinfo=UTC)),
        ("INC-1", date(2025, 3, 1)),  # exactly 12 months before: inside
        ("INC-2", datetime(2025, 9, 10, 22, tzinfo=UTC)),
    ]
    r = by_id(marac_criteria(now=NOW, incidents=incidents))["potential_escalation"]
    assert r.met
    assert r.reason == (
        "3 police-recorded incidents between the same people in the 12 months to 2026-03-01 "
        "(threshold 3): INC-1, INC-2, INC-3"
    )
    assert r.evidence == ("INC-1", "INC-2", "INC-3")


def test_potential_escalation_ignores_incidents_just_outside_12_months_and_in_the_future():
    incidents = [
        ("INC-0", date(2025, 2, 28)),  # a day outside the window
        ("INC-2", date(2025, 9, 10)),
        ("INC-3", date(2026, 2, 27)),
        ("INC-9", date(2026, 3, 2)),  # after now
    ]
    r = by_id(marac_criteria(now=NOW, incidents=incidents))["potential_escalation"]
    assert not r.met
    assert r.reason.startswith("2 police-recorded incidents")
    assert r.evidence == ("INC-2", "INC-3")


def test_potential_escalation_threshold_is_configurable():
    incidents = [(f"INC-{i}", date(2026, 1, i)) for i in range(1, 5)]
    four = marac_criteria(now=NOW, incidents=incidents, settings=MaracSettings(5))
    assert not by_id(four)["potential_escalation"].met
    assert "(threshold 5)" in by_id(four)["potential_escalation"].reason
    incidents.append(("INC-5", date(2026, 1, 5)))
    five = marac_criteria(now=NOW, incidents=incidents, settings=MaracSettings(5))
    assert by_id(five)["potential_escalation"].met


def test_window_uses_the_force_local_day():
    # 23:30 UTC on 31 August is 00:30 on 1 September in London (BST).
    assert local_day(datetime(2025, 8, 31, 23, 30, tzinfo=UTC)) == date(2025, 9, 1)
    # In winter London is on UTC: 28 Feb 23:30 UTC stays 28 Feb, outside the window.
    incidents = [
        ("INC-A", datetime(2025, 2, 28, 23, 30, tzinfo=UTC)),
        ("INC-B", date(2025, 6, 1)),
        ("INC-C", date(2025, 7, 1)),
    ]
    assert not by_id(marac_criteria(now=NOW, incidents=incidents))["potential_escalation"].met


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 1), 12, date(2025, 3, 1)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_repeat_referral_fires_with_a_referral_in_12_months_and_an_incident_since():
    r = by_id(
        marac_criteria(
            now=NOW,
            previous_referrals=[("MARAC-7", date(2025, 6, 10))],
            incidents=[("INC-1", date(2025, 6, 1)), ("INC-4", date(2026, 2, 20))],
        )
    )["repeat_referral"]
    assert r.met
    assert r.reason == (
        "referred to MARAC on 2025-06-10 (MARAC-7), within the 12 months to 2026-03-01, "
        "and 1 incident since: INC-4"
    )
    assert r.evidence == ("MARAC-7", "INC-4")


def test_repeat_referral_does_not_fire_just_outside_12_months():
    r = by_id(
        marac_criteria(
            now=NOW,
            previous_referrals=[("MARAC-3", date(2025, 2, 28))],
            incidents=[("INC-4", date(2026, 2, 20))],
        )
    )["repeat_referral"]
    assert not r.met
    assert r.reason == "no MARAC referral in the 12 months to 2026-03-01 (last one 2025-02-28)"


def test_repeat_referral_needs_a_further_incident():
    r = by_id(
        marac_criteria(
            now=NOW,
            previous_referrals=[("MARAC-7", date(2025, 6, 10))],
            incidents=[("INC-1", date(2025, 6, 10))],
        )
    )["repeat_referral"]
    assert not r.met and "no further incident" in r.reason
