"""What recognition produces: declared rules, their findings, and the alerts an officer sees.

A :class:`Rule` is data: an id, a title, a plain-English ``reason`` template, an ``action`` template
and a default severity, plus the function that finds its cases. The function returns
:class:`Finding` values holding the facts that fill the templates; the engine turns them into
:class:`Alert` values, so every alert's wording comes from the declaration, never ad hoc.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from threadline.recognise.context import Context

Severity = Literal["low", "medium", "high"]
ChangeKind = Literal["raised", "updated", "cleared"]


@dataclass(frozen=True)
class Finding:
    """One case a rule found: ``subject`` makes the alert key (``S->V``, an incident ref...).

    ``facts`` fill the rule's reason and action templates; ``notes`` are extra sentences appended to
    the action (a former partner, counter-allegations); ``details`` are structured evidence.
    """

    subject: str
    people: tuple[str, ...]
    cited: tuple[str, ...]
    facts: Mapping[str, str]
    details: Mapping[str, object] = field(default_factory=dict, hash=False)
    notes: tuple[str, ...] = ()
    severity: Severity | None = None


@dataclass(frozen=True)
class Rule:
    """A declared recognition rule.

    A rule with a ``scope`` can be cleared: ``scope`` names the subjects it examined for this event,
    and an earlier alert on one of them that is no longer found (a crime since recorded, a DASH
    since completed) is reported as ``cleared``. Rules without one only ever raise and update.
    """

    id: str
    title: str
    reason: str
    action: str
    severity: Severity
    find: Callable[[Context], Iterable[Finding]] = field(compare=False, repr=False)
    scope: Callable[[Context], Iterable[str]] | None = field(
        default=None, compare=False, repr=False
    )

    def template_fields(self) -> frozenset[str]:
        """The names the reason and action templates need filled."""
        names = set()
        for template in (self.reason, self.action):
            for _, name, _, _ in string.Formatter().parse(template):
                if name:
                    names.add(name)
        return frozenset(names)


@dataclass(frozen=True)
class Alert:
    """An alert: why it fired (``reason``), what it rests on (``cited``), what to do (``action``).

    ``alert_key`` is its stable identity, so a growing series updates one alert instead of raising
    a new one per incident. ``raised_on`` is the incident where it first fired, ``incident_ref``
    the one where it fired or was last updated.
    """

    rule_id: str
    alert_key: str
    incident_ref: str
    people: tuple[str, ...]
    reason: str
    cited: tuple[str, ...]
    severity: Severity
    action: str
    details: Mapping[str, object] = field(default_factory=dict, hash=False)
    raised_on: str = ""

    def same_finding(self, other: Alert) -> bool:
        """True when ``other`` says the same thing (where it was last touched does not matter)."""
        return (
            self.rule_id == other.rule_id
            and self.alert_key == other.alert_key
            and self.people == other.people
            and self.reason == other.reason
            and self.cited == other.cited
            and self.severity == other.severity
            and self.action == other.action
            and dict(self.details) == dict(other.details)
        )


@dataclass(frozen=True)
class AlertChange:
    """An alert ``raised`` for the first time, ``updated`` because its evidence changed, or
    ``cleared`` because what it pointed out has been put right (``alert`` is then the old alert)."""

    change: ChangeKind
    alert: Alert
    previous: Alert | None = None
