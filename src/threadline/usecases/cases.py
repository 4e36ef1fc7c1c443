"""Cases and notifications, as the API (``/api/cases``, ``/api/notifications``), the pages
(``/cases/{id}``, ``/notifications``) and the CLI (``threadline case ...``) all use them.

A case names a victim, a suspect and their incidents: each read is audited (``case.view``) with
its purpose and the people it shows, and disclosed for the role
(:func:`threadline.guard.disclosure.disclose_case`). A step (assign, note, close, reopen) is
checked by :mod:`threadline.recognise.cases` and stored with its audit row
(:func:`threadline.crossref.cases.take_case_step`). Refusals: 404 for an unknown case, 403 when
the role (or, closing, who they are) may not, 409 when the case's state does not allow the
step, 422 naming the field at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.cases import CaseNotFound, case_view, show_case, take_case_step
from threadline.export.plain import plain
from threadline.guard.disclosure import disclose_case
from threadline.guard.users import User
from threadline.recognise.actions import Actor
from threadline.recognise.cases import CaseStep
from threadline.store import writing
from threadline.store.cases import list_cases, mark_read, notifications_for
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, refused_steps


def _people(case: dict[str, Any]) -> list[str]:
    return [f"person:{p}" for p in sorted({case["suspect"], case["victim"]})]


def view_case(engine: Engine, auditor: Auditor, case_id: int, purpose: str) -> dict[str, Any]:
    """The case with its incidents, steps, notifications and owed arrest decisions, fit for the
    user's role; the look audited (``case.view``) with the case and its two people."""
    try:
        case = show_case(engine, case_id)
    except CaseNotFound as missing:
        raise NotFound(str(missing), field="case_id") from None
    auditor("case.view", [f"case:{case_id}", *_people(case)], purpose, detail={"case": case_id})
    return disclose_case(case, auditor.user.role)


def find_cases(
    engine: Engine,
    auditor: Auditor,
    purpose: str,
    *,
    officer: str | None = None,
    mine: bool = False,
    status: str | None = None,
    entity: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Cases newest first (of ``officer``, or the user's own with ``mine``; with ``status``;
    naming ``entity``), each with its people's names and its number of incidents; the look
    audited with every person listed."""
    officers: list[str] = []
    if mine:
        officers = names_of(auditor.user)
    elif officer:
        officers = [officer]
    with engine.connect() as conn:
        rows = list_cases(conn, officers=officers, status=status, entity=entity, limit=limit)
        found = [_summary(conn, row) for row in rows]
    people = sorted({p for c in found for p in _people(c)})
    auditor(
        "case.view",
        people,
        purpose,
        detail={"cases": len(found), "officer": officer, "mine": mine, "status": status},
    )
    return found


def _summary(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    view = case_view(conn, row)
    keep = ("incidents", "steps", "notifications", "breaches")
    summary = {k: v for k, v in view.items() if k not in keep}
    summary["incident_count"] = len(view["incidents"])
    summary["decisions_owed"] = sum(1 for b in view["breaches"] if not b["decided"])
    return summary


def take_case_step_as(
    engine: Engine,
    auditor: Auditor,
    case_id: int,
    step: CaseStep,
    now: datetime,
    purpose: str,
    **given: Any,
) -> dict[str, Any]:
    """The auditor's user takes ``step`` on case ``case_id``; the case as it then stands, fit
    for their role."""

    def audit(conn: Connection, action: str, records: list[str], detail: dict[str, Any]) -> None:
        auditor.within(conn, action, records, purpose, detail)

    user = auditor.user
    with refused_steps(user.role.value, {CaseNotFound: "case_id"}):
        view = take_case_step(
            engine, case_id, step, Actor(user.username, user.role.value), now, audit, **given
        )
    return disclose_case(view, user.role)


def names_of(user: User) -> list[str]:
    """The names a case or a notification may give a user by: their user name and, since an
    incident names the officer who took it as written, their display name."""
    return list(dict.fromkeys([user.username, user.display_name]))


def my_notifications(engine: Engine, user: User, *, unread: bool = False) -> list[dict[str, Any]]:
    """What the user was told (newest first): an incident joined their case, a case opened or
    was handed to them."""
    with engine.connect() as conn:
        rows = notifications_for(conn, names_of(user), unread=unread)
    return [{k: plain(v) for k, v in r.items()} for r in rows]


def read_notifications(engine: Engine, user: User, ids: Sequence[int], now: datetime) -> int:
    """Mark the user's notifications ``ids`` read; how many were unread (others' are untouched)."""
    with writing(engine, alone=False) as conn:
        return mark_read(conn, names_of(user), ids, now)
