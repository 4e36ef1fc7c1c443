"""Personal names: how a name is written for comparison, which nicknames it has, how it sounds.

Names arrive as a call handler typed them: "MR GARETH  O'NEIL", "Smith-Jones", "J.", "Gaz". This
module turns them into plain lower-case ASCII tokens and gives the matching stages three kinds of
evidence about forenames and surnames:

* **Nicknames.** :func:`nickname_group` joins the ``nicknames`` package (English forms such as
  Nicholas ~ Nick, read through its ``NickNamer``) with a British supplement shipped beside this
  module in ``british_nicknames.csv`` (Gaz, Baz, Shaz, Kez, Bex, Del, Tel, ...). A nickname group is
  *matching evidence, not identity*: "kez" is short for both Kerry and Karen, so Kez matches each of
  them, but Kerry and Karen are not thereby the same name. Equivalence is deliberately not
  transitive. The upstream data also lists Gary as a nickname of Gareth, so those two are
  equivalent; how much that is worth is the scoring model's business, not this module's.
* **Canonical forename.** :func:`canonical_forename` picks one deterministic representative of a
  name's formal forms, for use as a blocking key (rule in its docstring).
* **Sound.** :func:`phonetic_key` is the primary Double Metaphone code. It uses the
  ``doublemetaphone`` package: a thin Python wrapper (maintained by the author of ``dedupe``, wheels
  for current CPython) around the reference C++ implementation of Lawrence Philips' algorithm.
  ``jellyfish`` only has the original single Metaphone, and the ``metaphone`` package is a pure
  Python port last released in 2016 that gives the same codes more slowly. Before encoding, a
  silent "p" between "m" and "s"/"t" is dropped (Thompson -> Thomson, Simpson -> Simson), because
  Double Metaphone itself keeps it and those spellings are routinely swapped in records.

Titles are removed only from the front of a name, and only while a name remains after them, so a
surname such as "Lord" or "Major" survives on its own. Placeholders that mean "no name" ("unknown",
"N/K", "not known") normalise to ``None`` so that they never match one another. The titles and the
placeholders are tables beside this module too (``name_titles.csv``, ``name_placeholders.csv``).
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from importlib.resources import files
from typing import NamedTuple

from doublemetaphone import doublemetaphone
from nicknames import NickNamer

from threadline.normalise.text import fold_text

__all__ = [
    "are_nickname_equivalent",
    "canonical_forename",
    "first_forename",
    "is_initial",
    "nickname_group",
    "normalise_name",
    "phonetic_key",
    "split_forenames",
    "surname_key",
]

_PLACEHOLDER_NOISE = re.compile(r"[\s.]+")
_APOSTROPHES = re.compile(r"'")
_SEPARATORS = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9]")
# Double Metaphone sounds the "p" in Thompson; most speakers (and most spellings) do not.
_SILENT_P = re.compile(r"mp(?=[st])")


def _table(filename: str) -> list[dict[str, str]]:
    """The rows of a CSV table shipped beside this module, its ``#`` lines left out."""
    text = files("threadline.normalise").joinpath(filename).read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


class _NameWords(NamedTuple):
    #: titles, honorifics and ranks removed from the front of a name (``name_titles.csv``)
    titles: frozenset[str]
    #: the titles that are also surnames or forenames: kept when they are all there is
    name_like_titles: frozenset[str]
    #: whole values that mean "we do not know the name" (``name_placeholders.csv``)
    placeholders: frozenset[str]


@cache
def _name_words() -> _NameWords:
    """Loaded on first use (not at import) and kept: the tables never change while running."""
    titles = _table("name_titles.csv")
    return _NameWords(
        frozenset(row["title"] for row in titles),
        frozenset(row["title"] for row in titles if row["also_a_name"] == "yes"),
        frozenset(row["placeholder"] for row in _table("name_placeholders.csv")),
    )


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def normalise_name(text: str | None) -> str | None:
    """A name as lower-case ASCII words separated by single spaces, or ``None`` if there is none.

    "Mr Gareth O'Neil" -> "gareth oneil"; "Smith-Jones" -> "smith jones"; "Siân" -> "sian";
    "J." -> "j"; "", "  ", "Unknown", "N/K" -> ``None``. Digits are dropped (a name has none).
    """
    if text is None:
        return None
    words = _name_words()
    folded = fold_text(text)
    if _PLACEHOLDER_NOISE.sub("", folded) in words.placeholders:
        return None
    folded = _APOSTROPHES.sub("", folded)
    folded = _DIGITS.sub(" ", folded)
    folded = _SEPARATORS.sub(" ", folded)
    tokens = folded.split()
    if not tokens:
        return None
    while len(tokens) > 1 and tokens[0] in words.titles:
        tokens = tokens[1:]
    if len(tokens) == 1 and tokens[0] in words.titles and tokens[0] not in words.name_like_titles:
        return None
    return " ".join(tokens)


def split_forenames(text: str | None) -> list[str]:
    """The forenames in ``text``, normalised.

    "GARETH  JOHN" -> ["gareth", "john"]; "J." -> ["j"]; None -> [].
    """
    normalised = normalise_name(text)
    return normalised.split(" ") if normalised else []


def first_forename(text: str | None) -> str | None:
    """The first normalised forename ("Mary-Jane Smith" -> "mary"), or ``None``."""
    forenames = split_forenames(text)
    return forenames[0] if forenames else None


def is_initial(name: str) -> bool:
    """True when ``name`` is a single letter once normalised ("J", "j.", " J ")."""
    normalised = normalise_name(name)
    return normalised is not None and len(normalised) == 1


def surname_key(surname: str | None) -> str | None:
    """A surname for exact comparison: "Smith-Jones" -> "smith jones"; "O'Neil" -> "oneil"."""
    return normalise_name(surname)


def phonetic_key(name: str | None) -> str | None:
    """The primary Double Metaphone code of a name, spaces ignored ("Thompson" -> "TMSN").

    Thompson/Thomson, Allen/Allan, Smith/Smyth and Catherine/Katherine share a key. A name with
    no sound (``None``, "", "Unknown") has no key.
    """
    normalised = normalise_name(name)
    if normalised is None:
        return None
    joined = _SILENT_P.sub("m", normalised.replace(" ", ""))
    primary: str = doublemetaphone(joined)[0]
    return primary or None


# --------------------------------------------------------------------------- nicknames


class _Nicknames:
    """The merged nickname tables: the ``nicknames`` package plus the British supplement."""

    def __init__(self) -> None:
        supplement: dict[str, set[str]] = {}
        for row in _table("british_nicknames.csv"):
            supplement.setdefault(row["formal"], set()).add(row["nickname"])
        merged = NickNamer.default_lookup()
        for formal, nicks in supplement.items():
            merged.setdefault(formal, set()).update(nicks)
        self.namer = NickNamer(nickname_lookup=merged)
        #: every name the tables know, as a formal name or a nickname
        self.known = frozenset(merged) | frozenset(n for nicks in merged.values() for n in nicks)
        # Formal names declared by the supplement, and which of them claim each nickname:
        # the supplement is curated for British records, so it is preferred when choosing
        # a canonical forename.
        self.british_formals = frozenset(supplement)
        self.british_formals_of: dict[str, frozenset[str]] = {}
        for formal, nicks in supplement.items():
            for nick in nicks:
                claimed = self.british_formals_of.get(nick, frozenset())
                self.british_formals_of[nick] = claimed | {formal}


@cache
def _nicknames() -> _Nicknames:
    """Loaded on first use (not at import) and kept: the tables never change while running."""
    return _Nicknames()


def known_forenames() -> frozenset[str]:
    """Every forename the nickname tables know (lower case): a quick test before a lookup."""
    return _nicknames().known


def _forename_token(forename: str | None) -> str | None:
    """The single forename the nickname functions work on: the first, normalised."""
    return first_forename(forename)


@lru_cache(maxsize=200_000)
def nickname_group(forename: str | None) -> frozenset[str]:
    """The forename with every formal name it shortens and every nickname it has, lower case.

    "Gaz" -> {"gaz", "gareth", "gary", ...}; "Nicholas" -> {"nicholas", "nick", "nicky", ...}.
    A name not in the tables is a group of one; ``None`` or "" is the empty group. Given several
    forenames, the first is used. Cached, because it runs once per mention.
    """
    name = _forename_token(forename)
    if name is None:
        return frozenset()
    tables = _nicknames()
    return frozenset({name} | tables.namer.canonicals_of(name) | tables.namer.nicknames_of(name))


@lru_cache(maxsize=200_000)
def _formal_names(name: str) -> frozenset[str]:
    """The name itself and every formal name it is a nickname of.

    The package lists some pairs both ways (robert has nickname bill, bill has nickname robert);
    a name that is both a "formal name" and a nickname of ``name`` is a peer, not a formal name,
    else Robert and William would share the formal name "bill".
    """
    namer = _nicknames().namer
    return frozenset({name} | (namer.canonicals_of(name) - namer.nicknames_of(name)))


def are_nickname_equivalent(a: str | None, b: str | None) -> bool:
    """True when one forename is in the other's nickname group, or both shorten one formal name.

    Symmetric. "Gaz" ~ "Gareth", "Becky" ~ "Rebecca", "Nick" ~ "Nicky" (both Nicholas); but not
    "Kerry" ~ "Karen" although both are called "Kez" (see the module docstring).
    """
    name_a, name_b = _forename_token(a), _forename_token(b)
    if name_a is None or name_b is None:
        return False
    if name_a == name_b:
        return True
    if name_a in nickname_group(name_b) or name_b in nickname_group(name_a):
        return True
    return not _formal_names(name_a).isdisjoint(_formal_names(name_b))


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for char_a, char_b in zip(a, b, strict=False):
        if char_a != char_b:
            break
        length += 1
    return length


def _closest(name: str, candidates: frozenset[str] | set[str]) -> str:
    """The candidate sharing the longest prefix with ``name``; ties to the alphabetically first."""
    return min(candidates, key=lambda candidate: (-_common_prefix(name, candidate), candidate))


@lru_cache(maxsize=200_000)
def canonical_forename(forename: str | None) -> str | None:
    """One deterministic representative of a forename's formal names, for blocking.

    The rule, first that applies:

    1. a formal name of the British supplement stays itself ("gareth", "gary", "john");
    2. a nickname the supplement lists goes to the formal name it lists ("bill" -> "william"),
       or, if several, the one sharing the longest prefix, then the alphabetically first
       ("gaz" -> "gareth", "jon" -> "jonathan", "kath" -> "katherine");
    3. otherwise the package's formal names, preferring any the supplement declares, chosen by
       the same tie-break;
    4. a name in neither table stays itself.
    """
    name = _forename_token(forename)
    if name is None:
        return None
    tables = _nicknames()
    if name in tables.british_formals:
        return name
    british = tables.british_formals_of.get(name)
    if british:
        return _closest(name, british)
    package = tables.namer.canonicals_of(name)
    if not package:
        return name
    declared = package & tables.british_formals
    return _closest(name, declared or package)
