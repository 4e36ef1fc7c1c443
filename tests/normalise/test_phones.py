"""Phones: every UK way of writing a number gives one E.164; drama-range numbers are kept."""

from __future__ import annotations

import dataclasses

import phonenumbers
import pytest

from threadline.normalise.phones import Phone, clean_phone, clean_phones, normalise_phone


@pytest.mark.parametrize(
    "written",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900 123",
        "(07700) 900-123",
        "447700900123",
        "44 7700 900123",
        "7700900123",
        "+44 (0) 7700 900123",
        "07700.900.123",
        "tel: 07700-900-123",
        "mob 07700 900123",
        "07700 900123 (mum's)",
        "07700 900123 ext 12",
        "+44 7700 900123 x45",
    ],
)
def test_every_spelling_gives_one_e164(written: str) -> None:
    assert normalise_phone(written) == "+447700900123"


def test_drama_range_numbers_are_kept_and_flagged() -> None:
    phone = clean_phone("07700 900001")
    assert phone is not None
    assert phone.e164 == "+447700900001"
    assert phone.valid is False
    assert "drama range" in phone.note
    assert "not allocated" in phone.note
    # libphonenumber itself calls it invalid, yet it is still a usable identifier.
    assert not phonenumbers.is_valid_number(phonenumbers.parse("07700 900001", "GB"))


def test_both_ends_of_the_drama_range_are_recognised() -> None:
    for written in ("07700 900000", "07700 900999"):
        phone = clean_phone(written)
        assert phone is not None and "07700 900000-900999" in phone.note


def test_geographic_drama_number_is_not_valid_even_though_libphonenumber_says_so() -> None:
    number = phonenumbers.parse("01632 960001", "GB")
    phone = clean_phone("01632 960001")
    assert phone is not None
    assert phone.e164 == "+441632960001"
    assert phone.valid is False
    assert "01632 960000-960999" in phone.note
    # and one that libphonenumber does consider allocated
    assert phonenumbers.is_possible_number(number)
    london = clean_phone("020 7946 0123")
    assert london is not None and london.valid is False and "drama" in london.note


def test_a_number_libphonenumber_knows_as_allocated_is_valid() -> None:
    # libphonenumber's own published example of a GB mobile, read from its metadata.
    example = phonenumbers.example_number_for_type("GB", phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    phone = clean_phone(national)
    assert phone is not None
    assert phone.valid is True
    assert phone.note == "valid GB mobile"
    assert phone.e164 == phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def test_foreign_number_with_prefix_keeps_its_country() -> None:
    example = phonenumbers.example_number_for_type("IE", phonenumbers.PhoneNumberType.FIXED_LINE)
    international = phonenumbers.format_number(
        example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    phone = clean_phone(international)
    assert phone is not None
    assert phone.e164.startswith("+353")
    assert phone.note == "valid IE landline"


@pytest.mark.parametrize(
    "written",
    [
        None,
        "",
        "   ",
        "n/a",
        "N/K",
        "unknown",
        "none given",
        "123",
        "999",
        "07700 900",  # too short
        "9876543",  # seven digits: not a UK number
        "07700 900 1234 5",  # too long
        "00000000000",
        "07777777777",  # one digit repeated is filler
    ],
)
def test_garbage_is_none(written: str | None) -> None:
    assert clean_phone(written) is None
    assert normalise_phone(written) is None


def test_letters_are_not_read_as_a_vanity_number() -> None:
    # "(mum)" would otherwise become the digits 686 appended to the number.
    assert normalise_phone("07700 900123 (mum)") == "+447700900123"


def test_region_is_the_default_country() -> None:
    example = phonenumbers.example_number_for_type("IE", phonenumbers.PhoneNumberType.FIXED_LINE)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    irish = clean_phone(national, region="IE")
    assert irish is not None and irish.e164.startswith("+353")


def test_phone_is_frozen() -> None:
    phone = clean_phone("07700 900123")
    assert isinstance(phone, Phone)
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.e164 = "+447700900456"  # type: ignore[misc]


def test_clean_phones_splits_a_field_holding_several() -> None:
    found = clean_phones("07700 900123 / 07700 900456 or 07700900123")
    assert [phone.e164 for phone in found] == ["+447700900123", "+447700900456"]
    assert clean_phone("07700 900123 / 07700 900456") is None
    assert [p.e164 for p in clean_phones("07700 900123")] == ["+447700900123"]
    assert clean_phones("n/a") == []
    assert clean_phones(None) == []
