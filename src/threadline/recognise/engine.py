"""Incremental recognition: run the declared rules for one new event and say what changed.

:func:`recognise` is pure: given the new event, its linked history and the alerts already raised
(by key), it returns the alerts to raise, to update and to clear. An alert whose evidence has not
changed is not returned again, so a growing series updates one alert instead of firing on every
incident.
:class:`Recogniser` keeps the alerts in memory for callers that feed events one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from threadline.recognise.alerts import Alert, AlertChange, Finding, Rule
from threadline.recognise.context import Context
from threadline.recognise.history import Event, History
from threadline.recognise.rules import RULES
from threadline.recognise.thresholds import Thresholds

DEFAULT_THRESHOLDS = Thresholds()


def alert_from(rule: Rule, finding: Finding, event: Event, raised_on: str) -> Alert:
    """Fill the rule's templates with the finding's facts."""
    action = rule.action.format_map(finding.facts)
    if finding.notes:
        action = " ".join((action, *finding.notes))
    return Alert(
        rule_id=rule.id,
        alert_key=f"{rule.id}:{finding.subject}",
        incident_ref=event.ref,
        people=finding.people,
        reason=rule.reason.format_map(finding.facts),
        cited=finding.cited,
        severity=finding.severity or rule.severity,
        action=action,
        details=dict(finding.details),
        raised_on=raised_on,
    )


def recognise(
    event: Event,
    history: History,
    previous: Mapping[str, Alert] | None = None,
    *,
    rules: Iterable[Rule] = RULES,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[AlertChange]:
    """Alerts raised or updated by ``event``, given its linked ``history`` and ``previous`` alerts.

    ``history`` holds the events linked to the new event's entities (it may already contain the new
    event), the orders involving them, their associations and the DASH-assessed incident refs.
    """
    previous = previous or {}
    ctx = Context(event, history, thresholds)
    changes: dict[str, AlertChange] = {}
    for rule in rules:
        found: set[str] = set()
        for finding in rule.find(ctx):
            key = f"{rule.id}:{finding.subject}"
            found.add(key)
            before = previous.get(key)
            alert = alert_from(rule, finding, event, before.raised_on if before else event.ref)
            if before is None:
                changes[key] = AlertChange("raised", alert)
            elif not alert.same_finding(before):
                changes[key] = AlertChange("updated", alert, before)
        if rule.scope is not None:
            for subject in rule.scope(ctx):
                key = f"{rule.id}:{subject}"
                if key in previous and key not in found:
                    changes[key] = AlertChange("cleared", previous[key], previous[key])
    return list(changes.values())


class Recogniser:
    """Feeds events one at a time and remembers the alerts (in memory, nothing else)."""

    def __init__(
        self, rules: Iterable[Rule] = RULES, thresholds: Thresholds = DEFAULT_THRESHOLDS
    ) -> None:
        self.rules = tuple(rules)
        self.thresholds = thresholds
        self._alerts: dict[str, Alert] = {}

    @property
    def alerts(self) -> Mapping[str, Alert]:
        """Current alerts by key."""
        return dict(self._alerts)

    def observe(self, event: Event, history: History) -> list[AlertChange]:
        """Recognise ``event`` against ``history`` and remember what changed."""
        changes = recognise(
            event, history, self._alerts, rules=self.rules, thresholds=self.thresholds
        )
        for change in changes:
            if change.change == "cleared":
                self._alerts.pop(change.alert.alert_key, None)
            else:
                self._alerts[change.alert.alert_key] = change.alert
        return changes
