"""A person's communications summary for the picture: the stored messages and calls attached to
them (as a person or a mention) or to an incident in which they are the victim, counted by
:func:`threadline.recognise.contacts.summarise_contacts` against the orders that protect them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from threadline.crossref.history import orders_of, parties_of
from threadline.recognise.contacts import DEFAULT_SETTINGS, ContactSettings, summarise_contacts
from threadline.store.comms import contacts_of

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
    contacts = contacts_of(conn, attachments)
    if not contacts:
        return None
    order_keys = sorted(k for k in record_keys if k.startswith("order:"))
    orders = orders_of(conn, order_keys, parties_of(conn, order_keys)) if entity_id else []
    summary = summarise_contacts(contacts, orders, entity_id, settings)
    return summary.to_dict()
