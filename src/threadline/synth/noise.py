"""How a call handler writes a person down: the noise between who someone is and what is recorded.

:class:`Scribe` turns a true :class:`~threadline.synth.population.Person` into one mention in the
import format, bending it at the rates of :class:`~threadline.synth.config.NoiseRates`, and says
which bends it made (the ``noise`` tags kept in the truth). It only makes noise; cleaning it is the
job of :mod:`threadline.normalise`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from threadline.synth.config import NoiseRates
from threadline.synth.names import NICKNAMES, SURNAME_VARIANTS
from threadline.synth.places import MAX_HOUSE_NUMBER
from threadline.synth.population import Person

#: Ways people type 07700 900123 (the first is this generator's canonical form).
PHONE_FORMATS = (
    "07700 {n}",
    "+44 7700 {n}",
    "07700{n}",
    "(07700) {a} {b}",
    "44 7700 {n}",
    "447700{n}",
    "07700 {a} {b}",
    "+447700{n}",
    "0044 7700 {n}",
)

_NEIGHBOURS = {
    "a": "qsz",
    "b": "vgn",
    "c": "xdv",
    "d": "sfe",
    "e": "wrd",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "i": "uok",
    "j": "hku",
    "k": "jli",
    "l": "kop",
    "m": "nj",
    "n": "bmh",
    "o": "ipl",
    "p": "ol",
    "q": "wa",
    "r": "etf",
    "s": "adw",
    "t": "ryg",
    "u": "yij",
    "v": "cbf",
    "w": "qes",
    "x": "zc",
    "y": "tuh",
    "z": "xa",
}


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip after the first letter: a deletion, transposition or substitution."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    roll = rng.random()
    if roll < 0.34 and i < len(word) - 1 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if roll < 0.67:
        lower = word[i].lower()
        options = _NEIGHBOURS.get(lower)
        if options:
            new = rng.choice(options)
            return word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1 :]
    return word[:i] + word[i + 1 :]


def write_phone(number: str, style: int) -> str:
    """``07700 900123`` written in format ``style`` of :data:`PHONE_FORMATS`."""
    n = number[-6:]
    return PHONE_FORMATS[style].format(n=n, a=n[:3], b=n[3:])


class Written:
    """One mention as written, with the true person behind it and the noise that was applied."""

    __slots__ = ("pid", "mention", "noise", "name", "person")

    def __init__(
        self,
        pid: str,
        mention: dict[str, Any],
        noise: list[str],
        name: str,
        person: Person | None = None,
    ) -> None:
        self.pid = pid
        self.person = person
        self.mention = mention
        self.noise = noise
        self.name = name


class Scribe:
    """Writes people down as a busy call handler would, at the configured noise rates."""

    def __init__(self, rng: random.Random, rates: NoiseRates) -> None:
        self.rng = rng
        self.r = rates
        # Identifiers left out are drawn apart from ``rng``, so a force that keeps them all (the
        # default) is written exactly as before for the same seed.
        self.sparse = (
            random.Random(hash(tuple(rng.getstate()[1][:8])))
            if rates.identifiers_recorded < 1
            else None
        )

    def write(
        self,
        person: Person,
        role: str,
        *,
        relationship: str | None = None,
        description: str | None = None,
        named: bool = True,
        address: bool = True,
        phones: Sequence[str] = (),
        emails: Sequence[str] = (),
        accounts: Sequence[tuple[str, str]] = (),
        vehicles: Sequence[tuple[str, str, str, str]] = (),
        pid: str | None = None,
    ) -> Written:
        """Write ``person`` in ``role``; ``named=False`` records them only by ``description``."""
        rng, r = self.rng, self.r
        random_ = rng.random
        noise: list[str] = []
        m: dict[str, Any] = {"role": role}
        if named:
            fore, sur = person.forenames, person.surname
            nicks = NICKNAMES.get(fore)
            if nicks and random_() < r.nickname:
                fore = nicks[int(random_() * len(nicks))]
                noise.append("nickname")
            elif random_() < r.initial_only:
                fore = fore[0]
                noise.append("initial")
            variants = SURNAME_VARIANTS.get(sur)
            if variants and random_() < r.surname_variant:
                sur = variants[int(random_() * len(variants))]
                noise.append("surname_variant")
            if random_() < r.typo:
                if len(fore) > 2 and random_() < 0.5:
                    fore = typo(fore, rng)
                else:
                    sur = typo(sur, rng)
                noise.append("typo")
            if random_() < r.all_caps:
                fore, sur = fore.upper(), sur.upper()
                noise.append("caps")
            m["forenames"] = fore
            m["surname"] = sur
            name = f"{fore} {sur}"
            roll = random_()
            if roll < r.dob_missing:
                noise.append("dob_missing")
            elif roll < r.dob_missing + r.dob_year_only:
                m["dob"] = str(person.dob[0])
                noise.append("dob_year")
            else:
                y, mo, d = person.dob
                if d <= 12 and d != mo and random_() < r.dob_swapped:
                    mo, d = d, mo
                    noise.append("dob_swapped")
                if random_() < r.dob_uk_format:
                    m["dob"] = f"{d:02d}/{mo:02d}/{y:04d}"
                else:
                    m["dob"] = f"{y:04d}-{mo:02d}-{d:02d}"
            if random_() < 0.85:
                m["sex"] = person.sex
            if address:
                m["address"] = self.address(person, noise)
        else:
            noise.append("unnamed")
            name = description or "unknown person"
        if self.sparse is not None:
            kept = self.r.identifiers_recorded
            phones = [p for p in phones if self.sparse.random() < kept]
            emails = [e for e in emails if self.sparse.random() < kept]
            accounts = [a for a in accounts if self.sparse.random() < kept]
        if phones:
            written = []
            for phone in phones:
                if random_() < r.phone_reformat:
                    written.append(write_phone(phone, 1 + int(random_() * 8)))
                    noise.append("phone_format")
                else:
                    written.append(phone)
            m["phones"] = written
        if emails:
            m["emails"] = [e.upper() if random_() < 0.03 else e for e in emails]
        if accounts:
            m["accounts"] = [{"platform": p, "handle": h} for p, h in accounts]
        if vehicles:
            m["vehicles"] = [self.vehicle(v) for v in vehicles]
        if relationship:
            m["relationship_to_victim"] = relationship
        if description:
            m["description"] = description
        return Written(pid or person.pid, m, noise, name, person)

    def unknown(
        self, role: str, pid: str, description: str, relationship: str | None = None
    ) -> Written:
        """Someone recorded only by a description ("male, 20s, dark hoodie")."""
        m: dict[str, Any] = {"role": role}
        if relationship:
            m["relationship_to_victim"] = relationship
        m["description"] = description
        return Written(pid, m, ["unnamed"], description)

    def address(self, person: Person, noise: list[str]) -> dict[str, str]:
        return self.place(person.street, person.number, noise)

    def place(
        self, street: Any, number: int | None, noise: list[str] | None = None
    ) -> dict[str, str]:
        """An address (or a street, when ``number`` is None) as written, with its postcode."""
        rng, r = self.rng, self.r
        tags = noise if noise is not None else []
        street_name = street.name
        if rng.random() < r.address_abbreviated:
            street_name = street.abbreviated
            tags.append("address_abbrev")
        if number is None:
            line = street_name
        elif number <= MAX_HOUSE_NUMBER:
            line = f"{number} {street_name}"
        else:
            block = street.name.rsplit(" ", 1)[0]
            line = f"Flat {number - MAX_HOUSE_NUMBER}, {block} House, {street_name}"
        text = f"{line}, {street.town}" if rng.random() < 0.7 else line
        if rng.random() < r.address_lower:
            text = text.lower()
            tags.append("address_lower")
        out = {"text": text}
        roll = rng.random()
        if roll < r.postcode_missing:
            tags.append("postcode_missing")
            return out
        postcode = street.postcode
        if rng.random() < r.postcode_squashed:
            postcode = postcode.replace(" ", "")
            tags.append("postcode_squashed")
        if rng.random() < r.postcode_lower:
            postcode = postcode.lower()
            tags.append("postcode_lower")
        out["postcode"] = postcode
        return out

    def registration(self, reg: str) -> str:
        roll = self.rng.random()
        if roll < self.r.reg_squashed:
            reg = reg.replace(" ", "")
            if roll < self.r.reg_squashed / 3:
                reg = reg.lower()
        return reg

    def vehicle(self, vehicle: tuple[str, str, str, str]) -> dict[str, str]:
        reg, make, model, colour = vehicle
        out = {"registration": self.registration(reg)}
        if self.rng.random() < 0.6:
            out["make"] = make
            out["model"] = model
            out["colour"] = colour
        return out
