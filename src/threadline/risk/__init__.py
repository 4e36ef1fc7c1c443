"""Risk assessment: DASH and S-DASH checklists, grading, MARAC referral and the assessments owed.

A pure core: every function takes plain values (and ``now`` where time matters) and returns
results that carry their reasons in words. Storage and screens are elsewhere.
"""

from threadline.risk.checklist import (
    ANSWERS,
    CHECKLISTS,
    Checklist,
    ChecklistError,
    Question,
    load_checklist,
    validate_answers,
)
from threadline.risk.facts import (
    AssessmentFacts,
    IncidentFacts,
    assessment_facts,
    graded_facts,
)
from threadline.risk.grading import (
    AnswerError,
    Grade,
    Grading,
    JudgementError,
    Score,
    Thresholds,
    grade,
    grade_assessment,
    score,
    visible_grade,
)
from threadline.risk.marac import (
    MARAC_CRITERIA,
    Criterion,
    CriterionResult,
    MaracSettings,
    marac_criteria,
    referral_due,
)
from threadline.risk.owed import (
    OWED_RULES,
    OwedAssessment,
    OwedSettings,
    Rule,
    owed_assessments,
    owed_dash,
    owed_safety_plans,
    owed_sdash,
)
from threadline.risk.referrals_csv import (
    REFERRAL_COLUMNS,
    ReferralRow,
    neutralise_cell,
    referral_row,
    write_referrals_csv,
)
from threadline.risk.trend import TrendPoint, assessment_trend

__all__ = [
    "ANSWERS",
    "CHECKLISTS",
    "MARAC_CRITERIA",
    "OWED_RULES",
    "REFERRAL_COLUMNS",
    "AnswerError",
    "AssessmentFacts",
    "Checklist",
    "ChecklistError",
    "Criterion",
    "CriterionResult",
    "Grade",
    "Grading",
    "IncidentFacts",
    "JudgementError",
    "MaracSettings",
    "OwedAssessment",
    "OwedSettings",
    "Question",
    "ReferralRow",
    "Rule",
    "Score",
    "Thresholds",
    "TrendPoint",
    "assessment_facts",
    "assessment_trend",
    "grade",
    "grade_assessment",
    "graded_facts",
    "load_checklist",
    "marac_criteria",
    "neutralise_cell",
    "owed_assessments",
    "owed_dash",
    "owed_safety_plans",
    "owed_sdash",
    "referral_due",
    "referral_row",
    "score",
    "validate_answers",
    "visible_grade",
    "write_referrals_csv",
]
