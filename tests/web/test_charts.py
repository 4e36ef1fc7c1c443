"""Server-side SVG charts: one mark per record with its ref on hover, bars that add up."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

from threadline.web.charts import Mark, _nice_ceiling, bar_chart_svg, timeline_legend, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def marks() -> list[Mark]:
    return [
        Mark(datetime(2025, 1, 5, 10, tzinfo=UTC), "incident", "INC-1", "harassment", "/i/1"),
        Mark(datetime(2025, 3, 9, 22, tzinfo=UTC), "incident", "INC-2", "breach of order"),
        Mark(datetime(2025, 2, 1, tzinfo=UTC), "order", "ORD-1", "non-molestation order granted"),
        Mark(datetime(2025, 3, 10, tzinfo=UTC), "crime", "CRM-1", "crime recorded: <harassment>"),
    ]


def test_timeline_has_one_mark_per_record_with_its_ref_and_escaped_title() -> None:
    svg = str(timeline_svg(marks()))
    root = ElementTree.fromstring(svg)  # well-formed, so the titles were escaped
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 4
    titles = [c.find(f"{SVG}title").text or "" for c in circles]
    assert sorted(t.split(" · ")[0] for t in titles) == ["CRM-1", "INC-1", "INC-2", "ORD-1"]
    assert any("<harassment>" in t for t in titles)
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["/i/1"]


def test_timeline_orders_marks_left_to_right_in_time() -> None:
    root = ElementTree.fromstring(str(timeline_svg(marks())))
    xs = {
        (c.find(f"{SVG}title").text or "").split(" · ")[0]: float(c.get("cx") or 0)
        for c in root.findall(f".//{SVG}circle")
    }
    assert xs["INC-1"] < xs["ORD-1"] < xs["INC-2"] < xs["CRM-1"]


def test_incidents_are_coloured_by_category_in_the_legend() -> None:
    legend = dict(timeline_legend(marks()))
    assert legend["harassment"] != legend["breach of order"]
    assert set(legend) == {"harassment", "order", "breach of order", "crime"}


def test_an_empty_timeline_says_so() -> None:
    assert "No linked records" in str(timeline_svg([]))


def test_bar_chart_draws_each_count_with_heights_in_proportion() -> None:
    svg = str(bar_chart_svg(["2024", "2025"], [("Stalking", [3, 6]), ("Harassment", [0, 12])]))
    root = ElementTree.fromstring(svg)
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 4
    heights = {(r.find(f"{SVG}title").text or ""): float(r.get("height") or 0) for r in rects}
    assert heights["2025: 12 Harassment"] == 2 * heights["2025: 6 Stalking"]
    assert heights["2024: 0 Harassment"] == 0


def test_value_axis_tops_are_round() -> None:
    assert [_nice_ceiling(v) for v in (0, 3, 5, 9, 37, 410)] == [4, 4, 8, 20, 40, 800]
    assert re.search(r">20<", str(bar_chart_svg(["x"], [("a", [17])])))
