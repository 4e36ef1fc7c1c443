"""The numbers recognition rules use, declared in one place and overridable.

Figures come from /work/shared/domain.md: conduct "on at least 2 occasions" is the law; "3 or more
police-recorded incidents in 12 months" is common practice for MARAC potential escalation (some
areas use 5), so it is a setting. The severity scale is Threadline's own ordering of incident
categories, used only to notice that a series is getting worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: How serious each incident category is, 1 (nuisance) to 5 (sexual offence).
CATEGORY_SEVERITY: Mapping[str, int] = MappingProxyType(
    {
        "asb": 1,
        "neighbour_dispute": 1,
        "suspicious_circumstances": 1,
        "concern_for_welfare": 1,
        "missing_person": 1,
        "road_traffic": 1,
        "fraud": 1,
        "other": 1,
        "malicious_communications": 2,
        "harassment": 2,
        "domestic": 2,
        "public_order": 2,
        "theft": 2,
        "criminal_damage": 3,
        "threats": 3,
        "breach_of_order": 3,
        "burglary": 3,
        "stalking": 4,
        "assault": 4,
        "sexual_offence": 5,
    }
)


@dataclass(frozen=True)
class Thresholds:
    """Every tunable number of the rules.

    - ``course_min_incidents``: occasions that make a course of conduct (the law says 2).
    - ``repeat_min_incidents`` within ``repeat_window_days``: a repeat victim, suspect or location.
    - Escalation by tempo: with at least ``escalation_min_incidents`` incidents, the mean of the
      last ``escalation_recent_intervals`` gaps (fewer when the series is short, always leaving one
      earlier gap) is below ``escalation_interval_ratio`` times the mean of the earlier gaps.
    - Escalation by harm: the new incident's severity exceeds every earlier one in the series by at
      least ``escalation_severity_rise``, with at least ``escalation_severity_min_earlier`` earlier.
    - ``mutual_dispute_needs_narrative``: when both sides accuse each other, categories alone (say
      criminal damage both ways) do not make "think stalking"; a behaviour must be described.
    """

    course_min_incidents: int = 2
    repeat_min_incidents: int = 3
    repeat_window_days: int = 365
    escalation_min_incidents: int = 4
    escalation_recent_intervals: int = 3
    escalation_interval_ratio: float = 0.5
    escalation_severity_rise: int = 1
    escalation_severity_min_earlier: int = 2
    mutual_dispute_needs_narrative: bool = True
    category_severity: Mapping[str, int] = field(
        default_factory=lambda: CATEGORY_SEVERITY, hash=False
    )

    def __post_init__(self) -> None:
        if self.course_min_incidents < 2:
            raise ValueError("a course of conduct needs at least 2 occasions")
        if self.repeat_min_incidents < 2 or self.repeat_window_days < 1:
            raise ValueError("repeat thresholds must be at least 2 incidents in at least 1 day")
        if self.escalation_min_incidents < 3 or self.escalation_recent_intervals < 1:
            raise ValueError("escalation needs at least 3 incidents and 1 recent interval")
        if not 0 < self.escalation_interval_ratio < 1:
            raise ValueError("escalation_interval_ratio must be between 0 and 1")

    def severity(self, categories: frozenset[str]) -> int:
        """The worst severity among an event's categories (1 for one not in the table)."""
        return max((self.category_severity.get(c, 1) for c in categories), default=1)
