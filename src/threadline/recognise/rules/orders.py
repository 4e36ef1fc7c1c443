"""Order breaches: the respondent of an order in force is the suspect, a protected person a victim.

Each breach is its own alert (one per order and incident) and is numbered among all reported
breaches of the same order, so the 7th breach says so instead of looking like the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from threadline.recognise.alerts import Finding
from threadline.recognise.context import Context
from threadline.recognise.history import Event, Order
from threadline.recognise.wording import listing, ordinal

#: The offence a breach of each order type is, with its section; an order type absent here is
#: not itself an offence to breach (``/work/shared/domain.md``, "Law and recording rules").
BREACH_OFFENCES: Mapping[str, str] = {
    "non_molestation": "breach of a non-molestation order, Family Law Act 1996 s42A (up to 5 "
    "years)",
    "restraining": "breach of a restraining order (a criminal offence)",
    "stalking_protection": "breach of a stalking protection order or interim order, Stalking "
    "Protection Act 2019 s8 (up to 5 years)",
    "domestic_abuse_protection": "breach of a domestic abuse protection order, Domestic Abuse "
    "Act 2021 s39 (up to 5 years)",
}

#: Order types whose breach is itself a criminal offence.
CRIMINAL_BREACH = frozenset(BREACH_OFFENCES)

#: The arrest prompt for every breach. The category "arrestable offence" ended when SOCPA 2005
#: s110 replaced PACE s24: an arrest without warrant needs the s24(5) necessity test, and the
#: College of Policing APP expects positive action and a recorded rationale when there is none.
POSITIVE_ACTION = (
    "Take positive action: arrest if it is necessary under PACE s24(5), for example to protect "
    "a child or other vulnerable person (s24(5)(d)) or to allow the prompt and effective "
    "investigation of the offence (s24(5)(e)). If there is no arrest, record the rationale; a "
    "supervisor signs it off."
)

#: What the breach is, by order type; :data:`POSITIVE_ACTION` follows each.
ORDER_ACTIONS: Mapping[str, str] = {
    "non_molestation": "Active non-molestation order: breach is a criminal offence (Family Law "
    "Act 1996 s42A, up to 5 years).",
    "restraining": "Breach of a restraining order is a criminal offence.",
    "stalking_protection": "Breach of a stalking protection order (or an interim order) without "
    "reasonable excuse is a criminal offence (Stalking Protection Act 2019 s8, up to 5 years).",
    "domestic_abuse_protection": "Breach of a domestic abuse protection order is a criminal "
    "offence (Domestic Abuse Act 2021 s39, up to 5 years).",
    "domestic_abuse_protection_notice": "Breach of a domestic abuse protection notice is not "
    "itself a crime, but the person may be arrested and held for the court (Domestic Abuse Act "
    "2021, Part 3).",
    "domestic_violence_protection": "Breach of a domestic violence protection order is not "
    "itself a crime, but the respondent may be arrested and brought before the magistrates.",
    "domestic_violence_protection_notice": "Breach of a domestic violence protection notice is "
    "not itself a crime, but the respondent may be arrested and held for the magistrates' "
    "hearing.",
    "bail_conditions": "Breach of bail conditions: a person on pre-charge bail who breaks a "
    "condition may be arrested without warrant (PACE s46A(1A)); on bail from a court, Bail Act "
    "1976 s7(3).",
}

#: What the alert says about when the order came to bind (Family Law Act 1996 s42A(2)).
BINDING_WORDS: Mapping[str, str] = {
    "on_notice": "made on notice, binding from the day it was made",
    "served": "served on {served}, binding from then",
    "not_served": "made without notice and not served",
    "unknown": "service not recorded: check the respondent knew of the order (Family Law Act "
    "1996 s42A(2)); counted from the day after it was granted",
}

REPEAT_BREACH_NOTE = (
    "Earlier breaches of this order were reported ({earlier}): deal with them together, not one at "
    "a time, and record a stalking or harassment crime for the course of conduct."
)


@dataclass(frozen=True)
class Breach:
    """One reported breach: order, incident, who was there, and its number among breaches."""

    order: Order
    incident: Event
    protected_present: tuple[str, ...]
    respondent_role: str
    protected_role: str
    number: int
    earlier: tuple[str, ...]


def _role(incident: Event, entity_id: str) -> str:
    roles = [p.role for p in incident.parties if p.entity_id == entity_id]
    for preferred in ("suspect", "victim", "caller", "third_party", "witness"):
        if preferred in roles:
            return preferred
    return roles[0] if roles else "absent"


#: Words by which a report says it is about a breach of an order.
_SAYS_BREACH = re.compile(
    r"\bbreach\w*|\b(?:non-molestation|restraining|protection)\s+order\b|\binjunction\b", re.I
)


def before_it_bound(order: Order, incident: Event) -> bool:
    """Whether ``incident``, reported on the day the order came to bind, may be conduct from
    before it did. An order binds from when it is made (on notice) or served (Family Law Act 1996
    s42A(2)): a time of day the record does not hold, and the incident that led to the order is
    often reported that morning. On that first day a report counts as a breach only when it says
    so (a breach category, or words of a breach or an order)."""
    if order.binding not in ("on_notice", "served") or incident.day != order.binds_from():
        return False
    return "breach_of_order" not in incident.categories and not _SAYS_BREACH.search(
        incident.narrative
    )


def breach_of(order: Order, incident: Event) -> tuple[str, ...]:
    """Protected people present when ``incident`` breaches ``order`` (empty when it does not)."""
    if not incident.is_incident or not order.binds_on(incident.day):
        return ()
    if before_it_bound(order, incident):
        return ()
    if order.respondent in incident.suspects:
        targets = incident.entities("victim", "caller")
        present = tuple(p for p in order.protected if p in targets)
        if present:
            return present
    if "breach_of_order" in incident.categories and order.respondent in incident.entities():
        everyone = incident.entities()
        return tuple(p for p in order.protected if p in everyone)
    return ()


def find_breaches(ctx: Context) -> list[Breach]:
    """Breaches the anchor incidents make of every order in force on their day, numbered."""

    def compute() -> list[Breach]:
        found = []
        for incident in ctx.anchors:
            for order in ctx.orders:
                present = breach_of(order, incident)
                if not present:
                    continue
                refs = [e.ref for e in ctx.incidents if breach_of(order, e)]
                position = refs.index(incident.ref)
                found.append(
                    Breach(
                        order=order,
                        incident=incident,
                        protected_present=present,
                        respondent_role=_role(incident, order.respondent),
                        protected_role=_role(incident, present[0]),
                        number=position + 1,
                        earlier=tuple(refs[:position]),
                    )
                )
        return found

    return ctx.memo("breaches", compute)


def binding_words(order: Order) -> str:
    """How the order came to bind, in words (:data:`BINDING_WORDS`)."""
    served = order.served.isoformat() if order.served else ""
    return BINDING_WORDS[order.binding].format(served=served)


def order_facts(ctx: Context, order: Order) -> dict[str, str]:
    until = f"until {order.ends.isoformat()}" if order.ends else "no end date"
    court = f", {order.court}" if order.court else ""
    return {
        "order_label": order.label,
        "order_ref": order.ref,
        "starts": order.starts.isoformat(),
        "term": f"{until}{court}; {binding_words(order)}",
        "respondent": ctx.label(order.respondent),
        "conditions": order.conditions.strip() or "none recorded",
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def find_order_breaches(ctx: Context) -> Iterator[Finding]:
    for breach in find_breaches(ctx):
        order = breach.order
        facts = order_facts(ctx, order)
        facts.update(
            {
                "ordinal": ordinal(breach.number).capitalize(),
                "incident": breach.incident.ref,
                "protected": listing(ctx.label(p) for p in breach.protected_present),
                "respondent_role": f"the {breach.respondent_role}".replace("_", " "),
                "protected_role": f"the {breach.protected_role}".replace("_", " "),
                "order_action": f"{ORDER_ACTIONS[str(order.order_type)]} {POSITIVE_ACTION}",
            }
        )
        notes = (
            (REPEAT_BREACH_NOTE.format(earlier=listing(breach.earlier)),) if breach.earlier else ()
        )
        yield Finding(
            subject=f"{order.ref}:{breach.incident.ref}",
            people=(order.respondent, *breach.protected_present),
            cited=(*breach.earlier, breach.incident.ref),
            facts=facts,
            details={
                "order_ref": order.ref,
                "order_type": str(order.order_type),
                "interim": order.interim,
                "starts": order.starts.isoformat(),
                "ends": order.ends.isoformat() if order.ends else None,
                "court": order.court,
                "conditions": order.conditions,
                "breach_number": breach.number,
                "earlier_breaches": list(breach.earlier),
                "criminal_offence": str(order.order_type) in CRIMINAL_BREACH,
                "breach_offence": BREACH_OFFENCES.get(str(order.order_type)),
                "served": order.served.isoformat() if order.served else None,
                "on_notice": order.on_notice,
                "binds_from": _iso(order.binds_from()),
            },
            notes=notes,
        )
