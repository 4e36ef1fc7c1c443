"""Narrative threats, measured on wording the patterns were not written from.

``bench/data/threats/threats.jsonl`` holds sentences from court reports, survivors' and
helplines' accounts and everyday wording (each with its source), labelled by the threat they
show. Threats to kill are an offence (Offences Against the Person Act 1861 s16: "A person who
without lawful excuse makes to another a threat, intending that that other would fear it would be
carried out, to kill that other or a third person"), as is non-fatal strangulation (Serious Crime
Act 2015 s75A).
"""

import json
from pathlib import Path

import pytest

from threadline.recognise.threats import THREATS, find_threats

DATA = Path(__file__).parents[2] / "bench" / "data" / "threats" / "threats.jsonl"


def _rows():
    return [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]


def test_precision_and_recall_on_public_wording():
    tp = fp = fn = 0
    for row in _rows():
        got = {s.threat for s in find_threats(row["text"])}
        want = set(row["threats"])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


def test_the_data_set_covers_every_kind_and_has_negatives():
    rows = _rows()
    assert {t.id for t in THREATS} <= {k for r in rows for k in r["threats"]}
    assert sum(1 for r in rows if not r["threats"]) >= 15
    assert all(r["source"] for r in rows)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("V says he told her if he can't have her no one can.", {"possessive_threat"}),
        ("He grabbed her by the throat until she could not breathe.", {"strangulation"}),
        ("He threatened to kill himself if she left.", {"suicide"}),
        ("He threatened to kill her and then himself.", {"threat_to_kill"}),
        ("He did not threaten to kill her.", set()),
        ("He denies strangling her.", set()),
        ("The toddler was choking on a grape.", set()),
        ("He threatened to slash her tyres.", set()),
    ],
)
def test_threats_in_call_handler_wording(text, kinds):
    assert {s.threat for s in find_threats(text)} == kinds


def test_the_words_that_showed_the_threat_are_kept():
    (sign,) = find_threats("Caller states her ex said I'm going to kill you tonight.")
    assert sign.threat == "threat_to_kill"
    assert sign.words == "I'm going to kill you"
