"""Server-side SVG charts: one mark per record with its ref on hover, bars that add up."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

from threadline.web.charts import (
    Band,
    Mark,
    _nice_ceiling,
    bar_chart_svg,
    timeline_legend,
    timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def marks() -> list[Mark]:
    return [
        Mark(datetime(2025, 1, 5, 10, tzinfo=UTC), "incident", "INC-1", "harassment", "/i/1"),
        Mark(datetime(2025, 3, 9, 22, tzinfo=UTC), "incident", "INC-2", "breach of order"),
        Mark(datetime(2025, 2, 1, tzinfo=UTC), "order", "ORD-1", "non-molestation order granted"),
        Mark(datetime(2025, 3, 10, tzinfo=UTC), "crime", "CRM-1", "crime recorded: <harassment>"),
    ]


def mark_elements(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [e for e in root.iter() if e.get("class") == "mark"]


def x_of(element: ElementTree.Element) -> float:
    """The centre of a mark: a circle's cx, a square's middle, a polygon's first point's x."""
    if element.get("cx"):
        return float(element.get("cx") or 0)
    if element.get("points"):
        return float((element.get("points") or "0,0").split()[0].split(",")[0])
    return float(element.get("x") or 0) + float(element.get("width") or 0) / 2


def test_timeline_has_one_mark_per_record_with_its_ref_and_escaped_title() -> None:
    svg = str(timeline_svg(marks()))
    root = ElementTree.fromstring(svg)  # well-formed, so the titles were escaped
    drawn = mark_elements(root)
    assert len(drawn) == 4
    titles = [m.find(f"{SVG}title").text or "" for m in drawn]
    assert sorted(t.split(" · ")[0] for t in titles) == ["CRM-1", "INC-1", "INC-2", "ORD-1"]
    assert any("<harassment>" in t for t in titles)
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["/i/1"]


def test_timeline_orders_marks_left_to_right_in_time() -> None:
    root = ElementTree.fromstring(str(timeline_svg(marks())))
    xs = {(m.find(f"{SVG}title").text or "").split(" · ")[0]: x_of(m) for m in mark_elements(root)}
    assert xs["INC-1"] < xs["ORD-1"] < xs["INC-2"] < xs["CRM-1"]


def test_incidents_are_told_apart_by_shape_as_well_as_colour_in_the_legend() -> None:
    legend = {label: (colour, str(key)) for label, colour, key in timeline_legend(marks())}
    assert set(legend) == {"harassment", "order", "breach of order", "crime"}
    assert legend["harassment"][0] != legend["breach of order"][0]
    assert "<rect" in legend["harassment"][1] and "<polygon" in legend["breach of order"][1]
    root = ElementTree.fromstring(str(timeline_svg(marks())))
    shapes = {
        (m.find(f"{SVG}title").text or "").split(" · ")[0]: m.tag.removeprefix(SVG)
        for m in mark_elements(root)
    }
    assert shapes["INC-1"] != shapes["INC-2"]  # harassment a square, a breach a diamond


def test_an_order_is_a_band_over_the_time_it_binds_open_ended_past_the_chart() -> None:
    ended = Band(
        datetime(2025, 1, 20, tzinfo=UTC),
        datetime(2025, 2, 20, tzinfo=UTC),
        "O-1",
        "non-molestation order",
        active=False,
    )
    running = Band(datetime(2025, 2, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC), "O-2",
                   "stalking protection order", active=True)  # fmt: skip
    root = ElementTree.fromstring(str(timeline_svg(marks(), bands=[ended, running])))
    bands = {b.get("data-ref"): b for b in root.iter(f"{SVG}rect") if b.get("class") == "band"}
    assert set(bands) == {"O-1", "O-2"}
    xs = {(m.find(f"{SVG}title").text or "").split(" · ")[0]: x_of(m) for m in mark_elements(root)}
    left, width = float(bands["O-1"].get("x") or 0), float(bands["O-1"].get("width") or 0)
    assert xs["INC-1"] < left < left + width < xs["INC-2"]  # 20 Jan to 20 Feb, between them
    assert bands["O-1"].get("stroke-dasharray") == "0"
    assert bands["O-2"].get("stroke-dasharray") != "0"  # runs on past the last record
    assert "until 01 Feb 2026 (in force)" in (bands["O-2"].find(f"{SVG}title").text or "")


def test_the_picture_draws_an_order_from_the_day_it_binds_not_the_day_it_was_granted() -> None:
    """Family Law Act 1996 s42A(2): an order made without notice binds the respondent only once
    he is aware of it, so its band starts when it was served (as the contacts chart draws it);
    one made without notice and not yet served binds nobody and is not drawn."""
    from threadline.web.timeline import timeline_chart

    entries = [
        {"when": f"2025-0{m}-05T10:00:00+00:00", "kind": "incident", "ref": f"I/{m}",
         "title": "harassment", "record_key": f"incident:cad:I/{m}"}
        for m in (1, 2, 3)
    ]  # fmt: skip
    served = {"ref": "O/1", "starts": "2025-01-20", "binds_from": "2025-02-10", "ends": None,
              "active": True, "label": "non-molestation order"}  # fmt: skip
    unserved = {**served, "ref": "O/2", "binds_from": None}
    root = ElementTree.fromstring(str(timeline_chart(entries, [served, unserved])[0]))
    bands = {b.get("data-ref"): b for b in root.iter(f"{SVG}rect") if b.get("class") == "band"}
    assert set(bands) == {"O/1"}
    xs = {(m.find(f"{SVG}title").text or "").split(" · ")[0]: x_of(m) for m in mark_elements(root)}
    left = float(bands["O/1"].get("x") or 0)
    assert xs["I/2"] < left < xs["I/3"]  # 10 Feb: after the incident of 5 Feb, not 20 Jan
    assert "binds from 10 Feb 2025" in (bands["O/1"].find(f"{SVG}title").text or "")


def test_alerts_are_drawn_in_their_lane_where_they_fired_coloured_by_severity() -> None:
    fired = Mark(datetime(2025, 3, 9, 22, tzinfo=UTC), "alert", "INC-2", "Breach of an order",
                 "/i/2", severity="high")  # fmt: skip
    root = ElementTree.fromstring(str(timeline_svg([*marks(), fired])))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Alerts" in labels
    drawn = [
        m for m in mark_elements(root) if "Breach of an order" in (m.findtext(f"{SVG}title") or "")
    ]
    assert len(drawn) == 1 and drawn[0].get("fill") == "#b3261e"
    assert ("high alert", "#b3261e") in [(label, c) for label, c, _ in timeline_legend([fired])]


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


def test_a_page_timeline_draws_records_orders_once_and_open_alerts_at_their_incident() -> None:
    from threadline.web.timeline import timeline_chart

    entries = [
        {"when": "2025-01-05T10:00:00+00:00", "kind": "incident", "ref": "I/1",
         "title": "harassment", "record_key": "incident:cad:I/1"},
        {"when": datetime(2025, 3, 9, 22, tzinfo=UTC), "kind": "crime", "ref": "C/1",
         "title": "crime", "record_key": "crime:C/1"},
    ]  # fmt: skip
    order = {"ref": "O/1", "starts": "2025-02-01", "ends": None, "active": True, "label": "order"}
    alerts = [
        {"rule_id": "order_breach", "incident_ref": "I/1", "severity": "high", "status": "open"},
        {"rule_id": "repeat_location", "incident_ref": "I/1", "severity": "low",
         "status": "closed"},
    ]  # fmt: skip
    svg, legend = timeline_chart(entries, [order, dict(order)], alerts)
    root = ElementTree.fromstring(str(svg))
    assert len([b for b in root.iter(f"{SVG}rect") if b.get("class") == "band"]) == 1
    titles = [m.findtext(f"{SVG}title") or "" for m in mark_elements(root)]
    assert len(titles) == 3  # two records and the one open alert
    alert = next(t for t in titles if "Breach of an order" in t)
    assert alert.startswith("I/1 · 05 Jan 2025 10:00")  # drawn when its incident was
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/incidents/I%2F1"] * 2
    assert {label for label, _c, _k in legend} == {"harassment", "crime", "high alert"}
