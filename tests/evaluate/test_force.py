"""The earliest incident at which a course of conduct exists in law, from a force's truth."""

from __future__ import annotations

import json
from pathlib import Path

from threadline.evaluate.force import earliest_lawful, load_truth


def write_force(folder: Path, incidents: list[tuple[str, str, str]]) -> None:
    """incidents: (ref, suspect person, victim person), all in one series S1."""
    with (folder / "incidents.jsonl").open("w") as handle:
        for ref, _s, _v in incidents:
            people = [{"role": "suspect"}, {"role": "victim"}]
            handle.write(json.dumps({"ref": ref, "people": people}) + "\n")
    with (folder / "truth_mentions.jsonl").open("w") as handle:
        for ref, suspect, victim in incidents:
            row = {
                "ref": ref,
                "kind": "incident",
                "series_kind": "neighbour_dispute",
                "people": [{"person": suspect}, {"person": victim}],
            }
            handle.write(json.dumps(row) + "\n")
    truth = {
        "incidents": len(incidents),
        "orders": [],
        "traps": {},
        "series": [
            {
                "id": "S1",
                "kind": "neighbour_dispute",
                "incident_refs": [ref for ref, _s, _v in incidents],
            }
        ],
    }
    (folder / "truth.json").write_text(json.dumps(truth))


def test_counter_allegations_delay_the_course_of_conduct(tmp_path: Path) -> None:
    # A harasses B, B harasses A, then A harasses B again: the 3rd incident is the 2nd occasion
    write_force(tmp_path, [("I1", "A", "B"), ("I2", "B", "A"), ("I3", "A", "B")])
    assert earliest_lawful(load_truth(tmp_path), tmp_path) == {"S1": 3}


def test_the_same_suspect_and_victim_twice_is_a_course_of_conduct_at_the_second(
    tmp_path: Path,
) -> None:
    write_force(tmp_path, [("I1", "A", "B"), ("I2", "A", "B")])
    assert earliest_lawful(load_truth(tmp_path), tmp_path) == {"S1": 2}


def test_no_second_occasion_no_course_of_conduct(tmp_path: Path) -> None:
    write_force(tmp_path, [("I1", "A", "B"), ("I2", "C", "B")])
    assert earliest_lawful(load_truth(tmp_path), tmp_path) == {}


def test_a_course_of_conduct_is_false_only_when_no_true_suspect_and_victim_recur(
    tmp_path: Path,
) -> None:
    """Two domestic incidents of one couple are a course of conduct even outside any scripted
    series; a repeat victim of two different strangers, or namesakes joined, are not."""
    from threadline.evaluate.force import ForceTruth, unfounded_alerts

    people = [{"role": "victim"}, {"role": "suspect"}]
    refs = ["INC-1", "INC-2", "INC-3", "INC-4"]
    (tmp_path / "incidents.jsonl").write_text(
        "".join(json.dumps({"ref": ref, "people": people}) + "\n" for ref in refs)
    )
    who = {"INC-1": ("P1", "P2"), "INC-2": ("P1", "P2"), "INC-3": ("P1", "P3"),
           "INC-4": ("P4", "P2")}  # fmt: skip
    person_of = {}
    for ref, (victim, suspect) in who.items():
        person_of[("incident", ref, "0")] = victim
        person_of[("incident", ref, "1")] = suspect
    truth = ForceTruth(person_of, set(), [], [], [], set(refs), len(refs))
    cited = {"couple": ["INC-1", "INC-2"], "strangers": ["INC-1", "INC-3"],
             "namesakes": ["INC-2", "INC-4"]}  # fmt: skip
    assert unfounded_alerts(truth, tmp_path, cited) == {"strangers", "namesakes"}
