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
    return None if summary is None else summary.to_dict()


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
