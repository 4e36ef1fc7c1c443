"""The MARAC referral list from small hand-built stores: each criterion firing and not firing.

People are resolved by hand (every mention written with a listed name joins that entity), so the
tests exercise the store path without training a linkage model. Names are fictional.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from threadline.crossref.marac import (
    WITHHELD,
    graded_assessments,
    person_assessments,
    referral_list,
    referrals_csv,
)
from threadline.ingest import RawRecord, import_records
from threadline.risk import REFERRAL_COLUMNS, MaracSettings, load_checklist
from threadline.store import tables as t

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
VICTIM, SUSPECT = "Alys Penhallow", "Gareth Tregothnan"


def p(role: str, name: str) -> dict[str, Any]:
    forenames, _, surname = name.rpartition(" ")
    return {"role": role, "forenames": forenames, "surname": surname}


def inc(ref: str, day: str, *people: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "kind": "incident",
        "ref": ref,
        "reported_at": f"{day}T21:00:00Z",
        "channel": "999",
        "category": fields.pop("category", "domestic"),
        "people": list(people) or [p("victim", VICTIM), p("suspect", SUSPECT)],
        **fields,
    }


def dash(ref: str, day: str, yes: int, subject: str = VICTIM, **fields: Any) -> dict[str, Any]:
    ids = load_checklist("dash").question_ids
    return {
        "kind": "risk_assessment",
        "ref": ref,
        "checklist": "dash",
        "incident_ref": fields.pop("incident_ref", "INC-1"),
        "subject": p("victim", subject),
        "assessed_at": f"{day}T23:00:00Z",
        "officer": fields.pop("officer", "PC 4471"),
        "answers": {q: "yes" if n < yes else "no" for n, q in enumerate(ids)},
        **fields,
    }


def build(engine: Engine, *records: dict[str, Any], people: dict[str, list[str]]) -> None:
    """Import ``records``; then entity id → the names whose mentions join it."""
    raws = [RawRecord("test.jsonl", n, r) for n, r in enumerate(records, start=1)]
    report = import_records(engine, raws, files=["test.jsonl"])
    assert report.ok, [str(r) for r in report.rejections]
    m = t.mentions
    with engine.begin() as conn:
        for entity_id, names in people.items():
            conn.execute(
                insert(t.entities).values(
                    id=entity_id, kind="person", label=names[0], created_at=NOW, updated_at=NOW
                )
            )
            for name in names:
                forenames, _, surname = name.rpartition(" ")
                keys = conn.execute(
                    select(m.c.mention_key).where(
                        m.c.forenames == forenames, m.c.surname == surname
                    )
                ).scalars()
                rows = [
                    {
                        "mention_key": key,
                        "entity_id": entity_id,
                        "match_probability": 1.0,
                        "evidence": ["test: same name"],
                        "assigned_at": NOW,
                        "assigned_by": "test",
                    }
                    for key in keys
                ]
                if rows:
                    conn.execute(insert(t.entity_members), rows)


PEOPLE = {"P1": [VICTIM], "P2": [SUSPECT]}


def criteria(referral: Any) -> dict[str, Any]:
    return {c.id: c for c in referral.criteria}


# --- visible high risk -------------------------------------------------------------------------


def test_a_victim_whose_latest_dash_has_14_yes_is_listed_for_visible_high_risk(
    engine: Engine,
) -> None:
    build(engine, inc("INC-1", "2026-02-01"), dash("DASH-1", "2026-02-01", 14), people=PEOPLE)
    [referral] = referral_list(engine, NOW)
    assert referral.victim == "P1" and referral.label == VICTIM
    assert referral.met == ("visible_high_risk",)
    assert referral.reasons == ("14 yes answers on the DASH, at or above the threshold of 14",)
    assert referral.incident_ref == "INC-1" and referral.officer == "PC 4471"
    assert referral.dash is not None and referral.dash.record.ref == "DASH-1"


def test_13_yes_lists_nobody(engine: Engine) -> None:
    build(engine, inc("INC-1", "2026-02-01"), dash("DASH-1", "2026-02-01", 13), people=PEOPLE)
    assert referral_list(engine, NOW) == []


def test_the_latest_dash_as_of_now_is_the_one_that_counts(engine: Engine) -> None:
    build(
        engine,
        inc("INC-1", "2025-11-01"),
        dash("DASH-1", "2025-11-01", 16),
        dash("DASH-2", "2026-01-10", 4),
        dash("DASH-3", "2026-04-01", 20),  # after now: not looked at
        people=PEOPLE,
    )
    assert referral_list(engine, NOW) == [], "the later DASH-2 has 4 yes"
    [earlier] = referral_list(engine, datetime(2025, 12, 1, tzinfo=UTC))
    assert earlier.dash is not None and earlier.dash.record.ref == "DASH-1"
    assert earlier.met == ("visible_high_risk",)


# --- professional judgement --------------------------------------------------------------------


def test_an_officer_grading_high_lists_the_victim_with_the_officers_reason(
    engine: Engine,
) -> None:
    build(
        engine,
        inc("INC-1", "2026-02-01"),
        dash(
            "DASH-1",
            "2026-02-01",
            5,
            judgement_grade="high",
            judgement_reason="threats to kill with a knife",
        ),
        people=PEOPLE,
    )
    [referral] = referral_list(engine, NOW)
    assert referral.met == ("professional_judgement",)
    assert referral.reasons == ("the officer graded the risk high: threats to kill with a knife",)
    hidden = referral.without_free_text()
    assert hidden.reasons == (f"the officer graded the risk high: {WITHHELD}",)
    assert "knife" not in str(hidden.to_dict())


def test_an_officer_grading_medium_lists_nobody(engine: Engine) -> None:
    build(
        engine,
        inc("INC-1", "2026-02-01"),
        dash("DASH-1", "2026-02-01", 5, judgement_grade="medium", judgement_reason="escalating"),
        people=PEOPLE,
    )
    assert referral_list(engine, NOW) == []


# --- potential escalation ----------------------------------------------------------------------


def test_three_incidents_between_the_same_resolved_people_in_12_months_is_escalation(
    engine: Engine,
) -> None:
    build(
        engine,
        inc("INC-1", "2025-04-02"),
        inc("INC-2", "2025-10-20", p("victim", "Alys Penhalow"), p("suspect", "Gaz Tregothnan")),
        inc("INC-3", "2026-02-14", category="harassment", officer="PC 2290"),
        people={"P1": [VICTIM, "Alys Penhalow"], "P2": [SUSPECT, "Gaz Tregothnan"]},
    )
    [referral] = referral_list(engine, NOW)
    assert referral.met == ("potential_escalation",)
    escalation = criteria(referral)["potential_escalation"]
    assert escalation.evidence == ("INC-1", "INC-2", "INC-3")
    assert (
        "3 police-recorded incidents" in escalation.reason and "(suspect P2)" in escalation.reason
    )
    assert referral.suspect == "P2" and referral.incidents == ("INC-1", "INC-2", "INC-3")
    assert referral.incident_ref == "INC-3" and referral.officer == "PC 2290", "latest incident"
    assert criteria(referral)["visible_high_risk"].reason == "no DASH assessment recorded"


def test_escalation_does_not_fire_on_two_incidents_an_old_one_or_different_suspects(
    engine: Engine,
) -> None:
    build(
        engine,
        # P1: two in the window, a third 13 months before now
        inc("INC-0", "2025-01-20"),
        inc("INC-1", "2025-06-01"),
        inc("INC-2", "2026-01-01"),
        # P3: three incidents, three different suspects
        inc("INC-4", "2025-09-01", p("victim", "Morwenna Trelawny"), p("suspect", "Kit Polglaze")),
        inc("INC-5", "2025-10-01", p("victim", "Morwenna Trelawny"), p("suspect", "Jory Angove")),
        inc("INC-6", "2025-11-01", p("victim", "Morwenna Trelawny"), p("suspect", "Tam Hocking")),
        people={
            **PEOPLE,
            "P3": ["Morwenna Trelawny"],
            "P4": ["Kit Polglaze"],
            "P5": ["Jory Angove"],
            "P6": ["Tam Hocking"],
        },
    )
    assert referral_list(engine, NOW) == []
    assert len(referral_list(engine, NOW, MaracSettings(escalation_incidents=2))) == 1, "P1"


def test_unresolved_mentions_are_not_counted_as_the_same_people(engine: Engine) -> None:
    build(
        engine,
        inc("INC-1", "2025-06-01"),
        inc("INC-2", "2025-09-01"),
        inc("INC-3", "2026-01-01", p("victim", "Alys Penhalow"), p("suspect", SUSPECT)),
        people=PEOPLE,  # the misspelt victim of INC-3 is not joined to P1
    )
    assert referral_list(engine, NOW) == []


# --- repeat referral ---------------------------------------------------------------------------


def test_repeat_referral_is_not_known_without_the_marac_list(engine: Engine) -> None:
    build(engine, inc("INC-1", "2026-02-01"), dash("DASH-1", "2026-02-01", 15), people=PEOPLE)
    [referral] = referral_list(engine, NOW)
    repeat = criteria(referral)["repeat_referral"]
    assert not repeat.met and repeat.reason.startswith("not known")


def test_repeat_referral_fires_with_a_referral_in_12_months_and_an_incident_since(
    engine: Engine,
) -> None:
    build(engine, inc("INC-1", "2025-06-01"), inc("INC-2", "2026-01-05"), people=PEOPLE)
    referred = {"P1": [("MARAC-7", date(2025, 9, 10))]}
    [referral] = referral_list(engine, NOW, previous_referrals=referred)
    assert referral.met == ("repeat_referral",)
    assert criteria(referral)["repeat_referral"].evidence == ("MARAC-7", "INC-2")
    old = {"P1": [("MARAC-2", date(2024, 9, 10))]}
    assert referral_list(engine, NOW, previous_referrals=old) == []


# --- what cannot be scored, the CSV, a person's assessments ----------------------------------


def test_a_dash_that_cannot_be_scored_says_so_and_the_victim_is_listed_on_other_grounds(
    engine: Engine,
) -> None:
    build(
        engine,
        inc("INC-1", "2025-06-01"),
        inc("INC-2", "2025-09-01"),
        inc("INC-3", "2026-02-20"),
        dash("DASH-1", "2026-02-20", 15),
        people=PEOPLE,
    )
    a = t.risk_assessments
    with engine.begin() as conn:  # as stored before imports checked answers
        document = conn.execute(select(a.c.document)).scalar_one()
        document["answers"]["dash.99"] = "yes"
        conn.execute(a.update().values(document=document))
    [referral] = referral_list(engine, NOW)
    assert referral.met == ("potential_escalation",)
    visible = criteria(referral)["visible_high_risk"]
    assert not visible.met and "DASH-1 cannot be scored" in visible.reason
    assert "dash.99" in referral.notes[0]


def test_an_officers_high_grade_without_a_reason_still_lists_the_victim_and_asks_why(
    engine: Engine,
) -> None:
    build(
        engine,
        inc("INC-1", "2026-02-01"),
        dash("DASH-1", "2026-02-01", 3, judgement_grade="high"),
        people=PEOPLE,
    )
    [referral] = referral_list(engine, NOW)
    assert referral.met == ("professional_judgement",)
    assert "recorded no reason" in referral.reasons[0]
    assert referral.notes and "judgement not applied" in referral.notes[0]
    assert referral.dash is not None and referral.dash.grading is not None
    assert referral.dash.grading.grade == "standard", "the count alone is graded"


def test_the_csv_has_the_declared_columns_and_neutralises_formula_cells(engine: Engine) -> None:
    build(
        engine,
        inc("INC-1", "2026-02-01"),
        dash("DASH-1", "2026-02-01", 18, officer="=HYPERLINK(1)"),
        people=PEOPLE,
    )
    out = io.StringIO(newline="")
    assert referrals_csv(referral_list(engine, NOW), out) == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(header) == REFERRAL_COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["victim"] == f"{VICTIM} (P1)"
    assert cells["officer"] == "'=HYPERLINK(1)"
    assert cells["grade"] == "high" and cells["yes_count"] == "18"
    assert cells["assessed_on"] == "2026-02-01" and cells["criteria_met"] == "visible_high_risk"


def test_a_persons_assessments_are_graded_with_their_trend(engine: Engine) -> None:
    build(
        engine,
        inc("INC-1", "2026-01-01"),
        dash("DASH-1", "2026-01-01", 6),
        dash("DASH-2", "2026-02-01", 15, incident_ref="INC-2"),
        dash("DASH-9", "2026-02-01", 20, subject="Morwenna Trelawny"),
        people={**PEOPLE, "P3": ["Morwenna Trelawny"]},
    )
    history = person_assessments(engine, "P1")
    assert [a.record.ref for a in history.assessments] == ["DASH-1", "DASH-2"]
    first, second = history.to_dict()["assessments"]
    assert first["grade"] == "standard" and first["score"]["yes"] == 6
    assert second["grade"] == "high" and second["reasons"][0].startswith("visible high risk")
    assert [p.grade_change for p in history.trend] == ["first", "rose"]
    assert len(graded_assessments(engine)) == 3
