"""Telephone numbers: every way a UK number is written becomes one E.164 string.

A phone number is among the strongest evidence that two incidents involve the same person, so it
must come out identical however the call handler typed it: "07700 900123", "+44 7700 900123",
"0044 7700 900 123", "(07700) 900-123", "447700900123" and "7700900123" are all
``+447700900123``. Parsing is done by ``phonenumbers`` (Google's libphonenumber metadata) with the
force's home region, GB, as the default.

libphonenumber's *validity* means "in a range allocated to a network". A number outside those
ranges is not thereby useless to the police: Ofcom's drama ranges (07700 900000-900999 and
others) are well-formed but deliberately unallocated, and a newly allocated range may postdate the
metadata. Such numbers are **kept** as identifiers, with ``valid=False`` and a note saying why.
Only text that cannot be a number at all ("n/a", "unknown", "123", all one digit) becomes ``None``.

``Phone.valid`` is true only for a number libphonenumber recognises as allocated *and* that is not
in an Ofcom drama range (some geographic drama ranges, such as 020 7946 0xxx, sit inside allocated
blocks, so libphonenumber calls them valid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

__all__ = ["Phone", "clean_phone", "clean_phones", "normalise_phone"]


@dataclass(frozen=True)
class Phone:
    """A telephone number in E.164, whether it is allocated, and why the cleaner decided so."""

    e164: str
    valid: bool
    note: str


# Ofcom's numbers reserved for drama, as (national significant number prefix, range shown to a
# reader). A number starting with the prefix and of UK length is fictional by design.
_DRAMA_RANGES: tuple[tuple[str, str], ...] = (
    ("7700900", "07700 900000-900999"),
    ("1632960", "01632 960000-960999"),
    ("2079460", "020 7946 0000-0999"),
    ("1134960", "0113 496 0000-0999"),
    ("1144960", "0114 496 0000-0999"),
    ("1154960", "0115 496 0000-0999"),
    ("1164960", "0116 496 0000-0999"),
    ("1174960", "0117 496 0000-0999"),
    ("1184960", "0118 496 0000-0999"),
    ("1214960", "0121 496 0000-0999"),
    ("1314960", "0131 496 0000-0999"),
    ("1414960", "0141 496 0000-0999"),
    ("1514960", "0151 496 0000-0999"),
    ("1614960", "0161 496 0000-0999"),
    ("1914980", "0191 498 0000-0999"),
    ("2896496", "028 9649 6000-6999"),
    ("2920180", "029 2018 0000-0999"),
    ("808157", "08081 570000-570999"),
    ("9098790", "0909 879 0000-0999"),
    ("3069990", "03069 990000-990999"),
)

_TYPE_WORDS: dict[int, str] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline or mobile",
    PhoneNumberType.TOLL_FREE: "freephone",
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.VOIP: "VoIP",
    PhoneNumberType.PERSONAL_NUMBER: "personal number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "non-geographic (UAN)",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

_UK_COUNTRY_CODE = 44
# An extension at the end ("x45", "ext. 2101") names a desk, not a line: it is dropped.
_EXTENSION = re.compile(r"(?:\bext(?:ension|n)?\.?|\bx)\s*\d{1,6}\s*$", re.IGNORECASE)
# Letters are removed before parsing so that "07700 900123 (mum)" is not read as a vanity number.
_LETTERS = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")
# Between several numbers in one field: "/", ",", ";", "&", "or", "and".
_LIST_SEPARATOR = re.compile(r"[/,;&|]|\b(?:or|and)\b", re.IGNORECASE)


def _drama_range(nsn: str) -> str | None:
    for prefix, shown in _DRAMA_RANGES:
        if nsn.startswith(prefix) and len(nsn) == 10:
            return shown
    return None


def _uk_well_formed(nsn: str) -> bool:
    """A UK national number of a length and leading digit that numbering plan allows."""
    return len(nsn) in (9, 10) and nsn[0] in "123578"


def _describe(number: PhoneNumber, region: str) -> str:
    kind = _TYPE_WORDS.get(phonenumbers.number_type(number), "number")
    where = phonenumbers.region_code_for_number(number) or region
    return f"{where} {kind}"


@lru_cache(maxsize=100_000)  # pure, and the same values recur in every import
def clean_phone(text: str | None, region: str = "GB") -> Phone | None:
    """Parse a phone number as written into a :class:`Phone`, or ``None`` if it is not one.

    ``region`` is the country assumed for numbers written without an international prefix.
    """
    if text is None:
        return None
    stripped = _LETTERS.sub(" ", _EXTENSION.sub("", text))
    if len(_DIGIT.findall(stripped)) < 7:
        return None
    try:
        number = phonenumbers.parse(stripped, region)
    except NumberParseException:
        return None
    nsn = phonenumbers.national_significant_number(number)
    if len(set(nsn)) == 1:
        return None  # "07777777777"-style filler, or all zeros
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    uk = number.country_code == _UK_COUNTRY_CODE
    drama = _drama_range(nsn) if uk else None
    if drama:
        kind = "mobile" if nsn.startswith("7") else "number"
        return Phone(
            e164,
            False,
            f"well-formed UK {kind} in Ofcom's drama range {drama}: "
            "not allocated to a real subscriber",
        )
    if phonenumbers.is_valid_number(number):
        return Phone(e164, True, f"valid {_describe(number, region)}")
    if not phonenumbers.is_possible_number(number):
        return None
    if uk and not _uk_well_formed(nsn):
        return None
    if not uk and len(nsn) < 7:
        return None
    country = "UK" if uk else f"+{number.country_code}"
    return Phone(
        e164,
        False,
        f"well-formed {country} number in no range libphonenumber knows as allocated: "
        "kept as an identifier",
    )


def normalise_phone(text: str | None) -> str | None:
    """The E.164 form of a number written in the UK ("07700 900123" -> "+447700900123"), or None."""
    phone = clean_phone(text)
    return phone.e164 if phone else None


def clean_phones(text: str | None, region: str = "GB") -> list[Phone]:
    """Every number in a field that holds several ("07700 900123 / 07700 900456"), in order.

    A field holding one number gives a list of one; duplicates are kept once.
    """
    if text is None:
        return []
    whole = clean_phone(text, region)
    if whole is not None:
        return [whole]
    found: dict[str, Phone] = {}
    for part in _LIST_SEPARATOR.split(text):
        phone = clean_phone(part, region)
        if phone is not None:
            found.setdefault(phone.e164, phone)
    return list(found.values())
