import csv
import io
from datetime import UTC, date, datetime

import pytest

from threadline.risk import (
    REFERRAL_COLUMNS,
    Grade,
    ReferralRow,
    grade,
    load_checklist,
    marac_criteria,
    neutralise_cell,
    referral_row,
    score,
    write_referrals_csv,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("  =1+1", "'  =1+1"),
        ("Maya Testwell", "Maya Testwell"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (14, "14"),
        (date(2026, 3, 1), "2026-03-01"),
        (("a", "=b"), "a; =b"),  # joined text starts with "a": unchanged
        (("=a", "b"), "'=a; b"),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def _row(**kw) -> ReferralRow:
    base = dict(
        victim="Maya Testwell",
        incident_ref="INC-1",
        officer="PC 4411",
        assessed_on=date(2026, 3, 1),
        grade=Grade.high,
        yes_count=15,
        criteria_met=("visible_high_risk",),
        reasons=("15 yes answers on the DASH, at or above the threshold of 14",),
    )
    return ReferralRow(**(base | kw))


def test_written_csv_reads_back_with_neutralised_cells():
    out = io.StringIO(newline="")
    rows = [_row(), _row(victim="=cmd|' /C calc'!A0", officer="@evil", reasons=("-1", "ok"))]
    assert write_referrals_csv(rows, out) == 2
    text = out.getvalue()
    assert text.startswith('"victim","incident_ref"')
    read = list(csv.reader(io.StringIO(text)))
    assert tuple(read[0]) == REFERRAL_COLUMNS
    assert read[1] == [
        "Maya Testwell",
        "INC-1",
        "PC 4411",
        "2026-03-01",
        "high",
        "15",
        "visible_high_risk",
        "15 yes answers on the DASH, at or above the threshold of 14",
    ]
    assert read[2][0] == "'=cmd|' /C calc'!A0"
    assert read[2][2] == "'@evil"
    assert read[2][7] == "'-1; ok"
    for line in read[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


def test_referral_row_from_evaluated_criteria():
    dash = load_checklist("dash")
    answers = {q: ("yes" if i < 3 else "no") for i, q in enumerate(dash.question_ids)}
    g = grade(score(dash, answers), "high", "=threat with a knife")
    results = marac_criteria(now=datetime(2026, 3, 1, tzinfo=UTC), grading=g)
    row = referral_row("Maya Testwell", "INC-1", None, results, g, date(2026, 3, 1))
    assert row.criteria_met == ("professional_judgement",)
    assert row.grade is Grade.high and row.yes_count == 3 and row.officer == ""
    out = io.StringIO(newline="")
    write_referrals_csv([row], out)
    # The officer's free-text reason does not start with "=", so it is kept as written.
    assert "the officer graded the risk high: =threat with a knife" in out.getvalue()
