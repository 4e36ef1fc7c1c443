"""One case for one course of conduct: opened at call time, joined by later incidents, the
officer in the case told, kept across a re-run of resolution, rebuilt the same by a sweep.

Protection from Harassment Act 1997 s7(3): "A 'course of conduct' must involve ... in the case
of conduct in relation to a single person ..., conduct on at least two occasions in relation to
that person". Home Office Counting Rules (``shared/domain.md``): "a course of conduct against one
victim is one crime".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from factories import incident, person
from threadline.crossref import submit
from threadline.crossref.cases import SYSTEM, show_case, take_case_step
from threadline.crossref.replay import sweep
from threadline.guard import audit
from threadline.guard.audit import read_log, verify
from threadline.model import parse_record
from threadline.recognise.actions import Actor
from threadline.recognise.cases import CaseRefused
from threadline.store import tables as t
from threadline.store import writing

T0 = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
SUSPECT = dict(forenames="Bartholomew", surname="Quennell", dob="1979-02-11",
               phones=["07700 900987"], relationship_to_victim="former_partner")  # fmt: skip
VICTIM = dict(forenames="Morwenna", surname="Trevithick", dob="1988-06-30", phones=["07700 900986"])
OTHER = dict(forenames="Lowenna", surname="Carthew", dob="1990-09-14", phones=["07700 900985"])
SERGEANT = Actor("ps-clarke", "supervisor")
OFFICER = Actor("pc-hendra", "officer")


def report(
    ref: str, day: int, officer: str | None = "PC 4411 Hendra", victim: dict[str, Any] = VICTIM
) -> Any:
    fields: dict[str, Any] = {"officer": officer} if officer else {}
    return parse_record(
        incident(
            ref,
            reported_at=(T0 + timedelta(days=day)).isoformat(),
            people=[person("victim", **victim), person("suspect", **SUSPECT)],
            narrative="He keeps messaging her after being told to stop.",
            **fields,
        )
    )


def send(engine: Engine, model: Any, ref: str, day: int, **kw: Any) -> Any:
    return submit(engine, model, report(ref, day, **kw), T0 + timedelta(days=day))


def cases(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(t.cases).order_by(t.cases.c.id)))


def notes(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(t.notifications).order_by(t.notifications.c.id)))


def hook(actor: Actor) -> Any:
    def write(conn: Any, action: str, records: list[str], detail: dict[str, Any]) -> None:
        audit.record(conn, actor.username, actor.role, action, records, "case review", detail, T0)

    return write


def test_a_case_opens_at_the_second_occasion_and_the_third_joins_it_and_is_told(
    engine: Engine, small_model: Any
) -> None:
    first = send(engine, small_model, "RP-1", 0)
    assert first.cases == [] and cases(engine) == []  # one occasion is no course of conduct
    second = send(engine, small_model, "RP-2", 1, officer="PC 2290 Rosewarne")
    [opened] = second.cases
    assert opened.change == "opened" and set(opened.incident_refs) == {"RP-1", "RP-2"}
    # the officer in the case: who took the course of conduct's first report (ownership policy)
    [case] = cases(engine)
    assert (case.officer, case.status, case.opened_on) == ("PC 4411 Hendra", "open", "RP-2")
    assert case.series_key == f"{case.suspect_mention}->{case.victim_mention}"
    assert case.suspect_mention.startswith("incident:") and "#" in case.suspect_mention
    third = send(engine, small_model, "RP-3", 2)
    assert [(c.case_id, c.change, c.incident_refs) for c in third.cases] == [
        (case.id, "joined", ("RP-3",))
    ]
    assert len(cases(engine)) == 1
    told = notes(engine)
    assert [(n.recipient, n.kind, n.incident_ref) for n in told] == [
        ("PC 4411 Hendra", "opened", "RP-2"),
        ("PC 4411 Hendra", "joined", "RP-3"),
    ]
    assert "RP-3 joined case" in told[-1].message and "s7(3)" in told[-1].message
    view = show_case(engine, case.id)
    assert [i["incident_ref"] for i in view["incidents"]] == ["RP-1", "RP-2", "RP-3"]
    assert [s["step"] for s in view["steps"]] == ["open", "join"]
    assert view["victim_label"].startswith("Morwenna")
    # Threadline's own steps are signed as the system, told apart from staff; the audit row of
    # a submission (written by whoever submits it: tests/api/test_cases.py) names the case
    assert {(s["by"], s["role"]) for s in view["steps"]} == {(SYSTEM.username, "system")}
    assert read_log(engine) == []


def test_another_victim_of_the_same_suspect_is_another_case(
    engine: Engine, small_model: Any
) -> None:
    for ref, day, victim in (("RP-1", 0, VICTIM), ("RP-2", 1, VICTIM),
                             ("RP-3", 2, OTHER), ("RP-4", 3, OTHER)):  # fmt: skip
        send(engine, small_model, ref, day, victim=victim)
    assert len(cases(engine)) == 2
    with engine.connect() as conn:
        held = conn.execute(select(t.case_incidents.c.case_id, t.case_incidents.c.incident_ref))
        by_case: dict[int, set[str]] = {}
        for row in held:
            by_case.setdefault(row.case_id, set()).add(row.incident_ref)
    assert sorted(by_case.values(), key=sorted) == [{"RP-1", "RP-2"}, {"RP-3", "RP-4"}]


def renumber_entities(engine: Engine) -> None:
    """What a re-run of resolution may do: the same people under new entity ids."""
    with writing(engine) as conn:
        rows = conn.execute(select(t.entities)).all()
        for row in rows:
            new = f"P{int(row.id[1:]) + 500:07d}"
            conn.execute(t.entities.insert().values(**{**row._mapping, "id": new}))
            conn.execute(
                update(t.entity_members)
                .where(t.entity_members.c.entity_id == row.id)
                .values(entity_id=new)
            )
            conn.execute(t.entities.delete().where(t.entities.c.id == row.id))


def test_the_case_survives_a_re_run_of_resolution_that_renumbers_the_people(
    engine: Engine, small_model: Any
) -> None:
    send(engine, small_model, "RP-1", 0)
    send(engine, small_model, "RP-2", 1)
    [before] = cases(engine)
    renumber_entities(engine)
    third = send(engine, small_model, "RP-3", 2)
    [after] = cases(engine)  # not a second case: the founding mentions still name the two
    assert after.id == before.id and third.cases[0].change == "joined"
    assert after.suspect != before.suspect  # the ids as last seen


def test_a_sweep_rebuilding_the_alerts_keeps_the_cases_and_adds_no_step(
    engine: Engine, small_model: Any
) -> None:
    for ref, day in (("RP-1", 0), ("RP-2", 1), ("RP-3", 2)):
        send(engine, small_model, ref, day)
    with engine.connect() as conn:
        steps = conn.execute(select(t.case_steps.c.id)).all()
    sweep(engine)
    with engine.connect() as conn:
        assert conn.execute(select(t.case_steps.c.id)).all() == steps
    assert len(cases(engine)) == 1 and len(notes(engine)) == 2


def test_a_sweep_builds_cases_from_a_bulk_import_and_tells_nobody(
    engine: Engine, small_model: Any
) -> None:
    for ref, day in (("RP-1", 0), ("RP-2", 1)):
        send(engine, small_model, ref, day)
    with writing(engine) as conn:  # as if bulk-imported: no cases yet
        for table in (t.notifications, t.case_steps, t.case_incidents, t.cases):
            conn.execute(table.delete())
    sweep(engine)
    [case] = cases(engine)
    assert case.status == "open" and notes(engine) == []


def test_staff_steps_who_may_take_them_and_a_closed_case_reopened_by_a_new_incident(
    engine: Engine, small_model: Any
) -> None:
    send(engine, small_model, "RP-1", 0)
    send(engine, small_model, "RP-2", 1)
    [case] = cases(engine)
    step = take_case_step  # the store's step, as the use case calls it

    with pytest.raises(CaseRefused) as refused:
        step(engine, case.id, "assign", OFFICER, T0, hook(OFFICER), officer="pc-hendra")
    assert refused.value.forbidden
    view = step(engine, case.id, "assign", SERGEANT, T0, hook(SERGEANT),
                officer="pc-hendra", team="PPU North")  # fmt: skip
    assert (view["officer"], view["team"]) == ("pc-hendra", "PPU North")
    assert notes(engine)[-1].recipient == "pc-hendra" and notes(engine)[-1].kind == "assigned"
    other = Actor("pc-other", "officer")
    with pytest.raises(CaseRefused) as refused:
        step(engine, case.id, "close", other, T0, hook(other), reason="Nothing more to do here")
    assert refused.value.forbidden  # only the officer in the case (or a supervisor)
    with pytest.raises(CaseRefused) as refused:
        step(engine, case.id, "close", OFFICER, T0, hook(OFFICER), reason="short")
    assert refused.value.field == "reason"
    step(engine, case.id, "note", OFFICER, T0, hook(OFFICER), note="Visited the victim at home")
    view = step(engine, case.id, "close", OFFICER, T0, hook(OFFICER),
                reason="Charged with stalking (8Q); victim safeguarded")  # fmt: skip
    assert view["status"] == "closed" and view["closed_at"]
    with pytest.raises(CaseRefused) as refused:
        step(engine, case.id, "close", SERGEANT, T0, hook(SERGEANT), reason="Closing it again")
    assert refused.value.conflict
    third = send(engine, small_model, "RP-3", 5)
    assert third.cases[0].change == "reopened"
    [case] = cases(engine)
    assert case.status == "open" and case.closed_at is None
    assert notes(engine)[-1].recipient == "pc-hendra" and "reopened" in notes(engine)[-1].message
    steps = [s["step"] for s in show_case(engine, case.id)["steps"]]
    assert steps == ["open", "assign", "note", "close", "reopen", "join"]
    staff = [r for r in read_log(engine) if r.action.startswith("case.") and r.role != "system"]
    assert [r.action for r in reversed(staff)] == ["case.assign", "case.note", "case.close"]
    assert verify(engine).ok
