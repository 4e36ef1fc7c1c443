"""Each incident's first DASH, kept beside it (``incidents.first_dash_at``, migration 0021),
rewritten wherever an incident or an assessment is written (:func:`threadline.store.records.
write_prepared`, which every import and submission goes through).

Issue 24: the dashboard's owed list counts the domestic incidents owed a DASH (none by now once
its deadline has passed, or the first after it); finding each one's first DASH by joining every
DASH assessment took 100 ms of the dashboard at a million incidents. The earliest DASH ever
recorded for an incident answers for any "now": the first by ``now`` is it when it is no later
than ``now``, and there is none otherwise. ``tests/store/test_first_dash.py`` checks the kept
times equal the assessments' after imports, submissions in either order and a DASH moved to
another incident, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from threadline.store import tables as t

#: Keys per ``IN`` list (well under SQLite's and PostgreSQL's parameter limits).
_BATCH = 500


def _first_dash() -> Any:
    i, a = t.incidents, t.risk_assessments
    return (
        select(func.min(a.c.assessed_at))
        .where(a.c.checklist == "dash", a.c.incident_ref == i.c.ref)
        .scalar_subquery()
    )


def keep_first_dash(
    conn: Connection,
    incident_keys: Collection[str] = (),
    assessment_keys: Collection[str] = (),
    refs: Collection[str] = (),
) -> None:
    """Rewrite the kept first DASH of the incidents ``incident_keys`` (record keys), of those
    the assessments ``assessment_keys`` (record keys) are for, and of the incidents ``refs``
    (references: those a replaced assessment was for): one statement per 500 of each."""
    i, a = t.incidents, t.risk_assessments
    chosen: list[Any] = []
    for keys, where in (
        (sorted(incident_keys), lambda chunk: i.c.record_key.in_(chunk)),
        (
            sorted(assessment_keys),
            lambda chunk: i.c.ref.in_(select(a.c.incident_ref).where(a.c.record_key.in_(chunk))),
        ),
        (sorted(refs), lambda chunk: i.c.ref.in_(chunk)),
    ):
        chosen += [where(keys[s : s + _BATCH]) for s in range(0, len(keys), _BATCH)]
    if not chosen:
        return
    conn.execute(update(i).where(or_(*chosen)).values(first_dash_at=_first_dash()))


def rebuild_first_dash(conn: Connection) -> None:
    """Rewrite every incident's kept first DASH (a test that changed the assessments behind the
    store's back). Migration 0021 fills them with its own copy of this statement, frozen;
    ``tests/store/test_kept_facts_migration.py`` holds the two to the same times."""
    conn.execute(update(t.incidents).values(first_dash_at=_first_dash()))
