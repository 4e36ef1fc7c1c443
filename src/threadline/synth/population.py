"""The residents of the synthetic county: households, people and what they own.

Background residents are never stored: each is a pure function of the seed and a household number
(``P{household}.{member}``), recomputed whenever an incident mentions them, so a force of five
million incidents needs no more memory than one of a thousand. People in scenarios and traps
("newcomers") are made explicitly and live in households numbered after the background ones.

Every phone number, e-mail address and social account belongs to one person only, as in a real
force where a mobile number is strong evidence. Phones exist only in Ofcom's drama range
07700 900000–900999, so there are only 1,000 of them: 900000–900299 go to newcomers (handed out by
:class:`~threadline.synth.plan.Plan`, most important people first; once they are used up, later
newcomers have no phone recorded), and 900300–900999 to the first 700 background residents who are
drawn to have a phone, walking the households in an order fixed by the seed. Every other resident
has no phone recorded (real records often lack one). E-mail addresses and handles end in a number
unique to their owner, so two people with one name never share one.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from threadline.synth.names import (
    FORENAMES,
    ORIGINS,
    SURNAME_HEAD_PERMILLE,
    SURNAME_TAILS,
    SURNAMES,
    TAIL_OF_ORIGIN,
    pick_table,
    surname_for_sex,
)
from threadline.synth.places import (
    CARS,
    COLOURS,
    Street,
    build_streets,
    house_line,
    registration,
)

_M = (1 << 64) - 1

SCENARIO_PHONES = range(900000, 900300)
BACKGROUND_PHONES = range(900300, 901000)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


def mix(x: int) -> int:
    """splitmix64: a fast, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _M
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M
    return x ^ (x >> 31)


def phone_text(number: int) -> str:
    """The canonical way this generator writes a drama-range mobile: ``07700 900123``."""
    return f"07700 {number}"


def whatsapp_handle(phone: str) -> str:
    """WhatsApp knows a person by their number in international form: ``+447700900123``."""
    return f"+447700{phone[-6:]}"


@lru_cache(maxsize=4096)
def ascii_fold(text: str) -> str:
    """``O'Brien`` → ``obrien``; used to build e-mail addresses and handles."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


@dataclass(slots=True)
class Person:
    """One true person: what they are really called, born, live at and use."""

    pid: str
    forenames: str
    surname: str
    sex: str
    dob: tuple[int, int, int]
    street: Street
    number: int
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    vehicles: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.forenames} {self.surname}"

    def truth(self) -> dict[str, object]:
        """The true record, as written to truth.json for scenario and trap people."""
        y, m, d = self.dob
        return {
            "forenames": self.forenames,
            "surname": self.surname,
            "sex": self.sex,
            "dob": f"{y:04d}-{m:02d}-{d:02d}",
            "address": f"{house_line(self.street, self.number)}, {self.street.town}",
            "postcode": self.street.postcode,
            "phones": list(self.phones),
            "emails": list(self.emails),
            "accounts": [list(a) for a in self.accounts],
            "vehicles": [v[0] for v in self.vehicles],
        }


_ORIGIN_TABLE = pick_table(ORIGINS)
_SURNAME_TABLES = {origin: pick_table(names) for origin, names in SURNAMES.items()}
_FORENAME_TABLES = {key: pick_table(names) for key, names in FORENAMES.items()}
_TAIL_SCALE = 1 << 20


def _zipf_cumulative(n: int) -> tuple[int, ...]:
    """Cumulative weights ``1 / (rank + 100)`` of ``n`` names, scaled to ``[0, _TAIL_SCALE]``."""
    weights = [1.0 / (rank + 100) for rank in range(n)]
    total, running, cumulative = sum(weights), 0.0, []
    for weight in weights:
        running += weight
        cumulative.append(round(running / total * _TAIL_SCALE))
    return tuple(cumulative)


_TAIL_CUMULATIVE = {tail: _zipf_cumulative(len(names)) for tail, names in SURNAME_TAILS.items()}
# Adult ages 18-85, most between 25 and 55.
_ADULT_AGES = tuple(
    a for a in range(18, 86) for _ in range(3 if 25 <= a <= 55 else (2 if a < 70 else 1))
)
_SIZES = tuple(
    size for size, weight in ((1, 28), (2, 34), (3, 16), (4, 15), (5, 7)) for _ in range(weight)
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def forename_for(origin: str, sex: str, birth_year: int, code: int) -> str:
    key = "english_old" if origin == "english" and birth_year < 1985 else origin
    table = _FORENAME_TABLES[(key, sex)]
    return table[code % len(table)]


def surname_for(origin: str, code: int, head: Mapping[str, int] | None = None) -> str:
    """A surname of ``origin`` for the random ``code`` (at least 32 bits): from the origin's head
    table for :data:`~threadline.synth.names.SURNAME_HEAD_PERMILLE` (or ``head``) of codes, else
    its tail."""
    tail = TAIL_OF_ORIGIN.get(origin)
    if tail is None or code % 1000 < (head or SURNAME_HEAD_PERMILLE)[origin]:
        table = _SURNAME_TABLES[origin]
        return table[(code // 1000) % len(table)]
    names = SURNAME_TAILS[tail]
    at = bisect_right(_TAIL_CUMULATIVE[tail], (code // 1000) % _TAIL_SCALE)
    return names[min(at, len(names) - 1)]


def _dob(year: int, code: int) -> tuple[int, int, int]:
    month = code % 12 + 1
    day = (code >> 8) % _DAYS_IN_MONTH[month - 1] + 1
    return (year, month, day)


class Population:
    """Background residents derived from the seed, and newcomers made for scenarios and traps."""

    def __init__(
        self,
        seed: int,
        households: int,
        reference_year: int,
        surname_head: Mapping[str, int] | None = None,
    ) -> None:
        self.key = mix(seed * 0x2545F4914F6CDD1D + 17)
        self.surname_head = surname_head
        self.households = households
        self.reference_year = reference_year
        self.streets = build_streets()
        self.n_streets = len(self.streets)
        # Room for every background household plus newcomers, one address each.
        reserve = households + 20_000 + households // 10
        self.n_addresses = self.n_streets * (reserve // self.n_streets + 1)
        self._stride = self._coprime_stride(self.n_addresses)
        self._next_household = households
        self._next_scenario_phone = 0
        # Owner tokens (the number that ends an e-mail address or handle): an affine bijection of
        # the person's slot (household × 5 + member) onto [0, 10**k), so no two people share one.
        self._token_modulus = 10 ** len(str(self.n_addresses * 5))
        self._token_factor = self._coprime_stride(
            self._token_modulus, 1 + (self.key >> 7) % 999_983
        )
        self._token_offset = (self.key >> 23) % self._token_modulus
        self._phone_of = self._choose_phone_holders()

    def _choose_phone_holders(self) -> dict[int, str]:
        """The 700 background residents who have a phone, by slot (household × 5 + member).

        Households are walked in an order fixed by the seed; each member who is drawn to have a
        phone (most adults, many teenagers) takes the next background number until none are left.
        """
        holders: dict[int, str] = {}
        n = self.households
        stride = self._coprime_stride(n, 1 + (self.key >> 3) % n)
        start = (self.key >> 40) % n
        for j in range(n):
            hh = (start + j * stride) % n
            h = mix(self.key ^ hh)
            for member in range(_SIZES[h % len(_SIZES)]):
                p = mix(h ^ member)
                if _draws_phone(_age(h, member, p), _contact_code(p)):
                    holders[hh * 5 + member] = phone_text(BACKGROUND_PHONES[len(holders)])
                    if len(holders) == len(BACKGROUND_PHONES):
                        return holders
        return holders

    def token(self, hh: int, member: int) -> int:
        """A number unique to one person (background or newcomer) that ends their e-mails and
        handles."""
        slot = hh * 5 + member
        return (slot * self._token_factor + self._token_offset) % self._token_modulus

    def token_of(self, pid: str) -> int:
        """:meth:`token` of a person id ``P{household}.{member}``."""
        hh, _, member = pid[1:].partition(".")
        return self.token(int(hh), int(member))

    @staticmethod
    def _coprime_stride(n: int, stride: int = 7_368_787) -> int:
        """The first number from ``stride`` on that is coprime with ``n``."""
        while _gcd(stride, n) != 1:
            stride += 1
        return stride

    def address(self, hh: int) -> tuple[Street, int]:
        """Street and house number of a household: a bijection, so no two households share one."""
        slot = (hh * self._stride) % self.n_addresses
        return self.streets[slot % self.n_streets], slot // self.n_streets + 1

    # Background residents -------------------------------------------------------------------

    def household_size(self, hh: int) -> int:
        return _SIZES[mix(self.key ^ hh) % len(_SIZES)]

    def resident(self, hh: int, member: int, h: int | None = None) -> Person:
        """Member ``member`` of background household ``hh`` (0 and 1 adults, the rest children).

        ``h`` is the household's hash when the caller has it already.
        """
        if h is None:
            h = mix(self.key ^ hh)
        origin = _ORIGIN_TABLE[(h >> 10) % len(_ORIGIN_TABLE)]
        size = _SIZES[h % len(_SIZES)]
        couple = size >= 2 and (h >> 24) % 100 < 75
        surname = surname_for(origin, h >> 32, self.surname_head)
        head_sex = "female" if (h >> 56) & 1 else "male"
        p = mix(h ^ member)
        age = _age(h, member, p)
        if member == 0:
            sex = head_sex
        elif member == 1 and couple:
            sex = ("male" if head_sex == "female" else "female") if p % 20 else head_sex
            if (p >> 16) % 4 == 0:  # not married or kept their own name
                surname = surname_for(origin, p >> 20, self.surname_head)
        else:
            sex = "female" if (p >> 4) & 1 else "male"
        year = self.reference_year - age
        forenames = forename_for(origin, sex, year, p >> 12)
        if origin == "polish":
            surname = surname_for_sex(surname, sex)
        street, number = self.address(hh)
        person = Person(
            f"P{hh}.{member}", forenames, surname, sex, _dob(year, p >> 28), street, number
        )
        q = _contact_code(p)
        phone = self._phone_of.get(hh * 5 + member)
        if phone is not None:
            person.phones.append(phone)
            if (q >> 20) % 100 < 25:
                person.accounts.append(("whatsapp", whatsapp_handle(phone)))
        if age >= 16:
            token = self.token(hh, member)
            if (q >> 28) % 100 < 45:
                person.emails.append(email_for(forenames, surname, q >> 36, token))
            if (q >> 44) % 100 < 35:
                person.accounts.append(account_for(forenames, surname, q >> 50, token))
        if age >= 18 and (q >> 57) % 100 < 45:
            person.vehicles.append(vehicle_for(p >> 7))
        return person

    def random_resident(self, rng: random.Random, adult: bool = True) -> Person:
        """A background resident drawn at random; an adult (18+) unless ``adult`` is False."""
        hh = int(rng.random() * self.households)
        h = mix(self.key ^ hh)
        size = _SIZES[h % len(_SIZES)]
        if size == 1:
            return self.resident(hh, 0, h)
        if not adult:
            return self.resident(hh, int(rng.random() * size), h)
        if rng.random() < 0.4:
            person = self.resident(hh, 1, h)
            if self.reference_year - person.dob[0] >= 18:
                return person
        return self.resident(hh, 0, h)

    # Newcomers ---------------------------------------------------------------------------------

    @staticmethod
    def random_origin(rng: random.Random) -> str:
        return rng.choice(_ORIGIN_TABLE)

    def new_household(self) -> int:
        hh = self._next_household
        if hh >= self.n_addresses:
            raise ValueError("too many newcomer households for the address space")
        self._next_household += 1
        return hh

    @property
    def background_phone_holders(self) -> int:
        """Background residents who have a phone (at most 700, one number each)."""
        return len(self._phone_of)

    @property
    def scenario_phones_used(self) -> int:
        """Newcomer numbers handed out so far (at most 300)."""
        return self._next_scenario_phone

    def scenario_phone(self) -> str | None:
        """The next unused newcomer number, or None once all 300 have been handed out."""
        if self._next_scenario_phone >= len(SCENARIO_PHONES):
            return None
        n = SCENARIO_PHONES[self._next_scenario_phone]
        self._next_scenario_phone += 1
        return phone_text(n)

    def newcomer(
        self,
        rng: random.Random,
        *,
        sex: str,
        age: int,
        household: int | None = None,
        member: int = 0,
        origin: str | None = None,
        forenames: str | None = None,
        surname: str | None = None,
        phone: bool = True,
        street: Street | None = None,
        number: int | None = None,
    ) -> Person:
        """Someone made for a scenario or trap; in a new household unless ``household`` is given."""
        hh = self.new_household() if household is None else household
        if origin is None:
            origin = rng.choice(_ORIGIN_TABLE)
        year = self.reference_year - age
        forenames = forenames or forename_for(origin, sex, year, rng.getrandbits(32))
        surname = surname or surname_for(origin, rng.getrandbits(32), self.surname_head)
        surname = surname_for_sex(surname, sex)
        home_street, home_number = self.address(hh)
        person = Person(
            f"P{hh}.{member}",
            forenames,
            surname,
            sex,
            _dob(year, rng.getrandbits(32)),
            street or home_street,
            number or home_number,
        )
        if phone:
            mobile = self.scenario_phone()
            if mobile is not None:
                person.phones.append(mobile)
        if age >= 16:
            token = self.token(hh, member)
            person.emails.append(email_for(forenames, surname, rng.getrandbits(32), token))
        if age >= 18 and rng.random() < 0.6:
            person.vehicles.append(vehicle_for(rng.getrandbits(48)))
        return person

    def street_in_other_town(self, rng: random.Random, town: str) -> Street:
        while True:
            street = rng.choice(self.streets)
            if street.town != town:
                return street


# E-mail addresses and handles end in the owner's token. Names fold to letters only, so the digits
# at the end of an address or handle are exactly the token: two people never share one.


def email_for(forenames: str, surname: str, code: int, token: int) -> str:
    """An e-mail address in one of four styles (``code``) ending in the owner's ``token``."""
    f, s = ascii_fold(forenames), ascii_fold(surname)
    local = (f"{f}.{s}", f"{f}{s}", f"{f[:1]}{s}", f"{s}.{f}")[code % 4]
    return f"{local}{token}@{EMAIL_DOMAINS[(code >> 12) % 3]}"


def account_for(forenames: str, surname: str, code: int, token: int) -> tuple[str, str]:
    """A social account on one of four platforms (``code``), its handle ending in ``token``."""
    f, s = ascii_fold(forenames), ascii_fold(surname)
    platform = ("facebook", "instagram", "snapchat", "x")[code % 4]
    if platform == "facebook":
        return platform, f"{f}.{s}.{token}"
    if platform == "instagram":
        return platform, f"@{f}_{s}{token}"
    if platform == "snapchat":
        return platform, f"{f}{s[:3]}{token}"
    return platform, f"@{f.capitalize()}{s[:1].upper()}{token}"


def vehicle_for(code: int) -> tuple[str, str, str, str]:
    make, model = CARS[code % len(CARS)]
    colour = COLOURS[(code >> 8) % len(COLOURS)]
    return registration(code >> 12), make, model, colour


def _age(h: int, member: int, p: int) -> int:
    """Age of member ``member`` of the household with hash ``h`` (``p`` is the member's hash)."""
    head_age = _ADULT_AGES[(h >> 44) % len(_ADULT_AGES)]
    if member == 0:
        return head_age
    couple = _SIZES[h % len(_SIZES)] >= 2 and (h >> 24) % 100 < 75
    if member == 1 and couple:
        return max(18, head_age + (p >> 8) % 11 - 5)
    return (p >> 8) % max(1, head_age - 17)


def _contact_code(p: int) -> int:
    """The hash that decides a resident's phone, e-mail, accounts and car."""
    q = (p * 0xD6E8FEB86659FD93) & _M
    return q ^ (q >> 29)


def _draws_phone(age: int, q: int) -> bool:
    """Whether a resident would have a phone if numbers were plentiful (most adults, some teens)."""
    return age >= 11 and q % 100 < (90 if age >= 18 else 70)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a
