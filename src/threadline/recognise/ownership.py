"""Who owes what on an alert, and from which report (pure rules; no store, no clock).

The policy, said once (``docs/actions.md``, "Who owes what"):

- **An alert is owed an owner from the report at which it fires.** Its owner is the officer who
  took that report (the incident's ``officer``); a report that names no officer leaves it to the
  force's default team (``THREADLINE_ALERT_DEFAULT_TEAM``), so no alert is ever unowned. Later
  reports that update the alert do not change its owner: handing it on is an ``assign`` step.
  Why the officer who took the report: they hold the call, the victim's account and the first
  decisions; a campaign's later alerts stay with the owner of the campaign's first alert, so one
  course of conduct has one owner (issue 23: "nobody owned the whole case").
- **A breach alert is owed an arrest decision from its own report**, by the campaign's owner
  (:data:`threadline.recognise.actions.BREACH_RULES`; PACE s24(5), see that module).

A *campaign* is the set of people an alert names (victim and suspect): every alert between the
same people belongs to one campaign. Its reports are numbered in the order they were reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from threadline.recognise.actions import BREACH_RULES

OWNER = "owner"
ARREST_DECISION = "arrest decision"


@dataclass(frozen=True)
class Owner:
    """An officer or a team that owns an alert."""

    name: str
    kind: str  # "officer" or "team"

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


def owner_of(officer: str | None, default_team: str) -> Owner:
    """The owner of an alert fired at a report taken by ``officer`` (the default team if none)."""
    if officer and officer.strip():
        return Owner(officer.strip(), "officer")
    return Owner(default_team, "team")


@dataclass(frozen=True)
class Owed:
    """Something owed on an alert from a report: an owner, or an arrest decision."""

    what: str
    ref: str
    by: Owner


@dataclass
class AlertLine:
    """One alert of a campaign: the report at which it fired and what it was owed since."""

    alert_key: str
    rule_id: str
    fired_ref: str
    owed: list[Owed] = field(default_factory=list)

    @property
    def breach(self) -> bool:
        return self.rule_id in BREACH_RULES


@dataclass
class Campaign:
    people: tuple[str, ...]
    owner: Owner
    alerts: dict[str, AlertLine] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)

    def number(self, ref: str) -> int:
        """The ordinal (1st, 2nd, ...) of ``ref`` among the campaign's reports."""
        return self.refs.index(ref) + 1


class OwnershipLedger:
    """Fed each replayed report's alert changes in reported order; says per campaign who owes
    what from which report."""

    def __init__(self, default_team: str) -> None:
        if not default_team.strip():
            raise ValueError("the default team needs a name")
        self.default_team = default_team.strip()
        self.order: dict[str, int] = {}
        self.campaigns: dict[tuple[str, ...], Campaign] = {}

    def observe(self, ref: str, officer: str | None, changes: Iterable[Any]) -> None:
        """The report ``ref`` (taken by ``officer``) and its :class:`AlertChange` values."""
        self.order.setdefault(ref, len(self.order))
        for change in changes:
            if change.change == "cleared":
                continue
            alert = change.alert
            people = tuple(sorted(alert.people))
            campaign = self.campaigns.get(people)
            if campaign is None:
                campaign = Campaign(people, owner_of(officer, self.default_team))
                self.campaigns[people] = campaign
            for cited in (*alert.cited, ref):
                if cited not in campaign.refs:
                    campaign.refs.append(cited)
            campaign.refs.sort(key=lambda r: self.order.get(r, -1))
            line = campaign.alerts.get(alert.alert_key)
            if line is None:
                line = AlertLine(alert.alert_key, alert.rule_id, ref)
                line.owed.append(Owed(OWNER, ref, campaign.owner))
                campaign.alerts[alert.alert_key] = line
            if line.breach and not any(o.what == ARREST_DECISION for o in line.owed):
                line.owed.append(Owed(ARREST_DECISION, ref, campaign.owner))

    def report(self, decided: Mapping[str, bool] | None = None) -> dict[str, Any]:
        """Per campaign, each alert with the report (and its number in the campaign) at which
        it fired and each thing owed, from which report and by whom; then the breach alerts
        with no arrest decision (``decided``: alert key to whether one is recorded) and the
        alerts with no owner (none, by the policy: the count is there to be checked)."""
        decided = decided or {}
        campaigns = []
        undecided = 0
        unowned = 0
        for campaign in self.campaigns.values():
            alerts = []
            for line in campaign.alerts.values():
                if line.breach and not decided.get(line.alert_key, False):
                    undecided += 1
                if not any(o.what == OWNER for o in line.owed):
                    unowned += 1
                alerts.append(
                    {
                        "alert_key": line.alert_key,
                        "rule": line.rule_id,
                        "fired_at": line.fired_ref,
                        "fired_report": campaign.number(line.fired_ref),
                        "owed": [
                            {
                                "what": o.what,
                                "from": o.ref,
                                "from_report": campaign.number(o.ref),
                                "by": o.by.name,
                                "by_kind": o.by.kind,
                            }
                            for o in line.owed
                        ],
                        "decided": decided.get(line.alert_key, False) if line.breach else None,
                    }
                )
            campaigns.append(
                {
                    "people": list(campaign.people),
                    "owner": campaign.owner.name,
                    "owner_kind": campaign.owner.kind,
                    "reports": list(campaign.refs),
                    "alerts": alerts,
                }
            )
        return {
            "campaigns": campaigns,
            "breach_alerts_without_decision": undecided,
            "alerts_without_owner": unowned,
        }
