"""UK vehicle registration marks: upper case, no spaces, checked against the formats in use.

"ab12 cde", "AB12CDE" and "ab-12-cde" are one vehicle, ``AB12CDE``. The formats accepted:

* **current** (from September 2001): two memory-tag letters, a two-digit age identifier, three
  random letters, "AB12 CDE". I and Q are never used in it, nor Z as the first letter. The age
  identifier is checked loosely (any two digits except 00, 01 and 50, which have not been issued)
  so that this function needs no clock;
* **prefix** (1983-2001): a year letter, 1-3 digits, three letters, "A123 BCD";
* **suffix** (1963-1983): three letters, 1-3 digits, a year letter, "ABC 123D";
* **dateless** (before 1963, and Northern Ireland): 1-3 letters and 1-4 digits either way
  round, "ABC 1234", "1234 AB";
* **Q plates** (vehicles of uncertain age): Q, 1-3 digits, three letters.

The older formats are checked loosely (shape, not every letter rule), because a cherished mark may
use any combination DVLA once issued. Anything else ("N/K", "UNKNOWN", "12345") is not a
registration and becomes ``None``.
"""

from __future__ import annotations

import re

__all__ = ["format_registration", "normalise_registration"]

_CURRENT = re.compile(r"([A-HJ-PR-Y][A-HJ-PR-Z])([0-9]{2})([A-HJ-PR-Z]{3})")
_PREFIX = re.compile(r"([A-HJ-NPR-TV-Y])([1-9][0-9]{0,2})([A-Z]{3})")
_SUFFIX = re.compile(r"([A-Z]{3})([1-9][0-9]{0,2})([A-HJ-NPR-TV-Y])")
_Q_PLATE = re.compile(r"(Q)([1-9][0-9]{0,2})([A-Z]{3})")
_DATELESS_LETTERS_FIRST = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,3})")
_DATELESS_DIGITS_FIRST = re.compile(r"([1-9][0-9]{0,3})([A-Z]{1,3})")
_UNISSUED_AGE_IDENTIFIERS = frozenset({"00", "01", "50"})
#: Every format accepted, with how many of its groups are printed before the space on a plate
#: ("AB12 CDE", "A123 BCD", "ABC 123D", "Q123 ABC", "ABC 1234", "1234 AB").
_FORMATS: tuple[tuple[re.Pattern[str], int], ...] = (
    (_CURRENT, 2),
    (_PREFIX, 2),
    (_Q_PLATE, 2),
    (_SUFFIX, 1),
    (_DATELESS_LETTERS_FIRST, 1),
    (_DATELESS_DIGITS_FIRST, 1),
)
_NOISE = re.compile(r"[\s\-.]+")


def normalise_registration(text: str | None) -> str | None:
    """The registration upper case without spaces ("ab12 cde" -> "AB12CDE"), or ``None``."""
    if text is None:
        return None
    compact = _NOISE.sub("", text).upper()
    if not compact.isascii() or not compact.isalnum() or len(compact) > 7:
        return None
    current = _CURRENT.fullmatch(compact)
    if current:
        return compact if current.group(2) not in _UNISSUED_AGE_IDENTIFIERS else None
    if any(pattern.fullmatch(compact) for pattern, _ in _FORMATS):
        return compact
    return None


def format_registration(reg: str) -> str:
    """The registration as printed on a plate: "AB12CDE" -> "AB12 CDE", "A123BCD" -> "A123 BCD".

    Raises ``ValueError`` if ``reg`` is not a registration mark.
    """
    compact = normalise_registration(reg)
    if compact is None:
        raise ValueError(f"not a UK registration mark: {reg!r}")
    for pattern, before_space in _FORMATS:
        match = pattern.fullmatch(compact)
        if match:
            groups = match.groups()
            return f"{''.join(groups[:before_space])} {''.join(groups[before_space:])}"
    return compact  # unreachable: normalise_registration accepted one of the formats above
