from datetime import UTC, datetime

import pytest

from threadline.model import RiskAssessment
from threadline.risk import (
    AnswerError,
    Grade,
    JudgementError,
    Thresholds,
    assessment_facts,
    grade,
    grade_assessment,
    graded_facts,
    load_checklist,
    score,
)


def dash_answers(yes: set[int], not_known: frozenset[int] = frozenset(), skip=()) -> dict:
    """Answers by question number: given ones yes / not known, the rest no, ``skip`` left out."""
    out = {}
    for n in range(1, 28):
        if n in skip:
            continue
        out[f"dash.{n:02d}"] = "yes" if n in yes else "not_known" if n in not_known else "no"
    return out


# A worked example written out in full. Yes answers, counted by hand:
# 01 injury, 02 very frightened, 03 afraid of further violence, 06 separated, 08 stalks,
# 13 more often, 14 getting worse, 15 controlling, 17 threats to kill, 18 strangulation,
# 24 drugs/alcohol, 26 broke bail  -> 12 yes.  Not known: 21, 27 -> 2.  Unanswered: 25 -> 1.
WORKED = {
    "dash.01": "yes", "dash.02": "yes", "dash.03": "yes", "dash.04": "no", "dash.05": "no",
    "dash.06": "yes", "dash.07": "no", "dash.08": "yes", "dash.09": "no", "dash.10": "no",
    "dash.11": "no", "dash.12": "no", "dash.13": "yes", "dash.14": "yes", "dash.15": "yes",
    "dash.16": "no", "dash.17": "yes", "dash.18": "yes", "dash.19": "no", "dash.20": "no",
    "dash.21": "not_known", "dash.22": "no", "dash.23": "no", "dash.24": "yes",
    "dash.26": "yes", "dash.27": "not_known",
}  # fmt: skip


def test_worked_example_counts_by_hand():
    s = score(load_checklist("dash"), WORKED)
    assert s.yes_count == 12
    assert s.no_count == 27 - 12 - 2 - 1 == 12
    assert s.not_known == ("dash.21", "dash.27")
    assert s.unanswered == ("dash.25",)
    assert s.yes[:3] == ("dash.01", "dash.02", "dash.03")
    assert s.describe() == "12 of 27 yes, 12 no, 2 not known, 1 unanswered (dash.25)"


def test_worked_example_is_medium_at_the_default_threshold_and_says_it_is_local():
    g = grade(score(load_checklist("dash"), WORKED))
    assert g.grade is Grade.medium and g.visible_grade is Grade.medium
    assert "12 yes" in g.reasons[0] and "local medium threshold 10" in g.reasons[0]
    assert "dash.25" in g.explain()


def test_medium_threshold_is_configurable():
    s = score(load_checklist("dash"), WORKED)
    assert grade(s, thresholds=Thresholds(medium_yes=13)).grade is Grade.standard
    assert grade(s, thresholds=Thresholds(medium_yes=12)).grade is Grade.medium
    with pytest.raises(ValueError):
        Thresholds(medium_yes=15, high_yes=14)


@pytest.mark.parametrize(
    ("yes", "expected"),
    [
        ({1, 2, 3, 4, 5, 6, 7, 8, 9}, Grade.standard),  # 9 yes
        ({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Grade.medium),  # 10 yes
        ({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, Grade.medium),  # 13 yes
        ({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, Grade.high),  # 14 yes
    ],
)
def test_grade_boundaries(yes, expected):
    s = score(load_checklist("dash"), dash_answers(yes))
    assert s.yes_count == len(yes)
    assert grade(s).grade is expected


def test_fourteen_yes_is_never_lowered_by_judgement():
    # 14 yes: questions 1 to 14.
    s = score(load_checklist("dash"), dash_answers(set(range(1, 15))))
    assert s.yes_count == 14
    g = grade(s, "standard", "victim says things have calmed down")
    assert g.grade is Grade.high and not g.raised_by_judgement
    assert g.judgement_grade is Grade.standard
    assert "never lower" in g.explain() and "high stands" in g.explain()
    assert grade(s, Grade.medium, "x").grade is Grade.high


def test_judgement_cannot_lower_medium_either():
    s = score(load_checklist("dash"), WORKED)
    assert grade(s, "standard", "no reason to worry").grade is Grade.medium


def test_judgement_raises_with_a_reason():
    # 3 yes: questions 2, 17, 18 - standard by count.
    s = score(load_checklist("dash"), dash_answers({2, 17, 18}))
    g = grade(s, "high", "  strangulation last night and threats to kill  ")
    assert g.visible_grade is Grade.standard
    assert g.grade is Grade.high and g.raised_by_judgement
    assert g.judgement_reason == "strangulation last night and threats to kill"
    assert "raised to high by professional judgement: strangulation" in g.explain()


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_judgement_raising_without_a_reason_is_refused(reason):
    s = score(load_checklist("dash"), dash_answers({2, 17, 18}))
    with pytest.raises(JudgementError, match="from standard to high"):
        grade(s, "high", reason)


def test_judgement_that_agrees_needs_no_reason():
    s = score(load_checklist("dash"), dash_answers(set(range(1, 16))))
    g = grade(s, "high")
    assert g.grade is Grade.high and not g.raised_by_judgement
    assert "agrees" in g.explain()


def test_sdash_is_graded_by_judgement_and_reports_the_count():
    sdash = load_checklist("sdash")
    # yes: 01 very frightened, 04 visits more than 3 a week, 05 loitering, 06 threats -> 4.
    answers = {q: "no" for q in sdash.question_ids}
    answers.update({"sdash.01": "yes", "sdash.04": "yes", "sdash.05": "yes", "sdash.06": "yes"})
    s = score(sdash, answers)
    assert s.yes_count == 4
    ungraded = grade(s)
    assert ungraded.grade is None and ungraded.visible_grade is None
    assert "4 of 11 yes" in ungraded.explain() and "not graded" in ungraded.explain()
    judged = grade(s, "high", "fixated, escalating visits")
    assert judged.grade is Grade.high and "fixated" in judged.explain()
    # Eleven yes answers still do not grade an S-DASH by themselves.
    assert grade(score(sdash, {q: "yes" for q in sdash.question_ids})).grade is None


def test_score_refuses_unknown_questions():
    with pytest.raises(AnswerError, match="dash.30") as err:
        score(load_checklist("dash"), {"dash.30": "yes"})
    assert len(err.value.problems) == 1


def _record(**kw) -> RiskAssessment:
    base = {
        "ref": "RA-1",
        "checklist": "dash",
        "incident_ref": "INC-1",
        "subject": {"role": "victim", "forenames": "Maya", "surname": "Testwell"},
        "assessed_at": "2026-03-01T10:00:00Z",
        "officer": "PC 4411",
        "answers": dash_answers(set(range(1, 16))),
    }
    return RiskAssessment.model_validate(base | kw)


def test_grade_assessment_reads_a_stored_record():
    g = grade_assessment(_record())
    assert g.grade is Grade.high and g.score.yes_count == 15
    facts = assessment_facts(_record(), g, subject_entity="P-1")
    assert facts.grade is Grade.high and facts.yes_count == 15 and facts.officer == "PC 4411"
    assert facts.assessed_at == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_graded_facts_grade_a_record_or_keep_it_ungraded_with_the_reason():
    facts, problem = graded_facts(_record(), subject_entity="P-1")
    assert problem is None and facts == assessment_facts(
        _record(), grade_assessment(_record()), "P-1"
    )
    unreasoned = _record(answers=dash_answers({1, 2}), judgement_grade="high")
    facts, problem = graded_facts(unreasoned)
    assert facts.grade is None and facts.yes_count == 2 and facts.officer == "PC 4411"
    assert problem is not None and "reason" in problem
    unscored = assessment_facts(_record(), None, subject_entity="P-1")
    assert unscored.grade is None and unscored.yes_count is None
    assert unscored.subject_entity == "P-1" and unscored.officer == "PC 4411"


def test_grade_assessment_rejects_notes_on_unknown_questions():
    with pytest.raises(AnswerError, match="dash.40"):
        grade_assessment(_record(notes={"dash.40": "?"}))


def test_grade_assessment_requires_a_reason_to_raise():
    low = dash_answers({1})
    with pytest.raises(JudgementError):
        grade_assessment(_record(answers=low, judgement_grade="medium"))
    g = grade_assessment(_record(answers=low, judgement_grade="medium", judgement_reason="new"))
    assert g.grade is Grade.medium
