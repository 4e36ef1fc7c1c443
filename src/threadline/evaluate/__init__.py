"""Measure how well Threadline links people and raises alerts, against a synthetic force's truth."""

from threadline.evaluate.baselines import (
    MentionRecord,
    exact_name_clusters,
    exact_name_dob_clusters,
)
from threadline.evaluate.metrics import (
    BCubedScores,
    BreachOutcome,
    BreachScores,
    PairwiseScores,
    TrapMerge,
    bcubed_scores,
    breach_recall,
    false_alert_rate,
    first_alert_positions,
    pairwise_scores,
    share_at_or_before,
    trap_merges,
)
from threadline.evaluate.report import (
    alert_section,
    format_value,
    render_table,
    resolution_section,
    to_json,
)

__all__ = [
    "BCubedScores",
    "BreachOutcome",
    "BreachScores",
    "MentionRecord",
    "PairwiseScores",
    "TrapMerge",
    "alert_section",
    "bcubed_scores",
    "breach_recall",
    "exact_name_clusters",
    "exact_name_dob_clusters",
    "false_alert_rate",
    "first_alert_positions",
    "format_value",
    "pairwise_scores",
    "render_table",
    "resolution_section",
    "share_at_or_before",
    "to_json",
    "trap_merges",
]
