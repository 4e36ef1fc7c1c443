"""How the scribe bends a person: typos, phone formats, nicknames, addresses."""

from __future__ import annotations

import random
import re

from threadline.synth.config import NoiseRates
from threadline.synth.noise import PHONE_FORMATS, Scribe, typo, write_phone
from threadline.synth.places import build_streets
from threadline.synth.population import Person


def person(**overrides: object) -> Person:
    values = {
        "pid": "P1.0",
        "forenames": "Gareth",
        "surname": "Allen",
        "sex": "male",
        "dob": (1984, 3, 7),
        "street": build_streets()[0],
        "number": 14,
        "phones": ["07700 900123"],
    }
    values.update(overrides)
    return Person(**values)  # type: ignore[arg-type]


def test_typo_makes_one_slip_and_keeps_the_first_letter() -> None:
    rng = random.Random(1)
    for word in ("Jennifer", "Thompson", "Mohammed", "Kowalski"):
        for _ in range(50):
            slipped = typo(word, rng)
            assert slipped != word and slipped[0] == word[0]
            assert abs(len(slipped) - len(word)) <= 1


def test_every_phone_format_is_the_same_drama_number() -> None:
    written = {write_phone("07700 900123", style) for style in range(len(PHONE_FORMATS))}
    assert len(written) == len(PHONE_FORMATS)
    assert {"07700 900123", "+44 7700 900123", "07700900123", "(07700) 900 123",
            "447700900123"} <= written  # fmt: skip
    for text in written:
        assert re.sub(r"\D", "", text).endswith("7700900123")


def test_always_nickname_caps_and_abbreviate() -> None:
    rates = NoiseRates(nickname=1.0, all_caps=1.0, address_abbreviated=1.0, postcode_missing=1.0,
                       typo=0.0, surname_variant=0.0)  # fmt: skip
    written = Scribe(random.Random(2), rates).write(person(), "victim")
    assert written.mention["forenames"] == "GAZ"
    assert written.mention["surname"] == "ALLEN"
    assert "postcode" not in written.mention["address"]
    assert written.mention["address"]["text"].lower().startswith("14 ")
    assert {"nickname", "caps", "address_abbrev", "postcode_missing"} <= set(written.noise)


def test_surname_variant_and_unnamed_ex() -> None:
    rates = NoiseRates(surname_variant=1.0, nickname=0.0, initial_only=0.0, typo=0.0,
                       all_caps=0.0)  # fmt: skip
    scribe = Scribe(random.Random(3), rates)
    assert scribe.write(person(), "suspect").mention["surname"] == "Allan"
    ex = scribe.write(person(), "suspect", named=False, description="her ex",
                      relationship="former_partner")  # fmt: skip
    assert ex.pid == "P1.0" and ex.name == "her ex"
    assert "forenames" not in ex.mention and "dob" not in ex.mention
    assert ex.mention["description"] == "her ex"


def test_swap_only_when_the_swap_is_another_date() -> None:
    rates = NoiseRates(dob_swapped=1.0, dob_missing=0.0, dob_year_only=0.0, dob_uk_format=0.0)
    scribe = Scribe(random.Random(4), rates)
    assert scribe.write(person(dob=(1984, 3, 7)), "victim").mention["dob"] == "1984-07-03"
    assert scribe.write(person(dob=(1984, 3, 25)), "victim").mention["dob"] == "1984-03-25"
    assert scribe.write(person(dob=(1984, 5, 5)), "victim").mention["dob"] == "1984-05-05"
