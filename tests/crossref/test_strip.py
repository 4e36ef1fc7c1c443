"""The summary strip and the folded alerts (issue 24): the words a call handler reads aloud."""

from __future__ import annotations

from datetime import date

from threadline.crossref.strip import fold_alerts, strip_text, summary_strip


def alert(rule_id: str, ref: str, raised: str, severity: str = "high", **details: object) -> dict:
    return {
        "alert_key": f"{rule_id}:{ref}",
        "rule_id": rule_id,
        "incident_ref": ref,
        "raised_at": raised,
        "severity": severity,
        "status": details.pop("status", "open"),
        "details": details,
        "cited": [ref],
    }


ORDER = {
    "active": True,
    "label": "stalking protection order (interim)",
    "ends": date(2027, 3, 12),
    "role": "respondent",
}


def test_the_strip_reads_order_breaches_course_stalking_escalation_dash_in_that_order() -> None:
    breaches = [
        alert("order_breach", f"X/{n}", f"2026-0{n}-01T10:00Z", breach_number=n, status=status)
        for n, status in ((1, "closed"), (2, "open"), (3, "open"))
    ]
    alerts = [
        *breaches,
        alert("course_of_conduct", "X/9", "2026-05-01T10:00Z", "medium", incidents=["a"] * 12),
        alert("course_of_conduct", "X/2", "2026-02-01T10:00Z", "medium", incidents=["a"] * 3),
        alert("think_stalking", "X/9", "2026-05-01T10:00Z"),
        alert("escalation", "X/9", "2026-05-01T10:00Z"),
        alert("gap_domestic_no_dash", "X/7", "2026-04-01T10:00Z", "medium"),
        alert("gap_domestic_no_dash", "X/8", "2026-04-02T10:00Z", "medium"),
        alert("gap_domestic_no_dash", "X/1", "2026-01-02T10:00Z", "medium", status="closed"),
    ]
    assessments = [
        {"checklist": "dash", "assessed_at": "2026-01-03T09:00:00+00:00",
         "judgement_grade": "high"},
        {"checklist": "dash", "assessed_at": "2026-06-03T09:00:00+00:00", "judgement_grade": None,
         "grade": "medium"},
        {"checklist": "sdash", "assessed_at": "2026-07-03T09:00:00+00:00", "grade": "standard"},
    ]  # fmt: skip
    items = summary_strip([ORDER, {**ORDER, "active": False}], alerts, assessments)
    assert [i.key for i in items] == [
        "order", "breaches", "course_of_conduct", "stalking", "escalation", "last_dash",
        "dash_owed",
    ]  # fmt: skip
    assert strip_text(items) == (
        "Stalking protection order (interim) in force until 12 Mar 2027 (they are the respondent)"
        " · 3 breaches reported · course of conduct, 12 incidents · think stalking · escalating"
        " · last DASH medium 3 Jun 2026 · 2 DASH owed"
    )


def test_a_person_with_nothing_on_record_has_an_empty_strip_and_an_ended_order_is_not_read() -> (
    None
):
    assert summary_strip([{**ORDER, "active": False}], [], []) == []
    one = summary_strip([], [alert("order_breach", "A", "2026-01-01", breach_number=1)], [])
    assert strip_text(one) == "1 breach reported"


def test_s4a_is_read_instead_of_think_stalking_and_an_order_without_end_says_so() -> None:
    alerts = [alert("think_stalking", "A", "2026-01-01"), alert("stalking_s4a", "A", "2026-01-01")]
    text = strip_text(summary_strip([{**ORDER, "ends": None, "role": "protected"}], alerts, []))
    assert text == (
        "Stalking protection order (interim) in force, no end date"
        " · stalking: serious alarm or distress (s4A)"
    )


def test_repeated_alerts_fold_into_one_per_rule_most_severe_first_latest_named() -> None:
    alerts = [
        alert("repeat_location", "L1", "2026-06-01T00:00Z", "low"),
        *(
            alert("order_breach", f"B{n}", f"2026-0{n}-01T00:00Z", breach_number=n)
            for n in (1, 2, 3)
        ),
        alert("course_of_conduct", "C1", "2026-05-01T00:00Z", "medium"),
        alert("think_stalking", "T1", "2026-04-01T00:00Z"),
        alert("order_breach", "B0", "2025-12-01T00:00Z", status="closed"),
    ]
    folded = fold_alerts(alerts)
    assert [(f.rule_id, f.count) for f in folded] == [
        ("think_stalking", 1),  # high, raised in April, after the latest breach (March)
        ("order_breach", 3),
        ("course_of_conduct", 1),
        ("repeat_location", 1),
    ]
    breach = folded[1]
    assert breach.latest == "order_breach:B3"
    assert breach.refs == ("B3", "B2", "B1")
