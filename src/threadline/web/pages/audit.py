"""The audit log page, for auditors: who looked at what, when and why, filtered by user, person,
purpose, action and date, and a button that verifies the hash chain and shows its head
(:mod:`threadline.usecases.audit`, the same as ``/api/audit`` and ``/api/audit/verify``).
Reading the log is itself logged."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from threadline.api.deps import Audited, EngineDep, anchor_file_of, require
from threadline.guard.audit import Anchor
from threadline.guard.users import User
from threadline.model import FORCE_TIMEZONE
from threadline.usecases.audit import AuditQuery, chain_head, read_audit, verify_audit
from threadline.usecases.errors import Unprocessable
from threadline.web.paths import incident_path, person_path
from threadline.web.rendering import render

router = APIRouter(include_in_schema=False)

AuditReader = Annotated[User, require("audit.read")]
ROWS_SHOWN = 200


def _text(max_length: int) -> Any:
    return Query(max_length=max_length)


def _day_start(day: date | None, after: int = 0) -> datetime | None:
    """Midnight at the start of ``day`` (plus ``after`` days) in the force's time zone."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=after), time(), tzinfo=FORCE_TIMEZONE)


def _day(text: str | None, field: str) -> date | None:
    """A date field as the form sends it: empty for none, else YYYY-MM-DD."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Unprocessable("a date is written YYYY-MM-DD", field=field) from None


def _whole(text: str | None, field: str) -> int | None:
    """A count as the form sends it: empty for none, else a whole number."""
    if not text or not text.strip():
        return None
    if not text.strip().isdigit():
        raise Unprocessable("the noted row count is a whole number", field=field)
    return int(text.strip())


def record_href(record: str) -> str | None:
    """A page for an audit row's record, where there is one."""
    kind, _, key = record.partition(":")
    if kind == "person":
        return person_path(key)
    if kind == "incident-ref":
        return incident_path(key)
    return None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: AuditReader,
    engine: EngineDep,
    audited: Audited,
    by: Annotated[str | None, _text(80)] = None,
    person: Annotated[str | None, _text(40)] = None,
    purpose: Annotated[str | None, _text(500)] = None,
    action: Annotated[str | None, _text(40)] = None,
    since_text: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    until_text: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    verify: bool = False,
    head_rows_text: Annotated[str | None, Query(alias="head_rows", max_length=20)] = None,
    head_hash_text: Annotated[str | None, Query(alias="head_hash", max_length=64)] = None,
) -> HTMLResponse:
    """The newest rows matching the filters; with ``verify``, the chain checked (against the
    server's anchor file and the head given, if any) and its head now. A field the form sends
    empty (a date, the noted head) is not given."""
    since, until = _day(since_text, "from"), _day(until_text, "to")
    head_rows = _whole(head_rows_text, "head_rows")
    head_hash = (head_hash_text or "").strip() or None
    if head_hash is not None and not re.fullmatch("[0-9a-f]{64}", head_hash):
        raise Unprocessable("the noted hash is 64 hexadecimal digits", field="head_hash")
    filters = {"by": by, "person": person, "purpose": purpose, "action": action}
    filters = {k: v.strip() or None if v else None for k, v in filters.items()}
    query = AuditQuery(
        since=_day_start(since),
        until=_day_start(until, after=1),
        user=filters["by"],
        action=filters["action"],
        person=filters["person"],
        purpose=filters["purpose"],
        limit=ROWS_SHOWN,
    )
    rows = read_audit(engine, audited, query)
    checked = None
    if verify:
        saved = Anchor(head_rows, head_hash) if head_rows is not None and head_hash else None
        checked = verify_audit(engine, anchor_file_of(request), saved)
    context = {
        "rows": rows,
        "filters": {k: v or "" for k, v in filters.items()},
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "shown": ROWS_SHOWN,
        "checked": checked,
        "head": chain_head(engine) if verify else None,
        "href": record_href,
    }
    return render(request, "audit.html", user, context)
