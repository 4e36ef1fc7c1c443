"""The timeline a page draws, from what a person's profile or an incident's picture holds.

One conversion for the person's page and the incident picture: their records as marks (an
incident linked to its page), their orders as bands over the time they bind, and their alerts
where they fired (at the time of the incident that raised them). Drawn by
:func:`threadline.web.charts.timeline_svg`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from markupsafe import Markup

from threadline.recognise.rules import RULES_BY_ID
from threadline.web.charts import Band, Mark, timeline_legend, timeline_svg
from threadline.web.paths import incident_path

__all__ = ["TimelineChart", "timeline_chart"]

TimelineChart = tuple[Markup, list[tuple[str, str, Markup]]]
Link = Callable[[str], str]


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), UTC)
    text = str(value)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(), UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _record_mark(entry: Mapping[str, Any], link: Link) -> Mark:
    key, ref = str(entry["record_key"]), str(entry["ref"])
    href = link(ref) if key.startswith("incident:") else None
    return Mark(_moment(entry["when"]), str(entry["kind"]), ref, str(entry["title"]), href)


def _alert_mark(alert: Mapping[str, Any], when: Mapping[str, datetime], link: Link) -> Mark:
    ref = str(alert["incident_ref"])
    rule = RULES_BY_ID.get(str(alert["rule_id"]))
    title = rule.title if rule else str(alert["rule_id"]).replace("_", " ")
    at = when.get(ref) or _moment(alert.get("raised_at") or alert.get("updated_at"))
    return Mark(at, "alert", ref, title, link(ref), str(alert.get("severity") or "low"))


def _band(order: Mapping[str, Any]) -> Band | None:
    """The order over the days it binds (from ``binds_from``: made on notice, or served, as the
    contacts chart draws it), or ``None`` while it does not bind; from ``starts`` where the
    view does not say when it binds."""
    ends = order.get("ends")
    label = str(order.get("label") or "order")
    start = order["binds_from"] if "binds_from" in order else order["starts"]
    if start is None:
        return None
    return Band(
        _moment(start),
        _moment(ends) if ends else None,
        str(order["ref"]),
        label,
        bool(order.get("active")),
    )


def timeline_chart(
    entries: Iterable[Mapping[str, Any]],
    orders: Iterable[Mapping[str, Any]] = (),
    alerts: Iterable[Mapping[str, Any]] = (),
    link: Link = incident_path,
) -> TimelineChart:
    """The SVG and its legend: ``entries`` (timeline entries as dicts), ``orders`` (order
    views as dicts, each once by ref) as bands, open ``alerts`` where they fired; an incident's
    mark links to ``link(ref)`` (its page, or with the purpose it is opened for)."""
    marks = [_record_mark(e, link) for e in entries]
    when = {m.ref: m.when for m in marks}
    marks += [_alert_mark(a, when, link) for a in alerts if a.get("status", "open") == "open"]
    drawn = {str(o["ref"]): _band(o) for o in orders}
    bands = [band for band in drawn.values() if band is not None]
    return timeline_svg(marks, bands=bands), timeline_legend(marks)
