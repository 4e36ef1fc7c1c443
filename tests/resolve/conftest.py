"""A generated population of person mentions for the linkage tests, and a model trained on it.

About 300 made-up people, each mentioned two to four times with the noise call handlers add
(nicknames, initials, typos, day and month swapped, partial or missing dates of birth, phones in
different formats, missing postcodes), plus the households that trip linkage up: fathers and sons
with the same name at the same address, and twins. All phone numbers are in Ofcom's drama range.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from threadline.resolve import LinkageModel, mention_features, train_model

FORENAMES: dict[str, list[str]] = {
    "jonathan": ["jon", "jonny"],
    "william": ["bill", "will"],
    "rebecca": ["becky", "bex"],
    "gareth": ["gaz"],
    "katherine": ["kath", "kate"],
    "nicholas": ["nick"],
    "michael": ["mike", "mick"],
    "elizabeth": ["liz", "beth"],
    "robert": ["bob", "rob"],
    "margaret": ["maggie", "peggy"],
    "daniel": ["dan", "danny"],
    "samantha": ["sam"],
    "christopher": ["chris"],
    "stephen": ["steve"],
    "thomas": ["tom"],
    "joseph": ["joe"],
    "susan": ["sue"],
    "patricia": ["trish"],
    "anthony": ["tony"],
    "deborah": ["debbie"],
    "aled": [],
    "siobhan": [],
    "priya": [],
    "tariq": [],
    "ffion": [],
    "callum": [],
}
SURNAMES = [
    "pritchard", "okafor", "nowak", "hughes", "fairbairn", "thistlewood", "mcandrew",
    "ravensworth", "bellingham", "quarrie", "ashdown", "pemberton", "kowalczyk", "adeyemi",
    "haverford", "lindqvist", "braithwaite", "mistry", "garside", "tregothnan", "whitlock",
    "oyelaran", "blackmore", "castellane", "dunmore", "ellwood", "farrant", "gilchrist",
    "holroyd", "ingleby", "jarrow", "kilbride", "lomax", "marchbank", "northcott", "oakridge",
    "smith", "jones", "taylor", "brown",
]  # fmt: skip
STREETS = ["high street", "mill lane", "church road", "station road", "park avenue", "the green"]
POSTCODE_DISTRICTS = ["LS6", "LS7", "M14", "CF24", "BS5", "NE6"]


FEMALE_NAMES = {
    "rebecca", "katherine", "elizabeth", "margaret", "samantha", "susan", "patricia",
    "deborah", "siobhan", "priya", "ffion",
}  # fmt: skip
FEMALE = "F"


def _postcode(rnd: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (
        f"{rnd.choice(POSTCODE_DISTRICTS)} {rnd.randint(1, 9)}"
        f"{rnd.choice(letters)}{rnd.choice(letters)}"
    )


@dataclass
class Person:
    person_id: str
    forename: str
    surname: str
    dob: dt.date
    house: int
    street: str
    postcode: str
    phone: str
    sex: str
    email: str
    account: tuple[str, str]
    vehicle: str
    mentions: list[dict[str, Any]] = field(default_factory=list)


def _phone_formats(number: str, rnd: random.Random) -> str:
    # number is the 3-digit tail in 07700 900000-900999
    return rnd.choice(
        [
            f"07700 900{number}",
            f"+44 7700 900{number}",
            f"07700900{number}",
            f"(07700) 900 {number}",
            f"0044 7700 900{number}",
        ]
    )


def _registration(i: int) -> str:
    """A made-up current-style registration, one per person: "AB12 CDE"."""
    letters = "ABCDEFGHJKLMNOPRSTUVWXYZ"
    a, b, c = (letters[(i // len(letters) ** k) % len(letters)] for k in range(3))
    return f"LS{10 + i % 60} {a}{b}{c}"


def _sex(sex: str, rnd: random.Random) -> str:
    if rnd.random() < 0.02:  # recorded wrongly
        return "M" if sex == FEMALE else FEMALE
    return sex


def _typo(name: str, rnd: random.Random) -> str:
    if len(name) < 5:
        return name
    i = rnd.randrange(1, len(name) - 1)
    kind = rnd.random()
    if kind < 0.4:
        return name[:i] + name[i + 1 :]  # drop a letter
    if kind < 0.7:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # transpose
    return name[:i] + name[i] + name[i:]  # double a letter


@dataclass
class Population:
    people: list[Person]
    households: dict[str, list[str]]  # kind -> person ids ("father_son", "twins")

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [m for p in self.people for m in p.mentions]

    @property
    def truth(self) -> dict[str, str]:
        return {m["mention_id"]: p.person_id for p in self.people for m in p.mentions}


def _mention(person: Person, n: int, rnd: random.Random) -> dict[str, Any]:
    forename = person.forename
    r = rnd.random()
    if r < 0.2 and FORENAMES.get(person.forename):
        forename = rnd.choice(FORENAMES[person.forename])
    elif r < 0.28:
        forename = person.forename[0].upper() + "."
    elif r < 0.36:
        forename = _typo(person.forename, rnd)
    surname = _typo(person.surname, rnd) if rnd.random() < 0.1 else person.surname
    dob: str | None = person.dob.isoformat()
    r = rnd.random()
    if r < 0.12:
        dob = None
    elif r < 0.22 and person.dob.day <= 12 and person.dob.day != person.dob.month:
        dob = f"{person.dob.year}-{person.dob.day:02d}-{person.dob.month:02d}"
    elif r < 0.27:
        dob = f"{person.dob.year + rnd.choice([-1, 1])}-{person.dob.month:02d}-{person.dob.day:02d}"
    elif r < 0.32:
        dob = str(person.dob.year)
    has_address = rnd.random() < 0.7
    # a number the person has since changed, or one someone else lent them
    phone = f"{rnd.randrange(1000):03d}" if rnd.random() < 0.08 else person.phone
    house, street, postcode = person.house, person.street, person.postcode
    if rnd.random() < 0.1:  # an address the person has since left
        house, street = rnd.randint(1, 120), rnd.choice(STREETS)
        postcode = _postcode(rnd)
    return {
        "mention_id": f"{person.person_id}-{n}",
        "forenames": forename.title(),
        "surname": surname.upper() if rnd.random() < 0.3 else surname.title(),
        "dob": dob,
        "sex": _sex(person.sex, rnd) if rnd.random() < 0.8 else None,
        "address_text": f"{house} {street.title()}" if has_address else None,
        "postcode": postcode if has_address and rnd.random() < 0.9 else None,
        "phones": [_phone_formats(phone, rnd)] if rnd.random() < 0.5 else [],
        "emails": [person.email] if rnd.random() < 0.3 else [],
        "accounts": [person.account] if rnd.random() < 0.2 else [],
        # drawn apart from ``rnd``, so that the rest of the population is as it was before
        "vehicles": [person.vehicle]
        if random.Random(f"{person.person_id}-{n}").random() < 0.3
        else [],
    }


def generate_population(n_people: int = 300, seed: int = 7) -> Population:
    """~n_people people with 2-4 noisy mentions each, including father/son pairs and twins."""
    rnd = random.Random(seed)
    phone_tails = iter(rnd.sample(range(1000), n_people + 40))
    people: list[Person] = []
    households: dict[str, list[str]] = {"father_son": [], "twins": []}

    def new_person(**overrides: Any) -> Person:
        i = len(people)
        forename = overrides.pop("forename", rnd.choice(list(FORENAMES)))
        surname = overrides.pop("surname", rnd.choice(SURNAMES))
        person = Person(
            person_id=f"p{i:03d}",
            forename=forename,
            surname=surname,
            dob=overrides.pop(
                "dob", dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(0, 20000))
            ),
            house=overrides.pop("house", rnd.randint(1, 120)),
            street=overrides.pop("street", rnd.choice(STREETS)),
            postcode=overrides.pop("postcode", _postcode(rnd)),
            phone=f"{next(phone_tails):03d}",
            sex=FEMALE if forename in FEMALE_NAMES else "M",
            email=f"{forename}.{surname}{i}@example.com",
            account=("facebook", f"{forename}{surname}{i}"),
            vehicle=overrides.pop("vehicle", _registration(i)),
        )
        people.append(person)
        return person

    n_households = 12
    for _ in range(n_households):
        father = new_person(dob=dt.date(rnd.randint(1950, 1965), rnd.randint(1, 12), 15))
        son = new_person(
            forename=father.forename,
            surname=father.surname,
            dob=dt.date(father.dob.year + rnd.randint(22, 32), rnd.randint(1, 12), 20),
            house=father.house,
            street=father.street,
            postcode=father.postcode,
            vehicle=father.vehicle,  # the family car
        )
        households["father_son"] += [father.person_id, son.person_id]
    for _ in range(n_households):
        first = new_person(forename=rnd.choice(["daniel", "rebecca", "aled", "priya"]))
        second = new_person(
            forename=rnd.choice(["thomas", "siobhan", "callum", "ffion"]),
            surname=first.surname,
            dob=first.dob,
            house=first.house,
            street=first.street,
            postcode=first.postcode,
        )
        households["twins"] += [first.person_id, second.person_id]
    while len(people) < n_people:
        new_person()
    for person in people:
        for n in range(rnd.randint(2, 4)):
            person.mentions.append(_mention(person, n, rnd))
    return Population(people=people, households=households)


@pytest.fixture(scope="session")
def make_population() -> Callable[..., Population]:
    """The generator itself, for tests that want a population of their own."""
    return generate_population


@pytest.fixture(scope="session")
def population() -> Population:
    return generate_population()


@pytest.fixture(scope="session")
def features(population: Population) -> pd.DataFrame:
    return mention_features(population.rows)


@pytest.fixture(scope="session")
def model(features: pd.DataFrame) -> LinkageModel:
    return train_model(features, trained_at="2026-01-01T00:00:00+00:00", seed=3, max_pairs=2e5)
