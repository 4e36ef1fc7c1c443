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
from functools import cache
from typing import Any

from sqlalchemy import Connection, Update, bindparam, func, select, update

from threadline.store import tables as t
from threadline.store.queries import fetch_together

#: Keys per ``IN`` list (well under SQLite's and PostgreSQL's parameter limits).
_BATCH = 500


def _first_dash() -> Any:
    i, a = t.incidents, t.risk_assessments
    return (
        select(func.min(a.c.assessed_at))
        .where(a.c.checklist == "dash", a.c.incident_ref == i.c.ref)
        .scalar_subquery()
    )


@cache
def _updates() -> tuple[Update, Update, Update]:
    """The first DASH rewritten for the incidents with the record keys ``keys``, for those the
    assessments with the record keys ``keys`` are for, and for the incidents with the
    references ``keys``: each built once, its keys one list (one array on PostgreSQL)."""
    i, a = t.incidents, t.risk_assessments
    keys: Any = bindparam("keys", expanding=True)
    of_assessments = i.c.ref.in_(select(a.c.incident_ref).where(a.c.record_key.in_(keys)))
    return tuple(  # type: ignore[return-value]
        update(i).where(where).values(first_dash_at=_first_dash())
        for where in (i.c.record_key.in_(keys), of_assessments, i.c.ref.in_(keys))
    )


def first_dash_updates(
    incident_keys: Collection[str] = (),
    assessment_keys: Collection[str] = (),
    refs: Collection[str] = (),
) -> list[tuple[Update, dict[str, Any]]]:
    """The statements (with their parameters) that rewrite the kept first DASH of the incidents
    ``incident_keys`` (record keys), of those the assessments ``assessment_keys`` (record keys)
    are for, and of the incidents ``refs`` (references: those a replaced assessment was for):
    one per 500 of each, none where there are none. They return nothing and need nothing
    read first, so a writer sends them with its inserts (one round trip on PostgreSQL)."""
    found: list[tuple[Update, dict[str, Any]]] = []
    for statement, keys in zip(_updates(), (incident_keys, assessment_keys, refs), strict=True):
        ordered = sorted(keys)
        found += [
            (statement, {"keys": ordered[s : s + _BATCH]}) for s in range(0, len(ordered), _BATCH)
        ]
    return found


def keep_first_dash(
    conn: Connection,
    incident_keys: Collection[str] = (),
    assessment_keys: Collection[str] = (),
    refs: Collection[str] = (),
) -> None:
    """Rewrite the kept first DASH of the incidents ``incident_keys`` (record keys), of those
    the assessments ``assessment_keys`` (record keys) are for, and of the incidents ``refs``
    (references: those a replaced assessment was for): :func:`first_dash_updates`, sent in
    one round trip."""
    fetch_together(conn, first_dash_updates(incident_keys, assessment_keys, refs))


def rebuild_first_dash(conn: Connection) -> None:
    """Rewrite every incident's kept first DASH (a test that changed the assessments behind the
    store's back). Migration 0021 fills them with its own copy of this statement, frozen;
    ``tests/store/test_kept_facts_migration.py`` holds the two to the same times."""
    conn.execute(update(t.incidents).values(first_dash_at=_first_dash()))
