"""Residents derived from the seed, newcomers, streets and registrations."""

from __future__ import annotations

import random
import re

from threadline.synth.places import build_streets, registration
from threadline.synth.population import Population

POSTCODE = re.compile(r"^(ST16|ST17|ST18|WS11|WS12|DE13) [0-9][ABD-HJLNP-UW-Z]{2}$")
REGISTRATION = re.compile(r"^[A-Z]{2}[0-9]{2} [A-HJ-PR-Z]{3}$")


def test_a_resident_is_the_same_every_time_and_differs_by_seed() -> None:
    a, b, c = Population(1, 1000, 2023), Population(1, 1000, 2023), Population(2, 1000, 2023)
    assert a.resident(17, 0) == b.resident(17, 0)
    assert [a.resident(h, 0).full_name for h in range(50)] != [
        c.resident(h, 0).full_name for h in range(50)
    ]


def test_households_share_an_address_and_no_two_households_do() -> None:
    population = Population(3, 5000, 2023)
    addresses = {population.address(h) for h in range(5000 + 600)}
    assert len(addresses) == 5600
    head, partner = population.resident(10, 0), population.resident(10, 1)
    assert (head.street, head.number) == (partner.street, partner.number)


def test_postcodes_and_registrations_have_valid_formats() -> None:
    for street in build_streets():
        assert POSTCODE.match(street.postcode), street.postcode
    for code in range(0, 10**9, 7_654_321):
        assert REGISTRATION.match(registration(code)), registration(code)


def test_newcomers_get_distinct_numbers_until_the_pool_runs_out() -> None:
    population = Population(4, 1000, 2023)
    rng = random.Random(0)
    phones = [population.newcomer(rng, sex="female", age=30).phones[0] for _ in range(300)]
    assert len(set(phones)) == 300
    assert all(re.match(r"^07700 900[0-2]\d\d$", p) for p in phones)
    assert population.newcomer(rng, sex="male", age=30).phones == []  # no number is reused


def _everyone(population: Population):
    for hh in range(population.households):
        for member in range(population.household_size(hh)):
            yield population.resident(hh, member)


def test_each_background_number_belongs_to_one_resident() -> None:
    population = Population(6, 3000, 2023)
    holders: dict[str, str] = {}
    for person in _everyone(population):
        for phone in person.phones:
            assert re.match(r"^07700 900[3-9]\d\d$", phone), phone
            assert holders.setdefault(phone, person.pid) == person.pid, f"{phone} shared"
        for platform, handle in person.accounts:
            if platform == "whatsapp":
                assert person.phones and handle == "+44" + person.phones[0].replace(" ", "")[1:]
    assert len(holders) == 700 == population.background_phone_holders
    # The holders are a pure function of the seed: rebuilt the same, different for another seed.
    again = Population(6, 3000, 2023)
    assert all(again.resident(*map(int, pid[1:].split("."))).phones == [phone]
               for phone, pid in holders.items())  # fmt: skip
    other = Population(7, 3000, 2023)
    assert {p.pid for p in _everyone(other) if p.phones} != set(holders.values())


def test_a_small_county_gives_a_phone_to_everyone_drawn_to_have_one() -> None:
    population = Population(8, 300, 2023)
    with_phone = [p for p in _everyone(population) if p.phones]
    assert 0 < len(with_phone) == population.background_phone_holders < 700
    assert all(2023 - p.dob[0] >= 11 for p in with_phone)


def test_namesakes_never_share_an_email_or_a_handle() -> None:
    population = Population(9, 1000, 2023)
    rng = random.Random(2)
    people = [
        population.newcomer(rng, sex="male", age=40, forenames="John", surname="Smith")
        for _ in range(200)
    ]
    emails = [e for p in people for e in p.emails]
    assert len(emails) == 200 == len(set(emails))
    tokens = {population.token(hh, m) for hh in range(2000) for m in range(5)}
    assert len(tokens) == 10_000


def test_adults_drawn_at_random_are_adults() -> None:
    population = Population(5, 2000, 2023)
    rng = random.Random(1)
    ages = [2023 - population.random_resident(rng).dob[0] for _ in range(500)]
    assert min(ages) >= 18
