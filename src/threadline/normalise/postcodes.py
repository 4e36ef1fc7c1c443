"""UK postcodes: the canonical "ST16 2AB" form and the codes that group postcodes by place.

A postcode is an outward code (area letters + district: "ST16") and an inward code (sector digit +
unit letters: "2AB"). Written any way ("st162ab", " ST16  2AB ", "st16-2ab") it becomes upper case
with one space before the last three characters, or ``None`` if it does not follow the format
rules:

* outward code: ``A9``, ``A99``, ``AA9``, ``AA99``, ``A9A`` or ``AA9A`` (A a letter, 9 a digit);
  the first letter is never Q, V or X; the second never I, J or Z; a letter in third place (A9A)
  is one of ABCDEFGHJKPSTUW; a letter in fourth place (AA9A) one of ABEHMNPRVWXY;
* inward code: a digit and two letters, never C, I, K, M, O or V;
* the special codes: GIR 0AA (Girobank) and the overseas territories' single postcodes
  (ASCN 1ZZ, STHL 1ZZ, FIQQ 1ZZ, ...).

One typing slip is repaired: a letter O where the inward code must have a digit ("ST16 OAB") is
read as zero, because that position can only be a digit. Nothing else is guessed.

Whether a well-formed postcode exists is a question for the ONS Postcode Directory, not this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "normalise_postcode",
    "outward_code",
    "postcode_area",
    "postcode_district",
    "postcode_sector",
]

_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_SPECIAL = frozenset(
    {
        "GIR0AA",  # Girobank
        "ASCN1ZZ",  # Ascension Island
        "BBND1ZZ",  # British Indian Ocean Territory
        "BIQQ1ZZ",  # British Antarctic Territory
        "FIQQ1ZZ",  # Falkland Islands
        "PCRN1ZZ",  # Pitcairn Islands
        "SIQQ1ZZ",  # South Georgia and the South Sandwich Islands
        "STHL1ZZ",  # Saint Helena
        "TDCU1ZZ",  # Tristan da Cunha
        "TKCA1ZZ",  # Turks and Caicos Islands
    }
)
_SPECIAL_OUTWARD = frozenset(code[:-3] for code in _SPECIAL)
_FULL = re.compile(rf"{_OUTWARD}{_INWARD}")
_OUTWARD_ONLY = re.compile(_OUTWARD)
_NOISE = re.compile(r"[\s\-.]+")
_AREA = re.compile(r"[A-Z]+")
_PARTIAL_SECTOR = re.compile(r"\s*(\S+)\s+([0-9])\s*")


def _compact(text: str) -> str:
    return _NOISE.sub("", text).upper()


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def normalise_postcode(text: str | None) -> str | None:
    """The postcode in canonical form ("st162ab" -> "ST16 2AB"), or ``None`` if malformed."""
    if text is None:
        return None
    compact = _compact(text)
    if len(compact) < 5 or len(compact) > 7:
        return None
    if compact[-3] == "O":
        compact = f"{compact[:-3]}0{compact[-2:]}"
    if compact in _SPECIAL or _FULL.fullmatch(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return None


def outward_code(postcode: str | None) -> str | None:
    """The outward code ("ST16 2AB" -> "ST16"); a bare outward code ("st16") is accepted too."""
    if postcode is None:
        return None
    full = normalise_postcode(postcode)
    if full is not None:
        return full.split(" ")[0]
    compact = _compact(postcode)
    if compact in _SPECIAL_OUTWARD or _OUTWARD_ONLY.fullmatch(compact):
        return compact
    return None


postcode_district = outward_code
"""The postal district is the outward code: ``postcode_district("ST16 2AB") == "ST16"``."""


def postcode_sector(postcode: str | None) -> str | None:
    """The sector, outward code and inward digit ("ST16 2AB" -> "ST16 2"); "ST16 2" is accepted."""
    if postcode is None:
        return None
    full = normalise_postcode(postcode)
    if full is not None:
        return full[:-2]
    partial = _PARTIAL_SECTOR.fullmatch(postcode)
    if partial:
        outward = outward_code(partial.group(1))
        if outward is not None:
            return f"{outward} {partial.group(2)}"
    return None


def postcode_area(postcode: str | None) -> str | None:
    """The postcode area, the leading letters of the outward code ("ST16 2AB" -> "ST")."""
    outward = outward_code(postcode)
    if outward is None:
        return None
    letters = _AREA.match(outward)
    return letters.group(0) if letters else None
