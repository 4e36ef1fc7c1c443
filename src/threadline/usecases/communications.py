"""Communications evidence: a person's or an incident's messages and calls, counted per day and
listed with filters, for the API (``/api/people/{id}/communications``,
``/api/incidents/{ref}/communications``) and the page (``/people/{id}/communications``).

Two actions of :mod:`threadline.guard.policy` decide what is shown: ``communications.view``
(the counts and the list: when, over which channel, what kind, from whom) and
``communications.content`` (what the messages say: text and attachments). A role without the
second sees the list with the content withheld, never a different shape. Who sent a message
and to whom are contact details (a number, a handle, the victim's own name on her messages):
shown as :func:`~threadline.guard.disclosure.may_see_contact` allows, and a role that may not
see them may not filter by them either.

Every look is audited with its purpose, found or not: ``communications.content`` when the
content was shown, ``communications.view`` otherwise, naming the person or incident and where
the messages are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from threadline.crossref.contacts import CommsSubject, incident_subject, person_subject
from threadline.guard.disclosure import WITHHELD, may_see_contact
from threadline.guard.policy import allowed
from threadline.model.base import FORCE_TIMEZONE
from threadline.model.comms import CommsChannel
from threadline.recognise.history import Order
from threadline.store.comms import (
    COUNTED_IN,
    MessageQuery,
    daily_contacts,
    incident_key,
    list_communications,
    sender_counts,
)
from threadline.store.lookups import entity_exists
from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, Unprocessable

#: Messages per page at most.
MAX_LIMIT = 500
#: The fields of a message that are its content.
CONTENT_FIELDS = ("text", "attachments")


@dataclass(frozen=True)
class MessageFilters:
    """What the user asked for: a channel, a sender as written (``''``: not said), the local
    days ``first`` to ``last`` (both included), and a page."""

    channel: str | None = None
    sender: str | None = None
    first: date | None = None
    last: date | None = None
    offset: int = 0
    limit: int = 50

    def given(self) -> dict[str, Any]:
        """The filters set, as JSON (for the audit row and the answer)."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in (
                ("channel", self.channel),
                ("sender", self.sender),
                ("from", self.first),
                ("to", self.last),
            )
            if value is not None
        }


def _check(filters: MessageFilters, role: str) -> None:
    if filters.channel is not None and filters.channel not in set(CommsChannel):
        channels = ", ".join(c.value for c in CommsChannel)
        raise Unprocessable(f"no channel {filters.channel!r}; one of {channels}", field="channel")
    if filters.first and filters.last and filters.first > filters.last:
        raise Unprocessable("'from' is after 'to'", field="from")
    if not 0 <= filters.offset:
        raise Unprocessable("offset is at least 0", field="offset")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise Unprocessable(f"limit is 1 to {MAX_LIMIT}", field="limit")
    if filters.sender is not None and not may_see_contact(role):
        raise Unprocessable(
            f"a {role} may not filter by sender: who sent a message is contact detail withheld "
            "from that role",
            field="sender",
        )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), FORCE_TIMEZONE)


def _message(row: Any, content: bool, contact: bool) -> dict[str, Any]:
    withheld: list[str] = []
    item = {
        "at": row.at.isoformat(),
        "channel": row.channel,
        "kind": row.kind,
        "direction": row.direction,
        "sender": row.sender,
        "recipients": list(row.recipients or []),
        "duration": row.duration,
        "text": row.text,
        "attachments": list(row.attachments or []),
        "thread": row.thread,
        "file": row.file,
        "line": row.line,
    }
    if not content:
        for name in CONTENT_FIELDS:
            if item[name]:
                withheld.append(name)
            item[name] = [] if name == "attachments" else None
    if not contact:
        if item["sender"]:
            item["sender"] = WITHHELD
            withheld.append("sender")
        if item["recipients"]:
            item["recipients"] = [WITHHELD for _ in item["recipients"]]
            withheld.append("recipients")
        if item["thread"]:  # named after the other party (a WhatsApp file, a Facebook title)
            item["thread"] = WITHHELD
            withheld.append("thread")
    item["withheld"] = sorted(withheld)
    return item


def _band(order: Order, entity_id: str | None) -> dict[str, Any]:
    start = order.binds_from()
    return {
        "ref": order.ref,
        "label": order.label,
        "role": "respondent" if order.respondent == entity_id else "protected",
        "starts": order.starts.isoformat(),
        "binds_from": None if start is None else start.isoformat(),
        "ends": None if order.ends is None else order.ends.isoformat(),
        "binding": order.binding,
    }


def _read(
    conn: Connection, subject: CommsSubject, filters: MessageFilters, role: str, listing: bool
) -> dict[str, Any]:
    """The subject's evidence as ``role`` is shown it: what the messages say only to a role that
    may read content (and only when ``listing``), senders only to one that sees contact
    details."""
    content = listing and allowed(role, "communications.content")
    contact = may_see_contact(role)
    query = MessageQuery(
        channel=filters.channel,
        sender=filters.sender,
        since=None if filters.first is None else _local_midnight(filters.first),
        until=None if filters.last is None else _local_midnight(filters.last + timedelta(1)),
        offset=filters.offset,
        limit=filters.limit,
    )
    total, rows = list_communications(conn, subject.attachments, query) if listing else (0, [])
    days = daily_contacts(
        conn,
        subject.attachments,
        channel=filters.channel,
        sender=filters.sender,
        first=filters.first,
        last=filters.last,
    )
    senders = sender_counts(conn, subject.attachments)
    return {
        "content_shown": content,
        "contact_details_shown": contact,
        "filters": filters.given(),
        "total": total,
        "offset": filters.offset,
        "limit": filters.limit,
        "messages": [_message(row, content, contact) for row in rows],
        "per_day": [
            {"day": day.isoformat(), "channel": channel, "count": count}
            for day, channels in days.items()
            for channel, count in sorted(channels.items())
        ],
        "contacts": sum(sum(channels.values()) for channels in days.values()),
        "senders": [
            {"sender": (sender or None) if contact else WITHHELD, "count": count}
            for sender, count in sorted(senders.items(), key=lambda i: -i[1])
        ],
        "channels": [c.value for c in CommsChannel],
        "orders": [_band(o, subject.protected) for o in subject.orders],
        "timezone": str(COUNTED_IN.settings.timezone),
    }


def _audit(
    auditor: Auditor,
    records: list[str],
    purpose: str,
    detail: dict[str, Any],
    content: bool,
) -> None:
    action = "communications.content" if content else "communications.view"
    auditor(action, records, purpose, detail=detail)


def person_communications(
    engine: Engine,
    auditor: Auditor,
    entity_id: str,
    purpose: str,
    filters: MessageFilters,
    *,
    listing: bool = True,
) -> dict[str, Any]:
    """A person's communications evidence (see the module docstring), for the user's role;
    with ``listing`` false, the counts only (no message is read, none is listed)."""
    key = f"person:{entity_id}"

    def subject(conn: Connection) -> tuple[str, CommsSubject] | None:
        return (key, person_subject(conn, entity_id)) if entity_exists(conn, entity_id) else None

    missing = NotFound(f"no person {entity_id}", field="entity_id")
    return _answer(engine, auditor, purpose, filters, subject, (key, missing), listing)


def incident_communications(
    engine: Engine, auditor: Auditor, ref: str, purpose: str, filters: MessageFilters
) -> dict[str, Any]:
    """An incident's communications evidence (see the module docstring), for the user's role."""

    def subject(conn: Connection) -> tuple[str, CommsSubject] | None:
        key = incident_key(conn, ref)
        return None if key is None else (key, incident_subject(conn, key))

    missing = NotFound(f"no incident {ref}", field="ref")
    return _answer(engine, auditor, purpose, filters, subject, (f"incident-ref:{ref}", missing))


def _answer(
    engine: Engine,
    auditor: Auditor,
    purpose: str,
    filters: MessageFilters,
    subject_of: Callable[[Connection], tuple[str, CommsSubject] | None],
    missing: tuple[str, NotFound],
    listing: bool = True,
) -> dict[str, Any]:
    """The communications evidence of the subject ``subject_of`` finds (its record key and
    attachments), read for the user's role and audited; if there is none, the look is audited
    under ``missing``'s key and its refusal raised."""
    role = auditor.user.role
    _check(filters, role)
    with engine.connect() as conn:
        found = subject_of(conn)
        if found is None:
            _audit(auditor, [missing[0]], purpose, {"found": False}, False)
            raise missing[1]
        key, subject = found
        answer = _read(conn, subject, filters, role, listing)
    detail = {"found": True, "filters": filters.given(), "shown": len(answer["messages"])}
    _audit(auditor, [key, *subject.attachments], purpose, detail, answer["content_shown"])
    return {"subject": key, **answer}


def person_contact_days(
    engine: Engine, auditor: Auditor, entity_id: str, purpose: str
) -> dict[str, Any]:
    """A person's contacts per day and the orders' bands, for the chart on their page: the
    counts only, no message read. Audited (``communications.view``)."""
    return person_communications(
        engine, auditor, entity_id, purpose, MessageFilters(), listing=False
    )


__all__ = [
    "MAX_LIMIT",
    "MessageFilters",
    "incident_communications",
    "person_communications",
    "person_contact_days",
]
