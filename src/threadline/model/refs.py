"""What Threadline accepts as a reference from another system: one rule for every id it is given.

A force's systems name their records in their own ways: ``INC-20250301-0042``, a UUID, a 64-digit
hash (the Neo4j POLE demo), a composite such as ``MPS/2024/000123 (CAD)``, a name in Welsh. Each is
accepted as it is written, up to :data:`REF_MAX_LENGTH` characters of printable text. What is
refused, with a reason naming the character, is what no system writes in a reference on purpose and
what would break a store, a link or a log line: NUL (PostgreSQL cannot store it, so the same record
would be kept by SQLite and refused by PostgreSQL), other control characters (tabs, new lines, the
bidirectional overrides that make a reference read differently from what it is), unassigned and
private-use code points, and the two references ``.`` and ``..`` that a browser reads as a step in
an address rather than a name.

The store's keys are built from references (:func:`threadline.store.records.record_key`), so their
widths here follow from these, and the store's columns (:mod:`threadline.store.tables`) take their
widths from this module.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

#: The longest reference accepted (a record's ``ref``, an incident or crime it cites).
REF_MAX_LENGTH = 256
#: The longest source-system name (``cad``, ``rms``, ``neo4j``...).
SOURCE_MAX_LENGTH = 40
#: The longest record kind (``risk_assessment``), with room to spare.
KIND_MAX_LENGTH = 20
#: The longest position of a person in a record (``0``, ``respondent``, ``protected19``).
POSITION_MAX_LENGTH = 20
#: ``kind:source:ref``
RECORD_KEY_MAX_LENGTH = KIND_MAX_LENGTH + 1 + SOURCE_MAX_LENGTH + 1 + REF_MAX_LENGTH
#: ``kind:source:ref#position``: a person as written in one record.
MENTION_KEY_MAX_LENGTH = RECORD_KEY_MAX_LENGTH + 1 + POSITION_MAX_LENGTH

#: What a browser reads as a step in an address, not as a name.
_DOT_SEGMENTS = frozenset({".", ".."})


def _named(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def unprintable(value: str) -> str | None:
    """Why ``value`` cannot be a reference (its first unprintable character), or None if it can.

    Printable is Python's :meth:`str.isprintable`: every letter, mark, number, punctuation and
    symbol of Unicode and the space, and nothing of the categories Other (control, format,
    surrogate, private use, unassigned) or Separator beyond the space.
    """
    if value.isprintable():
        return None
    for position, char in enumerate(value):
        if not char.isprintable():
            kind = "NUL" if char == "\x00" else unicodedata.category(char)
            what = {
                "NUL": "NUL",
                "Cc": "a control character",
                "Cf": "an invisible format character",
                "Co": "a private-use character",
                "Cn": "an unassigned character",
                "Cs": "a lone surrogate",
            }.get(kind, "a separator other than the space")
            return f"holds {what} ({_named(char)}) at position {position + 1}"
    return None


def check_ref(value: str) -> str:
    """``value`` if it is a reference Threadline accepts, else a ``ValueError`` saying why."""
    problem = unprintable(value)
    if problem:
        raise ValueError(f"{problem}; a reference must be printable text")
    if value in _DOT_SEGMENTS:
        raise ValueError(f'"{value}" cannot be a reference (it is a step in a web address)')
    return value


def check_source(value: str) -> str:
    """``value`` if it can name a source system: a reference without ``:`` (which ends the source
    in a record's key, ``kind:source:ref``)."""
    check_ref(value)
    if ":" in value:
        raise ValueError(
            f'"{value}" cannot name a source: it holds ":", which ends the source '
            "in a record's key (kind:source:ref)"
        )
    return value


#: A reference from another system (see the module docstring).
Ref = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=REF_MAX_LENGTH),
    AfterValidator(check_ref),
]
#: The name of the system a record came from: the same rule, shorter.
SourceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SOURCE_MAX_LENGTH),
    AfterValidator(check_source),
]
