from datetime import UTC, datetime, timedelta

from threadline.risk import AssessmentFacts, Grade, assessment_trend

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def a(ref, days, yes, grade, checklist="dash"):
    return AssessmentFacts(
        ref, f"INC-{ref}", checklist, T0 + timedelta(days=days), grade, yes_count=yes
    )


def test_trend_is_ordered_by_time_and_says_what_rose_and_fell():
    points = assessment_trend(
        [
            a("RA-3", 40, 15, Grade.high),
            a("RA-1", 0, 6, Grade.standard),
            a("RA-2", 20, 11, Grade.medium),
            a("RA-4", 60, 12, Grade.high),  # count fell, grade kept by judgement
        ]
    )
    assert [p.ref for p in points] == ["RA-1", "RA-2", "RA-3", "RA-4"]
    assert [p.score_change for p in points] == ["first", "rose", "rose", "fell"]
    assert [p.grade_change for p in points] == ["first", "rose", "rose", "same"]
    assert points[0].reason == "first DASH: 6 yes, grade standard"
    assert points[3].reason == "12 yes (fell from 15 on RA-3), grade high (same from high)"


def test_dash_and_sdash_are_compared_only_with_their_own_kind():
    points = assessment_trend(
        [
            a("RA-1", 0, 9, Grade.standard),
            a("SD-1", 1, 3, None, "sdash"),
            a("RA-2", 2, 9, Grade.standard),
            a("SD-2", 3, 5, Grade.high, "sdash"),
        ]
    )
    changes = {p.ref: (p.score_change, p.grade_change) for p in points}
    assert changes == {
        "RA-1": ("first", "first"),
        "SD-1": ("first", "first"),
        "RA-2": ("same", "same"),
        "SD-2": ("rose", "unknown"),
    }
    assert "ungraded" in points[1].reason


def test_empty_history_has_no_trend():
    assert assessment_trend([]) == []
