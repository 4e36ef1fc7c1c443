"""Traps for record linkage: people who look alike but are not the same, slotted into background.

Twins (same surname, date of birth and address, different forenames); a father and son with the
same full name at one address, born 25–35 years apart; groups of unrelated people who share a full
name in different towns; several people called John Smith, Mohammed Khan and David Jones. (The
stalker's namesake is made with each ex-partner series.) Each appears in a few everyday incidents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from threadline.synth.background import background_incident
from threadline.synth.names import VERY_COMMON_NAMES
from threadline.synth.plan import Plan, Render
from threadline.synth.population import Person, forename_for
from threadline.synth.recorder import Desk

_ROLES = ("victim", "victim", "witness", "suspect")


def appearances(plan: Plan, person: Person, entry: dict[str, Any], count: int) -> None:
    """Put ``person`` in ``count`` everyday incidents at random times; refs go to ``entry``."""
    for _ in range(count):
        at = plan.rng.randrange(plan.t0, plan.t1)
        plan.add(at, _appear(person, plan.rng.choice(_ROLES), entry))


def _appear_each(plan: Plan, people: Iterable[Person], entry: dict[str, Any], most: int) -> int:
    """Put each of ``people`` in 1 to ``most`` everyday incidents (:func:`appearances`); returns
    how many incidents that is."""
    n = 0
    for person in people:
        k = plan.rng.randint(1, most)
        appearances(plan, person, entry, k)
        n += k
    return n


def _appear(person: Person, role: str, entry: dict[str, Any]) -> Render:
    def render(desk: Desk, at: int) -> str:
        ref = background_incident(desk, at, forced=person, forced_role=role)
        entry["incident_refs"].append(ref)
        return ref

    return render


def plan_twins(plan: Plan) -> int:
    """One pair of twins living with a parent; returns the incidents planned."""
    rng = plan.rng
    age = rng.randint(16, 40)
    home = plan.population.new_household()
    origin = rng.choice(("english", "english", "south_asian", "irish", "polish"))
    parent = plan.newcomer(sex=rng.choice(("female", "male")), age=age + rng.randint(22, 35),
                           household=home, origin=origin)  # fmt: skip
    # Polish surnames change with sex (Kowalski, Kowalska): such twins are of one sex.
    pairs = (("female", "female"), ("male", "male"), ("female", "male"))
    sex_a, sex_b = rng.choice(pairs[:2] if origin == "polish" else pairs)
    a = plan.newcomer(sex=sex_a, age=age, household=home, member=1, origin=origin,
                      surname=parent.surname)  # fmt: skip
    b = plan.newcomer(sex=sex_b, age=age, household=home, member=2, origin=origin,
                      surname=a.surname)  # fmt: skip
    while b.forenames == a.forenames:
        b.forenames = forename_for(origin, sex_b, a.dob[0], rng.getrandbits(32))
    b.dob = a.dob
    entry = {"people": [a.pid, b.pid], "incident_refs": []}
    plan.traps.setdefault("twins", []).append(entry)
    return _appear_each(plan, (a, b), entry, 3)


def plan_father_son(plan: Plan) -> int:
    """A father and son with the same full name at one address."""
    rng = plan.rng
    father_age = rng.randint(50, 78)
    son_age = father_age - rng.randint(25, 35)
    home = plan.population.new_household()
    father = plan.newcomer(sex="male", age=father_age, household=home, origin="english")
    son = plan.newcomer(sex="male", age=max(18, son_age), household=home, member=1,
                        forenames=father.forenames, surname=father.surname)  # fmt: skip
    entry = {
        "people": [father.pid, son.pid],
        "name": father.full_name,
        "incident_refs": [],
    }
    plan.traps.setdefault("father_son", []).append(entry)
    return _appear_each(plan, (father, son), entry, 3)


def plan_same_name(plan: Plan) -> int:
    """Two or three unrelated people with one full name, in different towns, born apart."""
    rng = plan.rng
    model = plan.population.random_resident(rng)
    towns: set[str] = set()
    people = []
    for _ in range(rng.randint(2, 3)):
        street = rng.choice(plan.population.streets)
        while street.town in towns:
            street = rng.choice(plan.population.streets)
        towns.add(street.town)
        people.append(
            plan.newcomer(
                sex=model.sex, age=rng.randint(18, 80), forenames=model.forenames,
                surname=model.surname, street=street, number=rng.randint(1, 140),
            )
        )  # fmt: skip
    entry = {"name": model.full_name, "people": [p.pid for p in people], "incident_refs": []}
    plan.traps.setdefault("same_name_strangers", []).append(entry)
    return _appear_each(plan, people, entry, 2)


def plan_common_names(plan: Plan, per_name: int) -> int:
    """``per_name`` unrelated John Smiths, Mohammed Khans and David Joneses."""
    rng = plan.rng
    n = 0
    for forenames, surname, sex, origin in VERY_COMMON_NAMES:
        people: list[str] = []
        entry = {"name": f"{forenames} {surname}", "people": people, "incident_refs": []}
        for _ in range(per_name):
            person = plan.newcomer(sex=sex, age=rng.randint(18, 80), forenames=forenames,
                                   surname=surname, origin=origin)  # fmt: skip
            people.append(person.pid)
            n += _appear_each(plan, (person,), entry, 3)
        plan.traps.setdefault("common_names", []).append(entry)
    return n
