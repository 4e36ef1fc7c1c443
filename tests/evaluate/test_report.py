"""Tests for threadline.evaluate.report: the comparison table and its JSON twin."""

import json

import pytest

from threadline.evaluate.metrics import (
    bcubed_scores,
    breach_recall,
    first_alert_positions,
    pairwise_scores,
    trap_merges,
)
from threadline.evaluate.report import (
    alert_section,
    format_value,
    render_table,
    resolution_section,
    to_json,
)

TRUTH = {"a": 1, "b": 1, "c": 1, "d": 2}
SYSTEMS = {
    "Threadline": {"a": "X", "b": "X", "c": "X", "d": "Y"},  # perfect
    "exact name": {"a": "X", "b": "X", "c": "Y", "d": "Y"},  # P 1/2, R 1/3 (see test_metrics)
}


def sections():
    pairwise = {name: pairwise_scores(TRUTH, p) for name, p in SYSTEMS.items()}
    bcubed = {name: bcubed_scores(TRUTH, p) for name, p in SYSTEMS.items()}
    traps = {name: trap_merges(p, [(1, 2, "father/son")], TRUTH) for name, p in SYSTEMS.items()}
    return {
        "Entity resolution": resolution_section(pairwise, bcubed, traps),
        "Alerts": {
            "series caught by incident 3": {"Threadline": 0.75},
            "rule not applicable": {"Threadline": None},
        },
    }, traps


def test_resolution_section_names_metrics_per_system():
    rows, traps = sections()
    resolution = rows["Entity resolution"]
    assert resolution["pairwise precision"] == {"Threadline": 1.0, "exact name": 0.5}
    assert resolution["pairwise recall"]["exact name"] == pytest.approx(1 / 3)
    assert resolution["B-cubed precision"]["exact name"] == pytest.approx(3 / 4)
    # c and d merged by exact name: persons 1 and 2 share cluster Y.
    assert resolution["trap pairs merged"] == {"Threadline": 0, "exact name": 1}
    assert resolution["true pairs"] == {"Threadline": 3, "exact name": 3}


def test_render_table_lays_out_systems_as_columns():
    rows, _ = sections()
    text = render_table(rows, title="Evaluation")
    lines = text.splitlines()
    assert lines[0] == "Evaluation"
    header = lines[2]
    assert header.index("Threadline") < header.index("exact name")
    precision = next(line for line in lines if line.startswith("pairwise precision"))
    assert precision.split()[-2:] == ["1.000", "0.500"]
    recall = next(line for line in lines if line.startswith("pairwise recall"))
    assert recall.split()[-1] == "0.333"
    # A metric only Threadline has: its exact-name cell is "-"; a None value is "n/a".
    caught = next(line for line in lines if line.startswith("series caught"))
    assert caught.split()[-2:] == ["0.750", "-"]
    assert next(line for line in lines if line.startswith("rule not")).split()[-2:] == [
        "n/a",
        "-",
    ]
    # Right-aligned: rows with every cell filled end at the same column as the header.
    assert len(precision) == len(recall) == len(header)
    assert "Alerts" in lines and "Entity resolution" in lines


def test_render_table_column_choice_and_empty():
    rows, _ = sections()
    text = render_table(rows, systems=["exact name"])
    assert "Threadline" not in text
    assert text.endswith("\n")
    assert render_table({}).strip() == ""  # no sections: just an empty header rule


def test_format_value():
    assert format_value(1234567) == "1,234,567"
    assert format_value(0.98765) == "0.988"
    assert format_value(None) == "n/a"
    assert format_value(float("nan")) == "n/a"
    assert format_value(True) == "yes"
    assert format_value("text") == "text"


def test_to_json_round_trips_sections_and_evidence():
    rows, traps = sections()
    document = json.loads(
        to_json(rows, details={"trap merges": traps, "labels": {("t", 1): (1, 2)}})
    )
    assert document["systems"] == ["Threadline", "exact name"]
    assert document["sections"]["Entity resolution"]["pairwise precision"]["exact name"] == 0.5
    assert document["sections"]["Alerts"]["rule not applicable"]["Threadline"] is None
    merge = document["details"]["trap merges"]["exact name"][0]
    assert merge["person_a"] == 1 and merge["mentions_a"] == ["c"] and merge["mentions_b"] == ["d"]
    assert merge["kind"] == "father/son"
    assert "father/son" in merge["reason"]
    assert document["details"]["labels"] == {'["t", 1]': [1, 2]}


def test_alert_section():
    positions = first_alert_positions(
        {"S1": ["i1", "i2", "i3"], "S2": ["j1", "j2"]},
        [("course_of_conduct", "i2"), ("course_of_conduct", "j1")],
    )
    breaches = breach_recall({"O1": ["i3"]}, [("O1", "i3", 1), ("O1", "i9", 2)])
    rows = alert_section(
        {"Threadline": positions},
        ks=(1, 2),
        breaches={"Threadline": breaches},
        false_alerts_per_1000={"Threadline": 2.5},
    )
    # S2 caught at incident 1, S1 at incident 2.
    assert rows["course_of_conduct: caught by incident 1"] == {"Threadline": 0.5}
    assert rows["course_of_conduct: caught by incident 2"] == {"Threadline": 1.0}
    assert rows["breaches flagged (right order and count)"] == {"Threadline": 1.0}
    assert rows["breach flags spurious"] == {"Threadline": 1}
    assert rows["false alerts per 1,000 background incidents"] == {"Threadline": 2.5}
    assert "course_of_conduct: caught by incident 2" in render_table({"Alerts": rows})
