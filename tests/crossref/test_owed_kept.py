"""The owed list and the MARAC list read from the facts kept with each record (an incident's
stalking signs, an assessment's grade and "yes" count) and the candidates the indexes find give
exactly the lists the old full reads give (every incident read, every assessment graded again):
on the swept small force, after a live submission, and where recognition has not yet run. The
owed list read a page at a time (counted and paged by the database) and the DASH owed by officer
give exactly the pages and counts of the whole list, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from factories import incident, person
from threadline.crossref import submit
from threadline.crossref.marac import referral_list
from threadline.crossref.owed_list import (
    NO_OFFICER,
    OwedPage,
    dash_owed_by_officer,
    owed_page,
    page_of,
)
from threadline.crossref.risk import (
    assessment_facts_from_store,
    graded_assessment_facts,
    owed,
    owed_read_whole,
)
from threadline.model import Incident, parse_record
from threadline.recognise import shows_stalking
from threadline.risk import MaracSettings, OwedSettings
from threadline.store import open_store
from threadline.store import tables as t
from threadline.store.first_dash import rebuild_first_dash
from threadline.store.parties import rebuild_parties

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def new_breach(folder: Path, ref: str, engine: Any) -> tuple[Incident, datetime]:
    """A breach by the force's ex-partner stalker, a day after the series' last incident and
    while the order is in force, its narrative showing stalking (following her)."""
    truth = json.loads((folder / "truth.json").read_text())
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    order = next(o for o in truth["orders"] if o["series"] == series["id"])
    her, him = (truth["people"][series[k][0]] for k in ("victims", "suspects"))
    with engine.connect() as conn:
        last = conn.execute(
            select(t.incidents.c.reported_at).where(
                t.incidents.c.ref == series["incident_refs"][-1]
            )
        ).scalar_one()
    when = max(
        last + timedelta(days=1), datetime.fromisoformat(order["starts"] + "T12:00:00+00:00")
    )
    record = parse_record(
        incident(
            ref,
            reported_at=when.isoformat(),
            category="breach_of_order",
            qualifiers=["domestic"],
            narrative="Her ex turned up at her house again and was banging on the door, "
            "despite the order; he has been following her to work.",
            people=[
                person("victim", forenames=her["forenames"], surname=her["surname"],
                       dob=her["dob"], phones=her["phones"][:1],
                       address={"text": her["address"], "postcode": her["postcode"]}),
                person("suspect", forenames=him["forenames"], surname=him["surname"],
                       dob=him["dob"], relationship_to_victim="former_partner"),
            ],
        )
    )  # fmt: skip
    assert isinstance(record, Incident)
    return record, when


def marac(engine: Any, now: datetime, whole: bool, **settings: Any) -> list[dict[str, Any]]:
    found = referral_list(engine, now, MaracSettings(**settings), read_whole=whole)
    return [r.to_dict() for r in found]


def test_the_kept_facts_are_those_the_records_give(resolved_store: Any) -> None:
    engine, _model = resolved_store
    i = t.incidents
    with engine.connect() as conn:
        rows = conn.execute(
            select(i.c.ref, i.c.category, i.c.closing_category, i.c.narrative, i.c.stalking_signs)
        ).all()
    assert rows and all(r.stalking_signs is not None for r in rows)  # the sweep kept them all
    assert [r.stalking_signs for r in rows] == [shows_stalking(*r[:4]) for r in rows]
    assert any(r.stalking_signs for r in rows) and not all(r.stalking_signs for r in rows)
    kept = sorted(assessment_facts_from_store(engine), key=lambda a: a.ref)
    assert kept and kept == sorted(graded_assessment_facts(engine), key=lambda a: a.ref)
    assert {a.grade for a in kept} - {None}  # graded, not all left blank


def test_the_owed_list_is_the_one_the_full_read_gives(resolved_store: Any) -> None:
    engine, _model = resolved_store
    found = owed(engine, NOW)
    assert "dash_missing" in {o.rule_id for o in found}
    assert found == owed_read_whole(engine, NOW)
    with engine.begin() as conn:  # the courses of conduct then owe an S-DASH each
        conn.execute(delete(t.risk_assessments).where(t.risk_assessments.c.checklist == "sdash"))
    found = owed(engine, NOW)
    assert "sdash_missing" in {o.rule_id for o in found}
    assert found == owed_read_whole(engine, NOW)
    with engine.connect() as conn:
        names = dict(conn.execute(select(t.entities.c.id, t.entities.c.label)).all())
    for o in (o for o in found if o.rule_id == "sdash_missing"):  # named as the page names them
        assert o.victim_entity and f"towards {names[o.victim_entity]} since" in o.reason
        assert o.victim_entity not in o.reason
    longer = OwedSettings(course_min_incidents=3)
    assert owed(engine, NOW, longer) == owed_read_whole(engine, NOW, longer)
    earlier = NOW - timedelta(days=400)  # nothing after "now" is looked at, either way
    assert owed(engine, earlier) == owed_read_whole(engine, earlier)


def test_the_marac_list_is_the_one_the_full_read_gives(resolved_store: Any) -> None:
    engine, _model = resolved_store
    with engine.connect() as conn:  # the day the force's period ends
        now = conn.execute(select(func.max(t.incidents.c.reported_at))).scalar_one()
    found = marac(engine, now, whole=False)
    met = {c for r in found for c in r["criteria_met"]}
    assert {"visible_high_risk", "potential_escalation"} <= met
    assert found == marac(engine, now, whole=True)
    # other settings and other days move the candidates: still the same list
    assert marac(engine, now, False, escalation_incidents=2) == marac(
        engine, now, True, escalation_incidents=2
    )
    for day in (now - timedelta(days=200), NOW):
        assert marac(engine, day, whole=False) == marac(engine, day, whole=True)


def test_after_a_live_submission_the_lists_agree_and_name_it(
    resolved_store: Any, small_force: Path
) -> None:
    engine, model = resolved_store
    record, when = new_breach(small_force, "NEW-1", engine)
    submit(engine, model, record, when)
    with engine.connect() as conn:
        kept = conn.execute(
            select(t.incidents.c.stalking_signs).where(t.incidents.c.ref == "NEW-1")
        ).scalar_one()
    assert kept is True  # "following her to work": kept when the live path recognised it
    later = when + timedelta(days=3)
    found = owed(engine, later)
    assert found == owed_read_whole(engine, later)
    assert ("dash_missing", "NEW-1") in {(o.rule_id, o.incident_ref) for o in found}
    assert marac(engine, later, whole=False) == marac(engine, later, whole=True)


def test_incidents_not_yet_recognised_have_their_signs_read_on_the_spot(
    resolved_store: Any,
) -> None:
    engine, _model = resolved_store
    with engine.begin() as conn:  # as imported, before any sweep; no S-DASH to cover a course
        conn.execute(update(t.incidents).values(stalking_signs=None))
        rebuild_parties(conn)  # as resolved before any sweep: every incident may show signs
        conn.execute(delete(t.risk_assessments).where(t.risk_assessments.c.checklist == "sdash"))
    found = owed(engine, NOW)
    assert "sdash_missing" in {o.rule_id for o in found}
    assert found == owed_read_whole(engine, NOW)


def test_the_live_path_writes_the_signs_with_the_row_and_again_when_the_incident_changes(
    resolved_store: Any,
) -> None:
    """The live path reads the signs from the record before its write turn (no UPDATE after
    recognition): written with the incident's row, rewritten when its update says otherwise."""
    engine, model = resolved_store
    when = datetime(2026, 3, 1, 10, tzinfo=UTC)

    def kept() -> bool | None:
        with engine.connect() as conn:
            return conn.execute(
                select(t.incidents.c.stalking_signs).where(t.incidents.c.ref == "SIGNS-1")
            ).scalar_one()

    plain = incident("SIGNS-1", category="concern_for_welfare", narrative="Door found ajar.")
    submit(engine, model, parse_record(plain), when)
    assert kept() is False
    later = dict(plain, narrative="He keeps turning up outside her work and waits by her car.")
    updated = submit(engine, model, parse_record(later), when + timedelta(hours=1))
    assert updated.outcome == "updated"
    assert kept() is shows_stalking("SIGNS-1", "concern_for_welfare", None, later["narrative"])
    assert kept() is True


def every_page(engine: Any, now: datetime, size: int, **kw: Any) -> list[OwedPage]:
    """Each page of the owed list read a page at a time, and one past the end."""
    first = owed_page(engine, now, 1, size, **kw)
    return [first, *(owed_page(engine, now, n, size, **kw) for n in range(2, first.pages + 2))]


def assert_pages_are_the_whole_lists(engine: Any, now: datetime, **kw: Any) -> OwedPage:
    """Every page, at sizes that put the S-DASH and safety-plan items at each place on a
    page, and an officer's own list, equal the pages the whole list gives."""
    settings = kw.get("settings")
    whole = owed(engine, now, settings)  # the whole list, as the tests above check it
    for size in (1000, 25, 7):
        pages = every_page(engine, now, size, **kw)
        assert pages == [page_of(whole, n, size) for n in range(1, len(pages) + 1)]
        assert [o for p in pages[:-1] for o in p.items] == page_of(whole, 1, 10**6).items
    busiest = Counter(o.officer for o in whole if o.officer).most_common(1)[0][0]
    for asked in (busiest, f"  {busiest.upper()} ", "nobody of that name"):
        mine = every_page(engine, now, 3, officer=asked, **kw)
        assert mine == [page_of(whole, n, 3, asked) for n in range(1, len(mine) + 1)]
    return pages[0]


def assert_by_officer_is_the_whole_lists(engine: Any, now: datetime) -> dict[str, int]:
    """The DASH owed by officer, counted by the database, over periods that cut the list."""
    whole = [o for o in owed(engine, now) if o.rule_id.startswith("dash")]
    dues = sorted(o.due_at for o in whole if o.due_at)
    middle = dues[len(dues) // 2]
    for since, until in ((None, None), (middle, None), (None, middle), (dues[3], dues[-3])):
        counted = Counter(
            o.officer or NO_OFFICER
            for o in whole
            if o.due_at and (since is None or o.due_at >= since)
            and (until is None or o.due_at < until)
        )  # fmt: skip
        assert dash_owed_by_officer(engine, now, since, until) == dict(sorted(counted.items()))
    return dash_owed_by_officer(engine, now)


def every_rule_owes(engine: Any) -> None:
    """Every owed rule owes on the small force, its items spread among the DASH missing: the
    S-DASH removed (each course owes one), a third of the DASH late, a quarter of the graded
    assessments high with no safety plan."""
    i, a = t.incidents, t.risk_assessments
    with engine.begin() as conn:
        conn.execute(delete(a).where(a.c.checklist == "sdash"))  # each course owes an S-DASH
        dashes = conn.execute(
            select(a.c.id, i.c.reported_at)
            .join(i, i.c.ref == a.c.incident_ref)
            .where(a.c.checklist == "dash", a.c.id % 3 == 0)
        ).all()
        for d in dashes:  # completed two days after the report: late
            late = d.reported_at + timedelta(days=2, minutes=d.id)
            conn.execute(update(a).where(a.c.id == d.id).values(assessed_at=late))
        conn.execute(  # graded high with no safety plan
            update(a).where(a.c.grade.is_not(None), a.c.id % 4 == 1)
            .values(grade="high", safety_plan=False)
        )  # fmt: skip
        rebuild_first_dash(conn)  # written here, not through the store: kept again


def test_the_owed_pages_are_those_the_whole_list_gives(resolved_store: Any) -> None:
    engine, _model = resolved_store
    first = assert_pages_are_the_whole_lists(engine, NOW)
    assert first.total > 40 and len(first.items) == 7 and first.pages > 6
    every_rule_owes(engine)
    rules = Counter(o.rule_id for o in owed(engine, NOW))
    assert set(rules) == {"dash_missing", "dash_late", "sdash_missing", "safety_plan_missing"}
    assert_pages_are_the_whole_lists(engine, NOW)
    assert_pages_are_the_whole_lists(engine, NOW, settings=OwedSettings(course_min_incidents=3))
    assert_pages_are_the_whole_lists(engine, NOW - timedelta(days=400))
    later = OwedSettings(dash_deadline=timedelta(hours=72), sdash_deadline=timedelta(days=9))
    assert_pages_are_the_whole_lists(engine, NOW, settings=later)
    # a deadline of a fraction of a second is read from the whole list: still the same pages
    assert_pages_are_the_whole_lists(
        engine, NOW, settings=OwedSettings(dash_deadline=timedelta(hours=24, microseconds=5))
    )


def test_a_dash_due_to_the_microsecond_is_late_only_after_it(resolved_store: Any) -> None:
    """The database compares the first DASH with the deadline as Python does: a DASH at the
    deadline to the microsecond is on time, one a microsecond after is late."""
    engine, _model = resolved_store
    i, a = t.incidents, t.risk_assessments
    with engine.connect() as conn:
        dashes = conn.execute(
            select(a.c.id, i.c.id.label("incident"), i.c.reported_at)
            .join(i, i.c.ref == a.c.incident_ref)
            .where(a.c.checklist == "dash", i.c.domestic.is_(True))
            .order_by(a.c.id)
            .limit(2)
        ).all()
    deadline = OwedSettings().dash_deadline
    with engine.begin() as conn:  # reported at a fraction of a second; DASH at or after the due
        for d, extra in zip(dashes, (0, 1), strict=True):
            reported = d.reported_at + timedelta(microseconds=123457)
            conn.execute(update(i).where(i.c.id == d.incident).values(reported_at=reported))
            due = reported + deadline + timedelta(microseconds=extra)
            conn.execute(update(a).where(a.c.id == d.id).values(assessed_at=due))
        rebuild_first_dash(conn)
    page = assert_pages_are_the_whole_lists(engine, NOW)
    late = {o.incident_ref for o in owed(engine, NOW) if o.rule_id == "dash_late"}
    with engine.connect() as conn:
        refs = conn.execute(
            select(a.c.incident_ref).where(a.c.id.in_([d.id for d in dashes])).order_by(a.c.id)
        ).scalars().all()  # fmt: skip
    assert refs[0] not in late and refs[1] in late
    assert page.total == len(owed(engine, NOW))


def test_dash_owed_by_officer_is_counted_as_the_whole_list_counts(resolved_store: Any) -> None:
    engine, _model = resolved_store
    every_rule_owes(engine)  # the late DASH counted too
    by_officer = assert_by_officer_is_the_whole_lists(engine, NOW)
    assert len(by_officer) > 10
    with engine.begin() as conn:  # no officer recorded, either way
        conn.execute(update(t.incidents).where(t.incidents.c.id % 5 == 0).values(officer=None))
        conn.execute(update(t.incidents).where(t.incidents.c.id % 5 == 1).values(officer=""))
    assert NO_OFFICER in assert_by_officer_is_the_whole_lists(engine, NOW)


@pytest.mark.postgres
def test_the_owed_pages_on_postgresql(resolved_store: Any, postgres_schema_url: str) -> None:
    """The resolved small force copied to PostgreSQL gives the same pages and counts."""
    engine, _model = resolved_store
    every_rule_owes(engine)
    pg = open_store(postgres_schema_url)
    try:
        tables = (t.incidents, t.risk_assessments, t.mentions, t.entities, t.entity_members,
                  t.incident_parties)  # fmt: skip
        with engine.connect() as source, pg.begin() as target:
            for table in tables:
                rows = [dict(r._mapping) for r in source.execute(select(table))]
                target.execute(table.insert(), rows)
        first = assert_pages_are_the_whole_lists(pg, NOW)
        assert first == owed_page(engine, NOW, 1, 7)
        assert assert_by_officer_is_the_whole_lists(pg, NOW) == dash_owed_by_officer(engine, NOW)
    finally:
        pg.dispose()
