"""One-off incidents that make up most of a force's day: ASB, theft, damage, collisions, welfare.

Each is made on the fly from a small declared table of incident kinds (category, how often, who is
involved, where, how often a crime is recorded, narrative templates) and background residents, so
any number can be streamed. Trap people (twins, namesakes, common names) are slotted into these
same incidents through ``forced``.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.synth.assessments import assess
from threadline.synth.noise import Written
from threadline.synth.places import PUBLIC_PLACES, WORKPLACES
from threadline.synth.population import Person
from threadline.synth.recorder import Desk


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of everyday incident."""

    category: str
    weight: int
    suspect: str
    """``none``, ``known`` (named resident), ``unknown`` (description), ``either``, ``partner``."""
    relationship: str | None
    where: str
    """``home`` (the victim's address), ``street``, ``work`` or ``public``."""
    crime: float
    offence: str
    templates: tuple[str, ...]
    qualifiers: tuple[str, ...] = ()
    third_party: bool = False
    """Reported by someone else about the subject (a caller mention is added)."""
    vehicle: bool = False
    closes_as: str | None = None


KINDS: tuple[Kind, ...] = (
    Kind("asb", 15, "either", "stranger", "street", 0.0, "", (
        "Caller {v} reports a group of youths shouting and kicking a ball against cars on "
        "{street}. Suspect: {s}.",
        "{v} reports motorbikes being ridden on the footpath near {place}. Rider: {s}.",
        "Noise and shouting from a gathering on {street} since 11pm; caller {v}. Involved: {s}.",
    ), closes_as="public_order"),
    Kind("theft", 12, "either", "stranger", "public", 0.7, "Theft", (
        "{v} reports a bike stolen from outside {place}. CCTV may show {s}.",
        "{v} states a purse was taken from a bag while at {place}. Suspect described as {s}.",
        "Shoplifting at {work}: staff member {v} detained {s} with items worth about £{amount}.",
    )),
    Kind("criminal_damage", 8, "either", "stranger", "street", 0.6, "Criminal damage", (
        "{v} reports the windscreen of car {reg} smashed overnight on {street}. Seen nearby: {s}.",
        "Graffiti sprayed on the garage door at {v}'s home on {street}. Suspect: {s}.",
    ), vehicle=True),
    Kind("road_traffic", 10, "known", None, "street", 0.05, "Careless driving", (
        "RTC on {street}: two vehicles, {reg} and {reg2}, minor damage, no injuries. Drivers {v} "
        "and {s} exchanged details.",
        "{v} reports a vehicle {reg2} driven erratically on {street} towards {town}; driver {s}.",
    ), vehicle=True, closes_as="other"),
    Kind("concern_for_welfare", 10, "none", None, "home", 0.0, "", (
        "{c} concerned for {v}: not heard from for three days and not answering the phone.",
        "{c} reports {v} seemed very low on the phone and talked about ending things.",
        "{c} asks for a check on {v}, who lives alone on {street} and has not been seen.",
    ), qualifiers=("vulnerable",), third_party=True),
    Kind("suspicious_circumstances", 8, "unknown", "stranger", "street", 0.0, "", (
        "{v} reports {s} trying car door handles on {street}.",
        "Vehicle {reg2} parked with the engine running outside the school for an hour; caller "
        "{v} describes the driver as {s}.",
    ), vehicle=True, closes_as="other"),
    Kind("public_order", 5, "known", "stranger", "work", 0.5, "Public order offence", (
        "Fight outside {work} involving several males; {v} was pushed to the ground. {s} named "
        "by door staff.",
    )),
    Kind("assault", 6, "either", "acquaintance", "public", 0.85, "Assault", (
        "{v} states they were punched in the face during an argument at {place}. Suspect: {s}.",
        "{v} assaulted outside {work}; suspect ({s}) left on foot towards {town} centre.",
    )),
    Kind("burglary", 5, "unknown", "stranger", "home", 0.95, "Burglary - residential", (
        "{v} returned home to find the back door forced and a laptop and jewellery taken. "
        "Neighbour saw {s}.",
        "Shed broken into at {v}'s home overnight, tools and a bike taken. Possible suspect {s}.",
    )),
    Kind("domestic", 7, "partner", "partner", "home", 0.3, "Common assault (domestic)", (
        "{v} reports a verbal argument with partner {s}; no injuries, wants advice only.",
        "{v} says {s} threw a mug during an argument; no injuries, {s} has left the address.",
    ), qualifiers=("domestic",)),
    Kind("harassment", 3, "known", "acquaintance", "home", 0.5, "Harassment", (
        "{v} reports {s}, a former colleague, keeps posting comments about them on Facebook.",
        "{v} says {s} shouted abuse at them in the street again over a debt.",
    )),
    Kind("fraud", 3, "none", None, "home", 0.6, "Fraud by false representation", (
        "{v} paid £{amount} for a puppy advertised online; the seller now does not answer.",
        "{v} received a call claiming to be the bank and transferred £{amount}.",
    ), closes_as="other"),
    Kind("missing_person", 3, "none", None, "home", 0.0, "", (
        "{c} reports {v} has not returned home since yesterday evening; last seen near {place}.",
    ), qualifiers=("vulnerable",), third_party=True),
    Kind("threats", 2, "known", "acquaintance", "home", 0.6, "Threats to kill", (
        "{v} received a text from {s} saying they would 'get what's coming'.",
    )),
    Kind("malicious_communications", 2, "either", "acquaintance", "home", 0.5,
         "Malicious communications", (
        "{v} reports abusive messages on Instagram. Suspected sender: {s}.",
    )),
    Kind("neighbour_dispute", 1, "known", "neighbour", "home", 0.0, "", (
        "{v} reports a neighbour, {s}, has parked across the drive again.",
    ), closes_as="asb"),
    Kind("other", 5, "none", None, "street", 0.0, "", (
        "Lost property: {v} handed in a wallet found on {street}.",
        "{v} reports a loose dog on {street} that chased a child.",
    )),
)  # fmt: skip

_KIND_TABLE = tuple(k for k in KINDS for _ in range(k.weight))
_CHANNELS = ("999",) * 35 + ("101",) * 45 + ("online",) * 12 + ("in_person", "third_party") * 4
_DESCRIPTIONS = (
    "white male, 20s, dark hoodie",
    "male, about 5ft 10, grey tracksuit",
    "two teenage lads on bikes",
    "female, 30s, blonde hair, black coat",
    "Asian male, 20s, blue puffer jacket",
    "male in a high-vis jacket",
    "white male, 40s, bald, carrying a holdall",
    "unknown male",
)
_CALLER_RELATIONSHIPS = ("parent", "sibling", "friend", "neighbour", "child", "other_family")


def background_incident(
    desk: Desk, at: int, forced: Person | None = None, forced_role: str = "victim"
) -> str:
    """Write one everyday incident at ``at``; ``forced`` puts a given person in it."""
    rng, scribe, population, recorder = desk.rng, desk.scribe, desk.population, desk.recorder
    random_ = rng.random
    kind = _KIND_TABLE[int(random_() * len(_KIND_TABLE))]
    if forced is not None and forced_role == "suspect" and kind.suspect not in ("known", "either"):
        forced_role = "witness"
    victim = forced if forced is not None and forced_role == "victim" else None
    if victim is None:
        victim = population.random_resident(rng)
    channel = _CHANNELS[int(random_() * len(_CHANNELS))]

    people: list[Written] = []
    caller: Written | None = None
    if kind.third_party or random_() < 0.06:
        other = population.random_resident(rng)
        relationship = _CALLER_RELATIONSHIPS[int(random_() * len(_CALLER_RELATIONSHIPS))]
        caller = scribe.write(
            other, "caller", relationship=relationship, address=random_() < 0.4,
            phones=other.phones[:1],
        )  # fmt: skip
        people.append(caller)
    v_vehicles = victim.vehicles[:1] if kind.vehicle and random_() < 0.6 else ()
    v = scribe.write(
        victim,
        "victim",
        address=kind.where == "home" or random_() < 0.5,
        phones=victim.phones if caller is None and random_() < 0.75 else (),
        emails=victim.emails if channel == "online" else (),
        accounts=victim.accounts if random_() < 0.08 else (),
        vehicles=v_vehicles,
    )
    people.append(v)

    suspect_person: Person | None = None
    s: Written | None = None
    mode = kind.suspect
    if mode == "either":
        mode = "known" if random_() < 0.4 else "unknown"
    if forced is not None and forced_role == "suspect":
        suspect_person, mode = forced, "known"
    if mode == "known":
        suspect_person = suspect_person or population.random_resident(rng)
        s = scribe.write(
            suspect_person, "suspect", relationship=kind.relationship,
            address=random_() < 0.5,
            phones=suspect_person.phones[:1] if random_() < 0.25 else (),
            vehicles=suspect_person.vehicles[:1] if kind.vehicle and random_() < 0.5 else (),
        )  # fmt: skip
    elif mode == "partner":
        hh, _, member = victim.pid[1:].partition(".")
        partner_member = 1 if member == "0" else 0
        h = int(hh)
        if h < population.households and population.household_size(h) >= 2:
            suspect_person = population.resident(h, partner_member)
        else:
            suspect_person = population.random_resident(rng)
        s = scribe.write(suspect_person, "suspect", relationship="partner", address=False)
    elif mode == "unknown":
        s = scribe.unknown(
            "suspect", recorder.anonymous_pid(), _DESCRIPTIONS[int(random_() * len(_DESCRIPTIONS))]
        )
    if s is not None:
        people.append(s)
    if forced is not None and forced_role == "witness":
        people.append(scribe.write(forced, "witness", phones=forced.phones[:1]))
    elif random_() < 0.12:
        witness = population.random_resident(rng)
        people.append(scribe.write(witness, "witness", phones=witness.phones[:1]))

    street = victim.street
    if kind.where != "home":
        street = population.streets[int(random_() * len(population.streets))]
    values = {
        "v": v.name,
        "s": s.name if s is not None else "unknown",
        "c": caller.name if caller is not None else "caller",
        "street": street.name,
        "town": street.town,
        "place": PUBLIC_PLACES[int(random_() * len(PUBLIC_PLACES))],
        "work": WORKPLACES[int(random_() * len(WORKPLACES))],
        "reg": victim.vehicles[0][0] if victim.vehicles else "unknown vehicle",
        "reg2": (
            suspect_person.vehicles[0][0]
            if suspect_person is not None and suspect_person.vehicles
            else "unknown vehicle"
        ),
        "amount": 20 * (1 + int(random_() * 40)),
    }
    narrative = kind.templates[int(random_() * len(kind.templates))].format_map(values)
    if kind.where == "home":
        location = scribe.place(victim.street, victim.number)
    elif kind.where == "street":
        location = scribe.place(street, None)
    else:
        name = values["work"] if kind.where == "work" else values["place"]
        location = {"text": f"{name}, {street.name}, {street.town}"}
    occurred = None
    if kind.category in ("theft", "burglary", "criminal_damage"):
        start = at - rng.randrange(3600, 48 * 3600)
        occurred = (start, start + rng.randrange(0, at - start))
    officer = desk.officer() if random_() < 0.6 else None
    crime_ref = None
    if kind.crime and random_() < kind.crime:
        crime_ref = recorder.next_crime_ref(at + 3600)
    ref = recorder.incident(
        at,
        category=kind.category,
        channel=channel,
        people=people,
        narrative=narrative,
        location=location,
        qualifiers=kind.qualifiers,
        closing_category=kind.closes_as if kind.closes_as and random_() < 0.15 else None,
        occurred=occurred,
        officer=officer,
        crime_refs=(crime_ref,) if crime_ref else (),
    )
    if crime_ref:
        crime_people = [scribe.write(victim, "victim", address=random_() < 0.7)]
        if suspect_person is not None and s is not None and "unnamed" not in s.noise:
            crime_people.append(scribe.write(suspect_person, "suspect", address=False))
        elif s is not None:
            crime_people.append(scribe.unknown("suspect", s.pid, s.name))
        recorder.crime(
            crime_ref,
            at + rng.randrange(1800, 20 * 3600),
            offence=kind.offence,
            incident_ref=ref,
            people=crime_people,
            narrative=f"Crime recorded from {ref}. {narrative}",
            officer=officer,
        )
    if kind.category == "domestic" and random_() < desk.config.scenarios.dash_completion:
        assess(desk, at, incident_ref=ref, victim=victim, checklist="dash", severity=0.15)
    return ref
