"""Charts drawn on the server as SVG: a person's timeline and bar charts of counts.

Pure functions from plain values to SVG markup (no JavaScript, nothing fetched): every mark has a
``<title>`` (shown on hover and read by screen readers), and the data are also on the page as a
table, so a chart never holds the only copy of a fact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from markupsafe import Markup, escape

#: Lanes of the timeline, top to bottom: (record kind, label).
LANES: tuple[tuple[str, str], ...] = (
    ("incident", "Incidents"),
    ("crime", "Crimes"),
    ("order", "Orders"),
    ("risk_assessment", "Risk assessments"),
    ("association", "Known links"),
    ("alert", "Alerts"),
)
#: Colours of incident categories (as the timeline titles write them) and of other kinds.
COLOURS: Mapping[str, str] = {
    "stalking": "#b3261e",
    "harassment": "#d9480f",
    "malicious communications": "#e67700",
    "breach of order": "#7b2cbf",
    "domestic": "#c2255c",
    "criminal damage": "#5c7cfa",
    "threats": "#a61e4d",
    "assault": "#862e9c",
    "crime": "#343a40",
    "order": "#2b8a3e",
    "risk_assessment": "#1864ab",
    "association": "#868e96",
}
OTHER_COLOUR = "#74808f"
#: Alerts coloured by severity.
SEVERITY_COLOURS: Mapping[str, str] = {"high": "#b3261e", "medium": "#b35c00", "low": "#74808f"}
#: Shapes of incident categories, so that they are told apart by shape as well as colour (issue
#: 24: two shades of orange alone do not tell harassment from malicious communications).
SHAPES: Mapping[str, str] = {
    "stalking": "triangle",
    "harassment": "square",
    "malicious communications": "square-open",
    "breach of order": "diamond",
    "domestic": "circle-open",
    "threats": "diamond-open",
    "crime": "square",
    "order": "diamond",
    "risk_assessment": "square",
    "alert": "triangle",
}
SERIES_COLOURS = ("#1d4f91", "#d9480f", "#7b2cbf", "#2b8a3e", "#c2255c")


@dataclass(frozen=True)
class Mark:
    """One record on the timeline (an alert: kind ``alert``, title its rule's, ``severity``)."""

    when: datetime
    kind: str
    ref: str
    title: str
    href: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class Band:
    """An order drawn as a band over the time it binds: from ``starts`` to ``ends`` (open-ended
    when ``ends`` is None or past the chart's right edge)."""

    starts: datetime
    ends: datetime | None
    ref: str
    label: str
    active: bool


def mark_colour(mark: Mark) -> str:
    if mark.kind == "alert":
        return SEVERITY_COLOURS.get(mark.severity or "low", OTHER_COLOUR)
    if mark.kind == "incident":
        return COLOURS.get(mark.title, OTHER_COLOUR)
    return COLOURS.get(mark.kind, OTHER_COLOUR)


def mark_shape(mark: Mark) -> str:
    key = mark.title if mark.kind == "incident" else mark.kind
    return SHAPES.get(key, "circle")


def shape_svg(shape: str, x: float, y: float, colour: str, inner: str = "", r: float = 6) -> str:
    """One mark of ``shape`` centred on (x, y); an ``-open`` shape is drawn as an outline."""
    base, _, open_ = shape.partition("-")
    paint = (
        f'fill="#fff" stroke="{colour}" stroke-width="2.5"'
        if open_
        else f'fill="{colour}" fill-opacity="0.85" stroke="#fff" stroke-width="1"'
    )
    if base == "square":
        return (
            f'<rect class="mark" x="{x - r * 0.85:.1f}" y="{y - r * 0.85:.1f}" '
            f'width="{r * 1.7:.1f}" height="{r * 1.7:.1f}" {paint}>{inner}</rect>'
        )
    if base in ("diamond", "triangle"):
        if base == "diamond":
            points = [(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)]
        else:
            points = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.9), (x - r * 1.1, y + r * 0.9)]
        drawn = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        return f'<polygon class="mark" points="{drawn}" {paint}>{inner}</polygon>'
    return f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="{r}" {paint}>{inner}</circle>'


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _month_starts(first: datetime, last: datetime) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _ticks(first: datetime, last: datetime) -> list[tuple[datetime, str]]:
    """Month starts (thinned to at most ~12 labels) or year starts for long spans."""
    months = _month_starts(first, last)
    if len(months) > 36:
        years = sorted({m.year for m in months})
        return [(datetime(y, 1, 1, tzinfo=UTC), str(y)) for y in years]
    step = max(1, -(-len(months) // 12))
    return [
        (
            datetime(m.year, m.month, 1, tzinfo=UTC),
            m.strftime("%b %Y") if m.month == 1 or i == 0 else m.strftime("%b"),
        )
        for i, m in enumerate(months)
        if i % step == 0
    ]


def svg_open(width: int, height: int, role: str, label: str, css_class: str = "") -> str:
    """The opening ``<svg>`` tag of a chart ``width`` by ``height``: its ARIA ``role``, class
    and ``label`` (already escaped)."""
    classed = f' class="{css_class}"' if css_class else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="{role}"{classed} aria-label="{label}">'
    )


def _empty_chart(opening: str, x: float, y: float, message: str) -> Markup:
    """A chart with nothing to draw: its opening tag and ``message`` where the plot would be."""
    return Markup(f'{opening}<text x="{x}" y="{y}" fill="#5b6574">{message}</text></svg>')


def _value_grid(left: float, right: float, top: float, plot_h: float, scale_top: float) -> str:
    """Five grid lines across a bar chart's plot, from 0 to ``scale_top``, each value beside it."""
    lines = []
    for i in range(5):
        value = scale_top * i / 4
        y = top + plot_h - plot_h * i / 4
        lines.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ed"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5b6574">{value:g}</text>'
        )
    return "".join(lines)


def timeline_svg(marks: Sequence[Mark], width: int = 960, bands: Sequence[Band] = ()) -> Markup:
    """Every record on a time axis, one lane per kind, one mark per record, coloured and shaped
    by kind and (for incidents) category; orders in ``bands`` as bands over the time they bind,
    alerts where they fired; hovering a mark shows its ref, date and title."""
    kinds = {m.kind for m in marks} | ({"order"} if bands else set())
    lanes = [(kind, label) for kind, label in LANES if kind in kinds]
    left, right, top, lane_h = 130, 20, 10, 28
    height = top + lane_h * max(1, len(lanes)) + 36
    label = f"Timeline of {len(marks)} linked records"
    parts = [svg_open(width, height, "group", label, "timeline")]
    if not marks:
        return _empty_chart(parts[0], left, top + 20, "No linked records.")
    times = [_aware(m.when) for m in marks]
    first, last = min(times), max(times)
    starts = [_aware(b.starts) for b in bands]
    first = min([first, *starts])
    span = (last - first).total_seconds() or 86400.0
    pad = span * 0.02
    start, end = first.timestamp() - pad, last.timestamp() + pad
    plot_w = width - left - right

    def x_of(when: datetime) -> float:
        return left + (when.timestamp() - start) / (end - start) * plot_w

    axis_y = top + lane_h * len(lanes)
    for index, (_kind, label) in enumerate(lanes):
        y = top + lane_h * index + lane_h / 2
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ed"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1b2330">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}" stroke="#5b6574"/>'
    )
    for when, label in _ticks(first, last):
        if not start <= when.timestamp() <= end:
            continue
        x = x_of(when)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{axis_y + 4}" stroke="#d5dbe3" '
            f'stroke-dasharray="2 3"/><text x="{x:.1f}" y="{axis_y + 18}" font-size="11" '
            f'text-anchor="middle" fill="#5b6574">{escape(label)}</text>'
        )
    lane_index = {kind: i for i, (kind, _label) in enumerate(lanes)}
    for band in bands:
        parts.append(_band_svg(band, x_of, top + lane_h * lane_index["order"], lane_h, end))
    for mark, when in sorted(zip(marks, times, strict=True), key=lambda p: p[1]):
        y = top + lane_h * lane_index[mark.kind] + lane_h / 2
        tip = f"{mark.ref} · {when:%d %b %Y %H:%M} · {mark.title}"
        shape = shape_svg(
            mark_shape(mark), x_of(when), y, mark_colour(mark), f"<title>{escape(tip)}</title>"
        )
        if mark.href:
            shape = f'<a href="{escape(mark.href)}">{shape}</a>'
        parts.append(shape)
    parts.append("</svg>")
    return Markup("".join(parts))


def _band_svg(
    band: Band, x_of: Callable[[datetime], float], lane_top: float, lane_h: float, end: float
) -> str:
    """An order's band in its lane: solid while it binds, its right edge open (no end line)
    when it runs past the chart."""
    x1 = x_of(_aware(band.starts))
    ends = _aware(band.ends) if band.ends else None
    open_ended = ends is None or ends.timestamp() > end
    x2 = x_of(datetime.fromtimestamp(end, UTC)) if open_ended or ends is None else x_of(ends)
    until = f"until {ends:%d %b %Y}" if ends else "no end date"
    state = "in force" if band.active else "ended"
    tip = f"{band.ref} · {band.label} · binds from {_aware(band.starts):%d %b %Y} {until} ({state})"
    colour = COLOURS["order"]
    return (
        f'<rect class="band" data-ref="{escape(band.ref)}" x="{x1:.1f}" y="{lane_top + 5:.1f}" '
        f'width="{max(2.0, x2 - x1):.1f}" height="{lane_h - 10:.1f}" fill="{colour}" '
        f'fill-opacity="{0.28 if band.active else 0.12}" stroke="{colour}" '
        f'stroke-dasharray="{"4 3" if open_ended else "0"}"><title>{escape(tip)}</title></rect>'
    )


def timeline_legend(marks: Sequence[Mark]) -> list[tuple[str, str, Markup]]:
    """(label, colour, a small SVG of its mark) of each mark used, in order of first appearance."""
    seen: dict[str, tuple[str, Markup]] = {}
    for mark in sorted(marks, key=lambda m: _aware(m.when)):
        if mark.kind == "alert":
            label = f"{mark.severity or 'low'} alert"
        elif mark.kind == "incident":
            label = mark.title
        else:
            label = mark.kind.replace("_", " ")
        if label not in seen:
            colour = mark_colour(mark)
            key = shape_svg(mark_shape(mark), 8, 8, colour, r=5)
            svg = (
                '<svg class="key" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">'
                f"{key}</svg>"
            )
            seen[label] = (colour, Markup(svg))
    return [(label, colour, svg) for label, (colour, svg) in seen.items()]


def bar_chart_svg(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    width: int = 960,
    height: int = 260,
    label_of: Callable[[str], str] = str,
    title: str = "",
) -> Markup:
    """Grouped bars: one group per period, one bar per series (``(name, counts)``)."""
    left, right, top, bottom = 44, 12, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((v for _name, values in series for v in values), default=0)
    scale_top = _nice_ceiling(highest)
    parts = [svg_open(width, height, "img", escape(title))]
    parts.append(_value_grid(left, width - right, top, plot_h, scale_top))
    groups = max(1, len(periods))
    group_w = plot_w / groups
    bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))
    label_every = max(1, -(-groups // 16))
    for g, period in enumerate(periods):
        gx = left + g * group_w + group_w * 0.1
        for s, (name, values) in enumerate(series):
            value = values[g] if g < len(values) else 0
            h = plot_h * value / scale_top if scale_top else 0
            x = gx + s * bar_w
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            tip = f"{label_of(period)}: {value} {name}"
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
            )
        if g % label_every == 0:
            cx = left + g * group_w + group_w / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" '
                f'fill="#5b6574">{escape(label_of(period))}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#5b6574"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice_ceiling(value: float) -> float:
    """The top of the value axis: four equal steps of 1, 2 or 5 × 10ⁿ (at least 4)."""
    per_step = value / 4
    if per_step <= 1:
        return 4
    magnitude = 10 ** math.floor(math.log10(per_step))
    for step in (1, 2, 5, 10):
        if step * magnitude >= per_step:
            return 4 * step * magnitude
    return 40 * magnitude


@dataclass(frozen=True)
class DayBand:
    """A stretch of days drawn behind the bars: an order from the day it binds to its end
    (``None``: open-ended, drawn to the chart's edge)."""

    label: str
    start: date
    end: date | None
    title: str


BAND_COLOUR = "#7b2cbf"


def contacts_svg(
    days: Sequence[tuple[date, int]],
    bands: Sequence[DayBand] = (),
    *,
    width: int = 960,
    height: int = 220,
) -> Markup:
    """Contacts per day as bars on a day axis, with each band (an order while it binds) shaded
    behind them and named above; every bar and band has a ``<title>``."""
    left, right, top, bottom = 44, 12, 26, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    total = sum(n for _day, n in days)
    label = f"{total} contacts over {len(days)} days, per day"
    parts = [svg_open(width, height, "img", label, "contacts-chart")]
    if not days:
        return _empty_chart(parts[0], left, top + 20, "No contacts stored.")
    first = min([d for d, _n in days] + [b.start for b in bands if b.start <= days[-1][0]])
    last = max(d for d, _n in days)
    span = (last - first).days + 1
    day_w = plot_w / span

    def x_of(day: date) -> float:
        return left + (day - first).days * day_w

    for band in bands:
        start = max(band.start, first)
        end = last if band.end is None else min(band.end, last)
        if end < start:
            continue
        x, w = x_of(start), (end - start).days * day_w + day_w
        parts.append(
            f'<rect class="order-band" x="{x:.1f}" y="{top}" width="{w:.1f}" height="{plot_h}" '
            f'fill="{BAND_COLOUR}" fill-opacity="0.12" stroke="{BAND_COLOUR}" '
            f'stroke-opacity="0.5"><title>{escape(band.title)}</title></rect>'
            f'<text x="{x + 4:.1f}" y="{top - 8}" font-size="11" fill="{BAND_COLOUR}">'
            f"{escape(band.label)}</text>"
        )
    scale_top = _nice_ceiling(max(n for _d, n in days))
    parts.append(_value_grid(left, width - right, top, plot_h, scale_top))
    bar_w = max(1.0, day_w * 0.8)
    for day, n in days:
        h = plot_h * n / scale_top
        parts.append(
            f'<rect class="contact-bar" x="{x_of(day) + (day_w - bar_w) / 2:.1f}" '
            f'y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#1d4f91">'
            f"<title>{day:%d %b %Y}: {n} contacts</title></rect>"
        )
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC)
    for when, label in _ticks(start, end) if span > 31 else _day_ticks(first, last):
        day = when.date()
        if first <= day <= last:
            parts.append(
                f'<text x="{x_of(day) + day_w / 2:.1f}" y="{top + plot_h + 16}" font-size="11" '
                f'text-anchor="middle" fill="#5b6574">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#5b6574"/></svg>'
    )
    return Markup("".join(parts))


def _day_ticks(first: date, last: date) -> list[tuple[datetime, str]]:
    """Days, thinned to at most ~12 labels (a span of a month or less)."""
    count = (last - first).days + 1
    step = max(1, -(-count // 12))
    return [
        (datetime(d.year, d.month, d.day, tzinfo=UTC), f"{d.day} {d:%b}")
        for d in (first + timedelta(days=i) for i in range(0, count, step))
    ]
