"""A person's communications summary for the picture: the stored messages and calls attached to
them (as a person or a mention) or to an incident in which they are the victim, counted against
the orders that protect them.

The counts are read from ``communication_counts`` summed per day and channel in SQL
(:func:`threadline.store.comms.daily_counts`, :func:`~threadline.store.comms.sender_counts`) and
put together by :func:`threadline.recognise.contact_counts.summarise_days`; only the messages of
the busy hours where a burst may start are read (:func:`~threadline.store.comms.busy_hours`).
Where the stored counts cannot answer (the same message under two attachments read together,
another zone or night than the counts were stored in) the messages are counted by
:func:`threadline.recognise.contacts.summarise_contacts`: the same figures, slower.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from threadline.crossref.history import orders_of, parties_of, records_of_entities
from threadline.recognise.attribution import Clue
from threadline.recognise.contact_counts import burst_spans, summarise_days
from threadline.recognise.contacts import (
    DEFAULT_SETTINGS,
    ContactSettings,
    ContactSummary,
    bursts,
    contacts_only,
    summarise_contacts,
)
from threadline.recognise.history import Order
from threadline.store.comms import (
    COUNTED_IN,
    CountsOverlap,
    busy_hours,
    contacts_between,
    contacts_of,
    daily_counts,
    sender_counts,
)
from threadline.store.senders import sender_rows

#: The roles whose evidence of contacts received is theirs to count.
VICTIM_ROLES = frozenset({"victim"})


def attachments_for(
    entity_id: str | None, mention_key: str, incident_key: str, role: str
) -> list[str]:
    """Where a person's communications are stored: under them, and under the incident when they
    are its victim."""
    keys = [mention_key]
    if entity_id:
        keys.append(f"person:{entity_id}")
    if role in VICTIM_ROLES:
        keys.append(incident_key)
    return keys


def communications_summary(
    conn: Connection,
    attachments: Iterable[str],
    entity_id: str | None,
    record_keys: Iterable[str],
    settings: ContactSettings = DEFAULT_SETTINGS,
) -> dict[str, Any] | None:
    """Totals, per channel and day, night-time, bursts and contacts while an order protecting
    ``entity_id`` binds (from the orders among ``record_keys``); ``None`` when nothing is stored."""
    keys = list(attachments)
    order_keys = sorted(k for k in record_keys if k.startswith("order:"))

    def orders() -> list[Order]:
        return orders_of(conn, order_keys, parties_of(conn, order_keys)) if entity_id else []

    summary = stored_summary(conn, keys, orders, entity_id, settings)
    if summary is None:
        return None
    return {**summary.to_dict(), **senders_summary(conn, keys, entity_id)}


def stored_summary(
    conn: Connection,
    attachments: list[str],
    orders: Callable[[], list[Order]],
    protected: str | None,
    settings: ContactSettings = DEFAULT_SETTINGS,
) -> ContactSummary | None:
    """The summary of what is stored under ``attachments`` (see the module docstring), against
    ``orders()`` (asked only if something is stored); ``None`` when nothing is."""
    if COUNTED_IN.answers(settings):
        try:
            days = daily_counts(conn, attachments)
        except CountsOverlap:
            days = None
        if days is not None:
            if not days:
                return None
            spans = burst_spans(busy_hours(conn, attachments, settings), settings)
            busy = contacts_only(contacts_between(conn, attachments, spans))
            found = bursts(busy, settings)
            senders = sender_counts(conn, attachments)
            return summarise_days(days, senders, found, orders(), protected, settings)
    contacts = contacts_of(conn, attachments)
    if not contacts:
        return None
    return summarise_contacts(contacts, orders(), protected, settings)


@dataclass(frozen=True)
class CommsSubject:
    """Whose communications evidence is read: where it is stored (``attachments``) and the
    orders that protect them or bind them (for the chart's bands and the counts)."""

    attachments: list[str]
    orders: list[Order]
    protected: str | None


def person_subject(conn: Connection, entity_id: str) -> CommsSubject:
    """A person's: under them, under each of their mentions, and under each incident in which
    they are the victim (:func:`attachments_for`); the orders they are party to."""
    records = sorted(set().union(*records_of_entities(conn, [entity_id]).values()))
    parties = parties_of(conn, records)
    keys = {f"person:{entity_id}"}
    for record_key, people in parties.items():
        for person in people:
            if person["entity_id"] != entity_id:
                continue
            keys.add(person["mention_key"])
            if record_key.startswith("incident:") and person["role"] in VICTIM_ROLES:
                keys.add(record_key)
    order_keys = [k for k in records if k.startswith("order:")]
    orders = [
        o
        for o in orders_of(conn, order_keys, parties)
        if entity_id in o.protected or o.respondent == entity_id
    ]
    return CommsSubject(sorted(keys), orders, entity_id)


def incident_subject(conn: Connection, record_key: str) -> CommsSubject:
    """An incident's: under it and under each of its mentions; the orders protecting its
    victims (as people, where they are resolved)."""
    people = parties_of(conn, [record_key]).get(record_key, [])
    keys = {record_key, *(p["mention_key"] for p in people)}
    victims = {p["entity_id"] for p in people if p["role"] in VICTIM_ROLES and p["entity_id"]}
    records = sorted(set().union(*records_of_entities(conn, sorted(victims)).values()))
    order_keys = [k for k in records if k.startswith("order:")]
    orders = [
        o
        for o in orders_of(conn, order_keys, parties_of(conn, order_keys))
        if victims & set(o.protected)
    ]
    protected = next(iter(sorted(victims))) if len(victims) == 1 else None
    return CommsSubject(sorted(keys), orders, protected)


def senders_summary(
    conn: Connection, attachments: Iterable[str], victim: str | None
) -> dict[str, Any]:
    """Who the contacts came from, as attributed and counted when the evidence was imported
    (``comms_senders``; a few rows, never the messages): per person, their contacts, those after
    they were told to stop and those on days an order bound them (each a breach occasion of the
    order, Family Law Act 1996 s42A); and each sender with its status and its reason in words
    (``reason_withheld``: the same without numbers and handles, for roles that may not see
    contact details; ``guard.disclosure.disclose_picture`` chooses)."""
    people: dict[str, dict[str, Any]] = {}
    senders = []
    for row in sender_rows(conn, attachments):
        if row.status == "owner":
            continue
        entity = row.current_entity or row.entity_id
        clues = [Clue.from_json(item) for item in row.evidence or []]
        senders.append(
            {
                "sender": row.sender,
                "status": row.status,
                "entity_id": entity if row.status == "attributed" else None,
                "contacts": row.contacts,
                "after_stop": row.after_stop,
                "while_order_bound": dict(row.while_bound or {}),
                "first": row.first_at.isoformat() if row.first_at else None,
                "reason": "; ".join(c.sentence() for c in clues),
                "reason_withheld": "; ".join(c.sentence(withhold=True) for c in clues),
            }
        )
        if row.status != "attributed" or entity is None or entity == victim:
            continue
        person = people.setdefault(
            entity,
            {"entity_id": entity, "contacts": 0, "after_stop": 0, "while_order_bound": {},
             "senders": 0, "told_to_stop_at": None},
        )  # fmt: skip
        person["contacts"] += row.contacts
        person["after_stop"] += row.after_stop
        person["senders"] += 1
        for ref, n in (row.while_bound or {}).items():
            person["while_order_bound"][ref] = person["while_order_bound"].get(ref, 0) + n
        if row.told_to_stop_at is not None:
            told = row.told_to_stop_at.isoformat()
            if person["told_to_stop_at"] is None or told < person["told_to_stop_at"]:
                person["told_to_stop_at"] = told
    return {
        "from_people": sorted(people.values(), key=lambda p: -p["contacts"]),
        "senders": senders,
    }
