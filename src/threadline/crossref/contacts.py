"""A person's communications summary for the picture: the stored messages and calls attached to
them (as a person or a mention) or to an incident in which they are the victim, counted by
:func:`threadline.recognise.contacts.summarise_contacts` against the orders that protect them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from threadline.crossref.history import orders_of, parties_of
from threadline.recognise.attribution import Clue
from threadline.recognise.contacts import DEFAULT_SETTINGS, ContactSettings, summarise_contacts
from threadline.store.comms import contacts_of
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
    contacts = contacts_of(conn, attachments)
    if not contacts:
        return None
    order_keys = sorted(k for k in record_keys if k.startswith("order:"))
    orders = orders_of(conn, order_keys, parties_of(conn, order_keys)) if entity_id else []
    summary = summarise_contacts(contacts, orders, entity_id, settings)
    return {**summary.to_dict(), **senders_summary(conn, attachments, entity_id)}


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
