"""Made-up but plausible names for a county in England, with how call handlers bend them.

Frequencies follow England's rough shape (Smith, Jones and Williams common; Patel, Khan and Singh
among the commonest; Polish, Irish, Scottish, Welsh and Caribbean families present), and English
forenames depend on the decade of birth. The weights are small integers: a pick table repeats each
name ``weight`` times so that choosing is one index into a tuple.

The tables themselves (origins, surnames, forenames, nicknames, surname spellings) are CSV files
beside this module (:mod:`threadline.synth.tables`), read once on import.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from typing import TypeVar

from threadline.synth.tables import table

Weighted = Sequence[tuple[str, int]]
K = TypeVar("K")
V = TypeVar("V")


def pick_table(weighted: Weighted) -> tuple[str, ...]:
    """Expand ``[("Smith", 3), ...]`` into a tuple in which each name appears ``weight`` times."""
    return tuple(name for name, weight in weighted for _ in range(weight))


def _grouped(pairs: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    """``[(key, value), ...]`` as a dict of each key's values, keys and values in order."""
    found: dict[K, list[V]] = {}
    for key, value in pairs:
        found.setdefault(key, []).append(value)
    return found


#: Per thousand people of each origin, how many carry a surname of the origin's head table
#: (:data:`SURNAMES`); the rest take one from the long tail (:data:`SURNAME_TAILS`). England's
#: surnames are spread thin: Smith, the commonest, is about 1.2-1.4 % of people in England and
#: Wales (General Register Office deaths 1984-97, electoral registers 1996), the top ten about
#: 6 %, and Britain has more than 45,000 surnames with a hundred bearers or more (Family Names
#: of the United Kingdom project, University of the West of England, 2016). With only the head
#: tables Smith was 4.8 % of the synthetic force and the top ten 25 %: four times as many
#: namesakes as a real force, so a name recorded alone was far more ambiguous than it is.
SURNAME_HEAD_PERMILLE: dict[str, int] = {
    "english": 250, "scottish": 250, "welsh": 450, "irish": 300, "caribbean": 300,
    "polish": 250, "south_asian": 1000,
}  # fmt: skip

#: English place-name elements: a prefix and a suffix make a surname (Ash + worth, Brad + ley).
_TAIL_PREFIXES = (
    "Ash Ald Alder Ames Arn Ather Ayl Bark Barn Bart Beck Bed Bel Ben Bex Bick Bird Black Blen "
    "Bol Bos Brad Bram Bran Brent Brid Brom Brook Buck Bur Burn Cal Can Car Cart Chad Chal Chat "
    "Ches Chil Clay Clif Cog Cold Com Cot Crab Cran Crom Cross Dal Dar Den Dent Dun Ed Elm Els "
    "Elt Ever Fair Far Fen Fern Fin Fox Full Gar Gat Glad Gold Good Gran Gris Had Hal Ham Hard "
    "Har Hart Has Hay Hed Hen Her Hey High Hol Horn Hud Hun Ing Ken Kent Kil Kirk Knap Lam Lang "
    "Lat Lea Led Lin Lit Lock Long Lud Lyn Mal Man Mar Mat Mel Mid Mil Mor Moss Nel New Nor Not "
    "Oak Ock Old Os Ot Ox Pad Pen Pem Pick Pil Pres Rad Ram Rav Red Ren Rick Rid Ring Rock Ros "
    "Rud Rush Sal Sand Sax Shel Sher Ship Shot Sid Silver Skel Som South Span Stan Stap Stock "
    "Strat Sud Sum Sut Swin Tad Tat Ten Thorn Thur Tib Tod Tre Up Wad Wake Wal War Wat Wed Wel "
    "Wen West Whit Wick Wil Win Wint Wol Wood Wor Yard Yat"
).split()
_TAIL_SUFFIXES = (
    "ley ton ford field worth wood well by ham bury den more shaw stone thorpe croft wick land "
    "dale combe hurst house ridge bridge brook gate hall man er ington stead cott low nell "
    "borough mere hill burn ney ster"
).split()
_POLISH_STEMS = (
    "Kowal Wrob Sob Jasin Piet Gorz Zaj Krol Wiecz Mich Pawl Grab Kacz Dud Ros Stan Wal Ostrow "
    "Sik Bar Cies Chmiel Jab Kub Lis Malin Olsz Przyb Rut Sadow Szcz Tom Urb Wit Zal Bork Czap "
    "Dom Fil Gaw Jur Kos Lip Marc Now Orl Rad Sok Tar Wlod Zar"
).split()
_POLISH_ENDINGS = "ski czyk ak ewicz owski ek ik".split()


def _compose(prefixes: Sequence[str], suffixes: Sequence[str]) -> tuple[str, ...]:
    """Every prefix + suffix, a doubled letter at the joint kept single, in a fixed
    well-mixed order (the order decides which are commoner)."""
    names: dict[str, None] = {}
    for suffix in suffixes:
        for prefix in prefixes:
            joint = suffix[1:] if prefix[-1] == suffix[0] else suffix
            names.setdefault(prefix + joint, None)
    return tuple(sorted(names, key=lambda name: zlib.crc32(name.encode())))


#: The long tail of surnames by origin: many names, each rare (weights fall as 1 / (rank + 100)).
SURNAME_TAILS: dict[str, tuple[str, ...]] = {
    "british": _compose(_TAIL_PREFIXES, _TAIL_SUFFIXES),
    "polish": _compose(_POLISH_STEMS, _POLISH_ENDINGS),
}
TAIL_OF_ORIGIN = {
    "english": "british", "scottish": "british", "welsh": "british", "irish": "british",
    "caribbean": "british", "polish": "polish",
}  # fmt: skip


#: Share of households by family origin, per thousand (``origins.csv``).
ORIGINS: list[tuple[str, int]] = [(origin, int(share)) for origin, share in table("origins.csv")]

#: Each origin's head table of surnames with their weights (``surnames.csv``).
SURNAMES: dict[str, list[tuple[str, int]]] = _grouped(
    (origin, (surname, int(weight))) for origin, surname, weight in table("surnames.csv")
)

#: Forenames by origin and sex; English ones split by whether born before 1985 (``english_old``)
#: (``forenames.csv``).
FORENAMES: dict[tuple[str, str], list[tuple[str, int]]] = _grouped(
    ((origin, sex), (forename, int(weight)))
    for origin, sex, forename, weight in table("forenames.csv")
)

#: The forms a handler writes instead of the given name (British forms included: Gaz, Baz, Shaz;
#: ``nicknames.csv``).
NICKNAMES: dict[str, tuple[str, ...]] = {
    forename: tuple(forms)
    for forename, forms in _grouped(
        (forename, nickname) for forename, nickname in table("nicknames.csv")
    ).items()
}

#: Surname spellings a handler may write for one another (each group is symmetric;
#: ``surname_variants.csv``).
SURNAME_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = tuple(
    tuple(group) for group in table("surname_variants.csv")
)

SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name)
    for group in SURNAME_VARIANT_GROUPS
    for name in group
}

#: Names so common that several unrelated people in one force carry them.
VERY_COMMON_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("John", "Smith", "male", "english"),
    ("Mohammed", "Khan", "male", "south_asian"),
    ("David", "Jones", "male", "english"),
)


def surname_for_sex(surname: str, sex: str) -> str:
    """Polish surnames in -ski/-cki take -ska/-cka for a woman (Kowalski → Kowalska), and back."""
    if sex == "female" and surname.endswith(("ski", "cki")):
        return surname[:-1] + "a"
    if sex == "male" and surname.endswith(("ska", "cka")):
        return surname[:-1] + "i"
    return surname
