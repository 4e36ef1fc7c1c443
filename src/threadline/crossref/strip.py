"""The summary strip: one line about a person that a call handler can read aloud, then their
alerts by severity with repeats folded into one.

"Order in force until 12 Mar 2027 · 7 breaches reported · course of conduct, 30 incidents · think
stalking · escalating · last DASH medium 3 Jun 2026 · 3 DASH owed" (issue 24). It is written from
what a person's profile already holds (its orders, stored alerts and risk assessments), so the
call-time panel, the person's page and the incident picture show the same words: one definition
(:func:`summary_strip`), pure, with no store and no clock (which orders are in force was decided
when the profile was read).

The folded alerts (:func:`fold_alerts`) keep one entry per rule and person set, the most recent
first within it, with how many there are: seven "order breach" alerts are one line "Breach of an
order × 7", not three of the panel's four lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

__all__ = ["FoldedAlert", "StripItem", "fold_alerts", "strip_text", "summary_strip"]

#: The order alerts are shown in: most severe first.
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class StripItem:
    """One phrase of the strip: ``key`` names what it says (for tests and styling), ``severity``
    is that of the alert it comes from (``info`` for facts such as the order)."""

    key: str
    text: str
    severity: str = "info"

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text, "severity": self.severity}


@dataclass(frozen=True)
class FoldedAlert:
    """Alerts of one rule folded into one entry: the latest of them and how many."""

    rule_id: str
    severity: str
    count: int
    latest: str
    """The ``alert_key`` of the latest of them (its words are in the alerts it was folded from,
    disclosed with them)."""
    raised_at: str
    refs: tuple[str, ...]
    """The incidents the folded alerts were raised at, latest first."""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "refs": list(self.refs)}


def _day(value: date | str | None) -> str:
    """``2027-03-12`` → ``12 Mar 2027``."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%b %Y}"


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _when(alert: Mapping[str, Any]) -> str:
    return str(alert.get("raised_at") or alert.get("updated_at") or "")


def _order_phrase(orders: Iterable[Any]) -> StripItem | None:
    """The order in force that ends last (an order with no end date outlasts any other)."""
    active = [o for o in orders if _get(o, "active")]
    if not active:
        return None
    order = max(active, key=lambda o: str(_get(o, "ends") or "9999"))
    label = str(_get(order, "label") or "order")
    label = label[:1].upper() + label[1:]
    ends = _get(order, "ends")
    until = f" until {_day(ends)}" if ends else ", no end date"
    role = _get(order, "role")
    whose = " (they are the respondent)" if role == "respondent" else ""
    more = f" (+{len(active) - 1} more)" if len(active) > 1 else ""
    return StripItem("order", f"{label} in force{until}{whose}{more}")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _course_phrase(alerts: Sequence[Mapping[str, Any]]) -> StripItem | None:
    """The largest course of conduct among the open ones, by its incidents."""
    courses = [a for a in alerts if a.get("rule_id") == "course_of_conduct"]
    if not courses:
        return None
    sizes = [
        len((a.get("details") or {}).get("incidents") or a.get("cited") or []) for a in courses
    ]
    biggest = max(sizes)
    return StripItem(
        "course_of_conduct",
        f"course of conduct, {_plural(biggest, 'incident')}",
        str(courses[sizes.index(biggest)].get("severity") or "medium"),
    )


def _dash_phrase(assessments: Iterable[Any]) -> StripItem | None:
    dash = [a for a in assessments if str(_get(a, "checklist") or "").lower() == "dash"]
    if not dash:
        return None
    last = max(dash, key=lambda a: str(_get(a, "assessed_at")))
    grade = _get(last, "judgement_grade") or _get(last, "grade")
    graded = f" {grade}" if grade else ""
    return StripItem("last_dash", f"last DASH{graded} {_day(str(_get(last, 'assessed_at')))}")


def summary_strip(
    orders: Iterable[Any],
    alerts: Iterable[Mapping[str, Any]],
    assessments: Iterable[Any],
) -> list[StripItem]:
    """The strip's phrases, in the order they are read aloud.

    ``orders`` and ``assessments`` are a profile's (objects or their dicts: ``active``, ``label``,
    ``ends``, ``role``; ``checklist``, ``assessed_at``, ``judgement_grade``); ``alerts`` are stored
    alerts as dicts. Breaches are counted over every order-breach alert, open or closed (a closed
    breach was still reported); the other phrases come from open alerts only.
    """
    every = list(alerts)
    open_ = [a for a in every if a.get("status", "open") == "open"]
    rules = {str(a.get("rule_id")) for a in open_}
    items = [_order_phrase(orders)]
    breaches = [a for a in every if a.get("rule_id") == "order_breach"]
    if breaches:
        numbers = [(a.get("details") or {}).get("breach_number") or 0 for a in breaches]
        counted = max(len(breaches), max(numbers))
        items.append(
            StripItem("breaches", f"{_plural(counted, 'breach', 'breaches')} reported", "high")
        )
    items.append(_course_phrase(open_))
    if "stalking_s4a" in rules:
        items.append(StripItem("stalking", "stalking: serious alarm or distress (s4A)", "high"))
    elif "think_stalking" in rules:
        items.append(StripItem("stalking", "think stalking", "high"))
    if "escalation" in rules:
        items.append(StripItem("escalation", "escalating", "high"))
    items.append(_dash_phrase(assessments))
    owed = sum(1 for a in open_ if a.get("rule_id") == "gap_domestic_no_dash")
    if owed:
        items.append(StripItem("dash_owed", f"{owed} DASH owed", "medium"))
    return [item for item in items if item is not None]


def fold_alerts(alerts: Iterable[Mapping[str, Any]]) -> list[FoldedAlert]:
    """Open ``alerts`` by rule, most severe first (then the rule seen most recently), each rule
    one entry with its count and its latest alert."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for alert in alerts:
        if alert.get("status", "open") != "open":
            continue
        groups.setdefault(str(alert.get("rule_id")), []).append(alert)
    folded = []
    for rule_id, group in groups.items():
        group = sorted(group, key=_when, reverse=True)
        severity = min(
            (str(a.get("severity") or "low") for a in group),
            key=lambda s: SEVERITY_RANK.get(s, 3),
        )
        refs = tuple(dict.fromkeys(str(a.get("incident_ref")) for a in group))
        latest = group[0]
        key = str(latest.get("alert_key"))
        folded.append(FoldedAlert(rule_id, severity, len(group), key, _when(latest), refs))
    folded.sort(key=lambda f: f.raised_at, reverse=True)
    folded.sort(key=lambda f: SEVERITY_RANK.get(f.severity, 3))
    return folded


def strip_text(items: Sequence[StripItem]) -> str:
    """The strip as the one line read aloud."""
    return " · ".join(item.text for item in items)
