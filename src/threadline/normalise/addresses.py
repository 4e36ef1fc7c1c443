"""Addresses as written by call handlers: one spelling for comparison, and a key for the dwelling.

:func:`normalise_address` keeps everything that identifies a place (flat and house numbers, building
and street names, town) and removes only what varies between writers: case, accents, punctuation,
abbreviations ("Rd", "Gdns", "Tce") and the postcode, which belongs in its own field and is compared
there (:mod:`threadline.normalise.postcodes`).

"St" is both "Street" and "Saint". It is read as **saint** when it starts a street name (first word
of a comma-separated part, or straight after a house or flat number) and is followed by another
word: "St Johns Road" and "14 St. John's Rd" are "saint johns road"; "14 High St" and
"High St, Stafford" are "high street".

:func:`address_key` is built so that one dwelling written several ways gives one key:

    <numbers> | <street> | <postcode, or the locality when there is no postcode>

* *numbers*: every flat or house number in order, and the identifier after "flat"/"unit"/...
  even when it is a letter ("Flat 2, 14 Acacia Rd" -> "2 14"; "Flat B" -> "b");
* *street*: the words of the street name before its type word, after the last number
  ("14 Acacia Road" -> "acacia"; "14 St Johns Rd" -> "saint johns"), without "the"; the type
  word itself is dropped because "Road"/"Avenue" is often misremembered, and the postcode keeps
  different streets of one name apart; if there is no type word, the first two words; if there is
  no number, the building and street words ("Rose Cottage, Mill Lane" -> "rose cottage mill");
* *postcode*: the ``postcode`` argument if it is a valid postcode, else the first valid postcode
  found in the text, in canonical form. Without any postcode the locality words after the street
  (the town) take its place, so that "14 High Street, Stone" and "14 High Street, Stafford" do not
  collide; the price is that an address with no postcode and no town ("14 acacia rd") only keys
  equal to others written the same bare way.

So "14 Acacia Road, Stafford ST16 2AB" and "14 acacia rd st162ab" both key as
"14|acacia|ST16 2AB", while "16 Acacia Road ST16 2AB" keys differently.
"""

from __future__ import annotations

import re
from functools import lru_cache

from threadline.normalise.postcodes import normalise_postcode, outward_code
from threadline.normalise.text import fold_text

__all__ = ["address_key", "house_number", "normalise_address"]

_ABBREVIATIONS: dict[str, str] = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "avn": "avenue",
    "ln": "lane",
    "cl": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "dr": "drive",
    "drv": "drive",
    "ct": "court",
    "crt": "court",
    "gdns": "gardens",
    "gdn": "garden",
    "pl": "place",
    "sq": "square",
    "terr": "terrace",
    "ter": "terrace",
    "tce": "terrace",
    "gr": "grove",
    "gro": "grove",
    "grv": "grove",
    "pk": "park",
    "pde": "parade",
    "wy": "way",
    "wk": "walk",
    "blvd": "boulevard",
    "mt": "mount",
    "hts": "heights",
    "est": "estate",
    "hse": "house",
    "cotts": "cottages",
    "bldgs": "buildings",
    "upr": "upper",
    "lwr": "lower",
    "gt": "great",
    "flat": "flat",
    "flt": "flat",
    "apartment": "flat",
    "apt": "flat",
    "appt": "flat",
}
# Words that introduce the identifier of a dwelling inside a building.
_DESIGNATORS = frozenset({"flat", "unit", "room", "suite", "block"})
# The type word that ends a street name.
_STREET_TYPES = frozenset(
    {
        "road",
        "street",
        "avenue",
        "lane",
        "close",
        "crescent",
        "drive",
        "court",
        "gardens",
        "garden",
        "place",
        "square",
        "terrace",
        "grove",
        "park",
        "parade",
        "way",
        "walk",
        "boulevard",
        "mews",
        "row",
        "hill",
        "rise",
        "view",
        "green",
        "wharf",
        "yard",
        "vale",
        "chase",
        "croft",
        "heights",
        "mount",
    }
)
_STOP_WORDS = frozenset({"the"})

_POSTCODE_IN_TEXT = re.compile(r"\b[a-z]{1,2}[0-9][a-z0-9]?[\s-]*[0-9][a-z]{2}\b")
_PARTS = re.compile(r"[,;\n]+")
_RANGE = re.compile(r"(?<=\d)\s*-\s*(?=\d)")
_PUNCTUATION = re.compile(r"[^a-z0-9\- ]+|(?<![0-9])-|-(?![0-9])")
_DIGIT = re.compile(r"[0-9]")


def _has_digit(token: str) -> bool:
    return _DIGIT.search(token) is not None


def _split_postcode(folded: str) -> tuple[str, str | None]:
    """Remove every well-formed postcode from lower-case text; return the text and the first."""
    found: str | None = None

    def remove(match: re.Match[str]) -> str:
        nonlocal found
        postcode = normalise_postcode(match.group(0))
        if postcode is None:
            return match.group(0)
        found = found or postcode
        return " "

    return _POSTCODE_IN_TEXT.sub(remove, folded), found


def _part_tokens(part: str) -> list[str]:
    part = part.replace("'", "")
    part = _RANGE.sub("-", part)
    return _PUNCTUATION.sub(" ", part).split()


def _expand(tokens: list[str]) -> list[str]:
    """Expand abbreviations in one comma-separated part, reading "st" as saint or street."""
    expanded: list[str] = []
    for index, token in enumerate(tokens):
        before = expanded[-1] if expanded else None
        starts_name = before is None or _has_digit(before) or before in _DESIGNATORS
        if token == "st" and starts_name and index + 1 < len(tokens):
            expanded.append("saint")
        elif token == "no" and index + 1 < len(tokens) and _has_digit(tokens[index + 1]):
            continue  # "No. 14" is just 14
        else:
            expanded.append(_ABBREVIATIONS.get(token, token))
    return expanded


def _tokens(text: str | None) -> tuple[list[str], str | None]:
    """Normalised address tokens, and the first postcode found in the text."""
    if text is None:
        return [], None
    without_postcode, found = _split_postcode(fold_text(text))
    tokens: list[str] = []
    for part in _PARTS.split(without_postcode):
        tokens.extend(_expand(_part_tokens(part)))
    # A trailing bare outward code ("Stafford ST16") is a partial postcode, not a house number.
    if len(tokens) > 1 and not tokens[-1][0].isdigit() and outward_code(tokens[-1]) is not None:
        tokens.pop()
    return tokens, found


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def normalise_address(text: str | None, postcode: str | None = None) -> str | None:
    """An address as lower-case words, abbreviations expanded, postcode removed.

    "Flat 2, 14 Acacia Rd, Stafford ST16 2AB" -> "flat 2 14 acacia road stafford". ``postcode``,
    when given, is removed from the text as well (as is any other postcode written in it).
    """
    tokens, _ = _tokens(text)
    if postcode is not None:
        given = normalise_postcode(postcode)
        if given is not None:
            compact = given.replace(" ", "").lower()
            tokens = [token for token in tokens if token != compact]
    return " ".join(tokens) or None


def _identifiers(tokens: list[str]) -> tuple[list[str], int]:
    """The numbers (and lettered flats) in order, and the index just after the last of them."""
    identifiers: list[str] = []
    after_last = 0
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        if _has_digit(token) or (previous in _DESIGNATORS and len(token) <= 2):
            identifiers.append(token)
            after_last = index + 1
    return identifiers, after_last


def house_number(text: str | None) -> str | None:
    """The house number, not the flat number ("Flat 2, 14 Acacia Rd" -> "14"; "14a ..." -> "14a").

    ``None`` when the address has no number outside a flat designator ("Rose Cottage", "Flat 2").
    """
    tokens, _ = _tokens(text)
    number: str | None = None
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        if _has_digit(token) and previous not in _DESIGNATORS:
            number = token
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and not _has_digit(following):
                return number
    return number


def _street(words: list[str]) -> tuple[list[str], list[str]]:
    """Split the words after the last number into the street name and the locality after it."""
    for index, word in enumerate(words):
        if index >= 1 and word in _STREET_TYPES:
            name = [w for w in words[:index] if w not in _STOP_WORDS] or [word]
            return name[-3:], words[index + 1 :]
    return [w for w in words if w not in _STOP_WORDS][:2], []


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def address_key(text: str | None, postcode: str | None = None) -> str | None:
    """One key per dwelling however the address is written (rule in the module docstring).

    ``None`` when there is nothing to key on (no text, or no words or numbers in it).
    """
    tokens, found = _tokens(text)
    given = normalise_postcode(postcode) if postcode is not None else None
    place = given or found
    if given is not None:
        compact = given.replace(" ", "").lower()
        tokens = [token for token in tokens if token != compact]
    if not tokens:
        return None
    identifiers, after_last = _identifiers(tokens)
    segment = tokens[after_last:] if identifiers else tokens
    words = [w for w in segment if w not in _DESIGNATORS]
    name, locality = _street(words)
    if not identifiers and not name:
        return None
    tail = place if place is not None else " ".join(locality)
    return f"{' '.join(identifiers)}|{' '.join(name)}|{tail}"
