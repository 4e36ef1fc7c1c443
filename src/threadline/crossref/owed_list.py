"""The owed list a page at a time, counted and paged in the database (issue 24: the dashboard and
the accountability page at a force of a million incidents).

:func:`threadline.crossref.risk.owed` builds every owed assessment in Python from every domestic
incident; the dashboard shows 25 of them and their count, and the accountability page counts the
DASH owed by officer. Here the DASH rules (:func:`threadline.risk.owed_dash`: a domestic incident
with no DASH once its deadline has passed, or whose first DASH came after it) are asked of the
database, which counts them, groups them by officer and returns the rows of one page, newest due
first, through the indexes on the domestic incidents with each one's first DASH kept beside it
(migrations 0018 and 0021, :mod:`threadline.store.first_dash`). Only the page's rows are read
and put through :func:`owed_dash` itself for their reasons. The other rules (an S-DASH for a
course of conduct, a safety plan for a victim graded high) owe few and are built in Python as
before, from the incidents with stalking signs and their kept victim and suspect
(:mod:`threadline.store.parties`) and the assessments of the victims ever graded high; the two
sorted lists are merged for the page. ``tests/crossref/test_owed_kept.py`` checks each page,
count and officer's count equal what the whole list gives.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, func, or_, select

from threadline.crossref.risk import (
    assessment_facts_from_store,
    named_in,
    owed,
    owed_incident_facts,
    people_by_role,
    victim_and_suspect,
)
from threadline.risk import (
    OWED_RULES,
    AssessmentFacts,
    Grade,
    IncidentFacts,
    OwedAssessment,
    OwedSettings,
    owed_dash,
    owed_safety_plans,
    owed_sdash,
)
from threadline.store import tables as t
from threadline.store.types import shifted

_ORDER = {r.id: i for i, r in enumerate(OWED_RULES)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
#: No officer recorded, as the accountability report names it.
NO_OFFICER = "(no officer)"


@dataclass(frozen=True)
class OwedPage:
    """One page of the owed assessments, the newest due first (what was owed last is the one
    whose window to act is still open), optionally one officer's."""

    items: list[OwedAssessment]
    total: int
    page: int
    pages: int
    officer: str | None = None


def newest_first(o: OwedAssessment) -> tuple[int, int, int, str]:
    """The owed list's page order as a key: the newest due first, then the rules in their
    declared order and the incident reference (the order :func:`owed_assessments` leaves
    equal dues in); an item with no due last."""
    if o.due_at is None:
        return (1, 0, _ORDER[o.rule_id], o.incident_ref)
    return (0, -((o.due_at - _EPOCH) // _MICRO), _ORDER[o.rule_id], o.incident_ref)


def page_of(
    owed_list: Sequence[OwedAssessment], page: int = 1, size: int = 25, officer: str | None = None
) -> OwedPage:
    """``owed_list`` (the whole list) newest due first, ``officer``'s alone if given (as
    recorded, any case), the ``page``-th ``size`` of them (the last page when ``page`` is past
    it): the page :func:`owed_page` reads from the database, made from the whole list."""
    wanted = _wanted(officer)
    chosen = [o for o in owed_list if wanted is None or (o.officer or "").casefold() == wanted]
    chosen.sort(key=lambda o: (o.due_at is not None, o.due_at or datetime.min), reverse=True)
    pages = max(1, -(-len(chosen) // size))
    page = min(max(1, page), pages)
    start = (page - 1) * size
    return OwedPage(chosen[start : start + size], len(chosen), page, pages, wanted and officer)


def _wanted(officer: str | None) -> str | None:
    return officer.strip().casefold() if officer and officer.strip() else None


def _seconds(span: timedelta) -> int | None:
    """``span`` in whole seconds, or ``None`` where it has a fraction of one (then the whole
    list is built instead: the database shifts times by whole seconds)."""
    whole = span // timedelta(seconds=1)
    return whole if timedelta(seconds=whole) == span else None


def _dash_owed(now: datetime, s: OwedSettings, deadline: int) -> Any:
    """The domestic incidents a DASH is owed for as of ``now`` (:func:`owed_dash`'s rule in
    SQL), with their rule: none by ``now`` once the deadline has passed, or the first after it.
    Each incident's first DASH is the one kept beside it (:mod:`threadline.store.first_dash`):
    the first by ``now`` where it is no later than ``now``, none otherwise; so the incidents
    are counted, and a page read newest first, from one index."""
    i = t.incidents
    first = i.c.first_dash_at
    none_by_now = first.is_(None) | (first > now)
    late = (first <= now) & (first > shifted(i.c.reported_at, deadline))
    missing = none_by_now & (i.c.reported_at < now - s.dash_deadline)
    rule = case((missing, 0), else_=1)
    return select(
        i.c.id, i.c.record_key, i.c.ref, i.c.reported_at, i.c.officer, rule.label("rule")
    ).where(i.c.domestic.is_(True), i.c.reported_at <= now, or_(missing, late))


def _bytewise(engine: Engine, column: Any) -> Any:
    """``column`` ordered as Python orders strings (by code point): PostgreSQL's ``C``
    collation; SQLite's own (``BINARY``, on UTF-8) already is."""
    return column.collate("C") if engine.dialect.name == "postgresql" else column


def _officers(conn: Connection, wanted: str) -> list[str]:
    """The officers as recorded on the domestic incidents whose name, in any case, is
    ``wanted`` (already case-folded): matched in Python, as the whole list matches them."""
    i = t.incidents
    recorded = conn.execute(
        select(i.c.officer).where(i.c.domestic.is_(True), i.c.officer.is_not(None)).distinct()
    ).scalars()
    return [o for o in recorded if o.casefold() == wanted]


def _dash_items(
    conn: Connection, rows: Sequence[Any], now: datetime, s: OwedSettings
) -> list[OwedAssessment]:
    """The page's DASH rows as :func:`owed_dash` words them, one incident at a time."""
    a = t.risk_assessments
    refs = sorted({r.ref for r in rows})
    dashes: dict[str, list[AssessmentFacts]] = {}
    for r in conn.execute(
        select(a.c.ref, a.c.incident_ref, a.c.assessed_at)
        .where(a.c.incident_ref.in_(refs), a.c.checklist == "dash")
        .order_by(a.c.id)
    ):
        dashes.setdefault(r.incident_ref, []).append(
            AssessmentFacts(r.ref, r.incident_ref, "dash", r.assessed_at, None, False)
        )
    people = people_by_role(conn, {r.record_key for r in rows})
    items = []
    for r in rows:
        victim, suspect = victim_and_suspect(people.get(r.record_key, {}))
        fact = IncidentFacts(r.ref, r.reported_at, True, r.officer, victim, suspect)
        (item,) = owed_dash([fact], dashes.get(r.ref, []), now, s)
        items.append(item)
    return items


def _others(engine: Engine, now: datetime, s: OwedSettings) -> list[OwedAssessment]:
    """The S-DASH and safety-plan owed, built as :func:`threadline.crossref.risk.owed` builds
    them from the facts those rules act on alone: the incidents with stalking signs (kept or
    read on the spot) and the assessments of the S-DASH checklist and of the people ever graded
    high."""
    facts = [f for f in owed_incident_facts(engine, s.course_min_incidents, False) if f.stalking]
    assessments = _graded_high_and_sdash(engine, now)
    labels = named_in(engine, facts, assessments)
    return [
        *owed_sdash(facts, assessments, now, s, labels),
        *owed_safety_plans(assessments, now, labels),
    ]


def _graded_high_and_sdash(engine: Engine, now: datetime) -> list[AssessmentFacts]:
    """The S-DASH assessments, and the graded assessments by ``now`` of each person graded high
    by then (or, with no person, of the assessment graded high itself): all
    :func:`owed_sdash` and :func:`owed_safety_plans` look at to find what they owe. Asked in
    three parts, each through its index (the checklist; the grade; the people's memberships),
    not as one condition over every assessment (half a second at a million incidents)."""
    a, em = t.risk_assessments, t.entity_members
    by_now = a.c.grade.is_not(None) & (a.c.assessed_at <= now)
    high = assessment_facts_from_store(engine, by_now & (a.c.grade == Grade.high.value))
    people = sorted({f.subject_entity for f in high if f.subject_entity})
    theirs = [
        f
        for start in range(0, len(people), 500)
        for f in assessment_facts_from_store(
            engine, by_now & em.c.entity_id.in_(people[start : start + 500]), of_people=True
        )
    ]
    sdash = assessment_facts_from_store(engine, a.c.checklist == "sdash")
    return list(dict.fromkeys([*sdash, *high, *theirs]))


def owed_page(
    engine: Engine,
    now: datetime,
    page: int = 1,
    size: int = 25,
    officer: str | None = None,
    settings: OwedSettings | None = None,
) -> OwedPage:
    """The ``page``-th ``size`` of the assessments owed as of ``now`` (``officer``'s alone if
    given, as recorded, any case), the newest due first, with their count: the page
    :func:`page_of` makes from the whole list, read a page at a time."""
    s = settings or OwedSettings()
    deadline = _seconds(s.dash_deadline)
    if deadline is None:
        return page_of(owed(engine, now, s), page, size, officer)
    wanted = _wanted(officer)
    others = sorted(
        (o for o in _others(engine, now, s)
         if wanted is None or (o.officer or "").casefold() == wanted),
        key=newest_first,
    )  # fmt: skip
    i = t.incidents
    dash = _dash_owed(now, s, deadline)
    with engine.connect() as conn:
        if wanted is not None:
            mine = i.c.officer.in_(_officers(conn, wanted))
            dash = dash.where(mine)
        counted = conn.execute(select(func.count()).select_from(dash.subquery())).scalar_one()
        total = counted + len(others)
        pages = max(1, -(-total // size))
        page = min(max(1, page), pages)
        start = (page - 1) * size
        # the DASH rows that can fall on the page: those ranked from ``start`` less every
        # other item (all of which could come before them) to the page's end
        low = max(0, start - len(others))
        rows = conn.execute(
            dash.order_by(i.c.reported_at.desc(), "rule", _bytewise(engine, i.c.ref), i.c.id)
            .offset(low)
            .limit(start + size - low)
        ).all()
        dashes = _dash_items(conn, rows, now, s)
    placed = _merge(dashes, low, counted, others)
    chosen = [o for at, o in placed if start <= at < start + size]
    return OwedPage(chosen, total, page, pages, wanted and officer)


def _merge(
    dashes: list[OwedAssessment], low: int, counted: int, others: list[OwedAssessment]
) -> list[tuple[int, OwedAssessment]]:
    """Each item's place in the whole list: the DASH items ``dashes`` are those ranked from
    ``low`` among ``counted`` in all, ``others`` are every other item, each list newest first.
    An item of ``others`` whose place lies outside the DASH items read is left out when it
    cannot be told exactly: it then lies off the page (:func:`owed_page` reads enough)."""
    keys = [newest_first(o) for o in dashes]
    other_keys = [newest_first(o) for o in others]
    placed = [
        (low + n + bisect_left(other_keys, k), o)
        for n, (k, o) in enumerate(zip(keys, dashes, strict=True))
    ]
    read_to = low + len(dashes)
    for n, (k, o) in enumerate(zip(other_keys, others, strict=True)):
        before = bisect_left(keys, k)
        if (before == 0 and low > 0) or (before == len(keys) and read_to < counted):
            continue
        placed.append((n + low + before, o))
    return sorted(placed, key=lambda p: p[0])


def _within(when: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when < until)


def dash_owed_by_officer(
    engine: Engine,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    settings: OwedSettings | None = None,
) -> dict[str, int]:
    """The DASH owed as of ``now`` (missing or late) by officer (:data:`NO_OFFICER` where none
    is recorded), of the incidents whose DASH fell due in ``[since, until)``, counted by the
    database; by officer's name."""
    s = settings or OwedSettings()
    deadline = _seconds(s.dash_deadline)
    if deadline is None:
        whole = Counter(
            o.officer or NO_OFFICER
            for o in owed(engine, now, s)
            if o.rule_id.startswith("dash")
            and (o.due_at is None or _within(o.due_at, since, until))
        )
        return dict(sorted(whole.items()))
    i = t.incidents
    dash = _dash_owed(now, s, deadline)
    if since is not None:  # due at or after ``since``: reported at or after ``since`` - deadline
        dash = dash.where(i.c.reported_at >= since - s.dash_deadline)
    if until is not None:
        dash = dash.where(i.c.reported_at < until - s.dash_deadline)
    found = dash.subquery()
    with engine.connect() as conn:
        rows = conn.execute(select(found.c.officer, func.count()).group_by(found.c.officer)).all()
    counts: Counter[str] = Counter()
    for officer, count in rows:
        counts[officer or NO_OFFICER] += count
    return dict(sorted(counts.items()))
