"""Force-wide figures: recorded stalking, harassment and order breaches by month or year, as a
force would publish them, and the supervisor's dashboard (:func:`dashboard`).

Counting rules (:func:`recorded_by_period`; the same sentences travel in :data:`COUNTING_RULES`
and in every table's ``notes``):

* **Stalking**: recorded crimes with Home Office offence code 8Q, or whose offence names
  stalking.
* **Harassment**: recorded crimes whose offence names harassment and that are not stalking
  (each crime is counted once, stalking first: the law treats stalking as harassment plus).
* **Order breaches (crimes)**: recorded crimes whose offence names a breach (of a
  non-molestation, restraining or stalking protection order, or of bail conditions). Counted
  apart from the two above, so a crime recorded as "breach of a stalking protection order" is
  both a breach and, if coded 8Q, stalking.
* **Breach incidents**: incidents opened or closed as a breach of an order. Shown beside the
  crimes, not added to them: a breach reported but not recorded as a crime is exactly the
  recording gap inspectors keep finding, and the two columns side by side show it.

A crime is counted in the period of its ``recorded_at``, an incident in that of its
``reported_at``, both as calendar months or years in UTC. Each period's change is against the
same period a year earlier (the month twelve months before, or the year before): absolute and
as a percentage. Both are ``None`` where the earlier period is before the first recorded one;
the percentage is also ``None`` where the earlier count was zero.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Connection, or_, select

from threadline.export import safe_csv_writer
from threadline.store import tables as t

__all__ = [
    "COUNTING_RULES",
    "MEASURES",
    "StatsRow",
    "StatsTable",
    "recorded_by_period",
]

Period = Literal["month", "year"]

#: The measures, in column order, with their labels.
MEASURES: tuple[tuple[str, str], ...] = (
    ("stalking", "Stalking crimes"),
    ("harassment", "Harassment crimes"),
    ("order_breaches", "Order breach crimes"),
    ("breach_incidents", "Breach incidents"),
)

COUNTING_RULES: tuple[str, ...] = (
    "Stalking: recorded crimes with Home Office offence code 8Q or an offence naming stalking.",
    "Harassment: recorded crimes with an offence naming harassment, not already stalking.",
    "Order breach crimes: recorded crimes with an offence naming a breach (counted apart from "
    "stalking and harassment).",
    "Breach incidents: incidents opened or closed as a breach of an order; shown beside the "
    "crimes, not added to them, so breaches not recorded as crimes can be seen.",
    "Crimes count in the month or year they were recorded, incidents in the one they were "
    "reported (UTC).",
    "Change is against the same period a year earlier; none where that period is before the "
    "data begins; no percentage where the earlier count was zero.",
)


@dataclass(frozen=True)
class StatsRow:
    """One period: its label, each measure's count and its change on a year before."""

    period: str
    counts: dict[str, int]
    change: dict[str, int | None]
    change_percent: dict[str, float | None]


@dataclass(frozen=True)
class StatsTable:
    """Counts per period, oldest first, with the counting rules that produced them."""

    period: Period
    measures: list[tuple[str, str]]
    rows: list[StatsRow]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "measures": [{"id": key, "label": label} for key, label in self.measures],
            "rows": [asdict(row) for row in self.rows],
            "notes": list(self.notes),
        }

    def to_csv(self) -> str:
        """One line per period: the counts, then each change (absolute, percent)."""
        out = io.StringIO()
        writer = safe_csv_writer(out, lineterminator="\n")
        header: list[str] = [self.period]
        header += [label for _key, label in self.measures]
        for _key, label in self.measures:
            header += [f"{label}: change on a year before", f"{label}: % change"]
        writer.writerow(header)
        for row in self.rows:
            line: list[Any] = [row.period]
            line += [row.counts[key] for key, _label in self.measures]
            for key, _label in self.measures:
                change, percent = row.change[key], row.change_percent[key]
                line += ["" if change is None else change, "" if percent is None else percent]
            writer.writerow(line)
        return out.getvalue()


def classify_crime(offence: str, offence_code: str | None) -> set[str]:
    """The measures one recorded crime counts towards (see the module docstring)."""
    text = offence.lower()
    found = set()
    if (offence_code or "").strip().upper() == "8Q" or "stalking" in text:
        found.add("stalking")
    elif "harassment" in text:
        found.add("harassment")
    if "breach" in text:
        found.add("order_breaches")
    return found


def _label(when: datetime | date, period: Period) -> str:
    return f"{when.year:04d}" if period == "year" else f"{when.year:04d}-{when.month:02d}"


def _year_before(label: str, period: Period) -> str:
    if period == "year":
        return f"{int(label) - 1:04d}"
    year, month = label.split("-")
    return f"{int(year) - 1:04d}-{month}"


def _periods(first: str, last: str, period: Period) -> list[str]:
    """Every period label from ``first`` to ``last``, so empty months show as zeros."""
    if period == "year":
        return [f"{y:04d}" for y in range(int(first), int(last) + 1)]
    labels = []
    year, month = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    while (year, month) <= end:
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


def recorded_by_period(
    conn: Connection, period: Period = "month", since: date | None = None
) -> StatsTable:
    """Stalking, harassment and order breaches recorded per month or year (see the module
    docstring for what is counted). ``since`` drops periods that start before it; the year
    before the first period shown is still read, for the change."""
    if period not in ("month", "year"):
        raise ValueError(f"period must be 'month' or 'year', not {period!r}")
    counts: dict[str, Counter[str]] = {key: Counter() for key, _label in MEASURES}
    c = t.crimes
    for row in conn.execute(select(c.c.offence, c.c.offence_code, c.c.recorded_at)):
        for measure in classify_crime(row.offence, row.offence_code):
            counts[measure][_label(row.recorded_at, period)] += 1
    i = t.incidents
    breach = or_(i.c.category == "breach_of_order", i.c.closing_category == "breach_of_order")
    for (reported_at,) in conn.execute(select(i.c.reported_at).where(breach)):
        counts["breach_incidents"][_label(reported_at, period)] += 1
    seen = sorted(set().union(*(set(c) for c in counts.values())))
    rows: list[StatsRow] = []
    if seen:
        first = seen[0]
        start = _label(since, period) if since else first
        for label in _periods(min(first, start), seen[-1], period):
            if label < start:
                continue
            before = _year_before(label, period)
            known = before >= first
            row_counts = {key: counts[key][label] for key, _label in MEASURES}
            change: dict[str, int | None] = {}
            percent: dict[str, float | None] = {}
            for key, _l in MEASURES:
                earlier = counts[key][before]
                change[key] = row_counts[key] - earlier if known else None
                percent[key] = (
                    round(100.0 * (row_counts[key] - earlier) / earlier, 1)
                    if known and earlier
                    else None
                )
            rows.append(StatsRow(label, row_counts, change, percent))
    return StatsTable(period, list(MEASURES), rows, list(COUNTING_RULES))
