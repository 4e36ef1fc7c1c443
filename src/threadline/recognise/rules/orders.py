"""Order breaches: the respondent of an order in force is the suspect, a protected person a victim.

Each breach is its own alert (one per order and incident) and is numbered among all reported
breaches of the same order, so the 7th breach says so instead of looking like the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from threadline.recognise.alerts import Finding
from threadline.recognise.context import Context
from threadline.recognise.history import Event, Order
from threadline.recognise.wording import listing, ordinal

#: Order types whose breach is itself a criminal offence.
CRIMINAL_BREACH = frozenset({"non_molestation", "restraining", "stalking_protection"})

#: What to do about a breach, by order type.
ORDER_ACTIONS: Mapping[str, str] = {
    "non_molestation": (
        "Active non-molestation order: this is an arrestable breach (a criminal offence, Family "
        "Law Act 1996 s42A, up to 5 years). Consider arrest, and check the respondent knew of the "
        "order."
    ),
    "restraining": (
        "Breach of a restraining order is a criminal offence: this is an arrestable breach. "
        "Consider arrest."
    ),
    "stalking_protection": (
        "Breach of a stalking protection order is a criminal offence (Stalking Protection Act "
        "2019, up to 5 years): this is an arrestable breach. Consider arrest."
    ),
    "domestic_violence_protection": (
        "Breach of a domestic violence protection order is not itself a crime, but the respondent "
        "may be arrested and brought before the magistrates. Consider arrest."
    ),
    "domestic_violence_protection_notice": (
        "Breach of a domestic violence protection notice is not itself a crime, but the respondent "
        "may be arrested and held for the magistrates' hearing. Consider arrest."
    ),
    "bail_conditions": (
        "Breach of bail conditions: the suspect may be arrested (Bail Act 1976 s7(3)). "
        "Consider arrest."
    ),
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


def breach_of(order: Order, incident: Event) -> tuple[str, ...]:
    """Protected people present when ``incident`` breaches ``order`` (empty when it does not)."""
    if not incident.is_incident or not order.binds_on(incident.day):
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


def order_facts(ctx: Context, order: Order) -> dict[str, str]:
    until = f"until {order.ends.isoformat()}" if order.ends else "no end date"
    court = f", {order.court}" if order.court else ""
    return {
        "order_label": order.label,
        "order_ref": order.ref,
        "starts": order.starts.isoformat(),
        "term": f"{until}{court}",
        "respondent": ctx.label(order.respondent),
        "conditions": order.conditions.strip() or "none recorded",
    }


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
                "order_action": ORDER_ACTIONS[str(order.order_type)],
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
            },
            notes=notes,
        )
