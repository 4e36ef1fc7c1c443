"""Vehicle registrations: one compact form, the UK formats, garbage rejected."""

from __future__ import annotations

import pytest

from threadline.normalise.vehicles import format_registration, normalise_registration


@pytest.mark.parametrize(
    ("written", "compact", "plate"),
    [
        ("AB12 CDE", "AB12CDE", "AB12 CDE"),  # current
        ("ab12cde", "AB12CDE", "AB12 CDE"),
        (" ab-12-cde ", "AB12CDE", "AB12 CDE"),
        ("YX71 ZZA", "YX71ZZA", "YX71 ZZA"),
        ("A123 BCD", "A123BCD", "A123 BCD"),  # prefix
        ("p9 xyz", "P9XYZ", "P9 XYZ"),
        ("ABC 123D", "ABC123D", "ABC 123D"),  # suffix
        ("ABC 1234", "ABC1234", "ABC 1234"),  # dateless / Northern Ireland
        ("A 1", "A1", "A 1"),
        ("1234 AB", "1234AB", "1234 AB"),
        ("Q123 ABC", "Q123ABC", "Q123 ABC"),  # Q plate
    ],
)
def test_registration_formats(written: str, compact: str, plate: str) -> None:
    assert normalise_registration(written) == compact
    assert format_registration(written) == plate
    assert format_registration(compact) == plate


@pytest.mark.parametrize(
    "written",
    [
        None,
        "",
        "N/K",
        "UNKNOWN",
        "TBC",
        "12345",
        "AB",
        "AB12 CDEF",  # too long
        "AB00 CDE",  # age identifier not issued
        "AB01 CDE",
        "IB12 CDE",  # I is never used in a current mark
        "AQ12 CDE",  # nor Q
        "AB12 CDI",
        "ZB12 CDE",  # nor Z as the first letter
        "AB12 C£E",
        "ÄB12 CDE",
        "A0123 BCD",
    ],
)
def test_garbage_is_none(written: str | None) -> None:
    assert normalise_registration(written) is None


def test_format_rejects_what_is_not_a_registration() -> None:
    with pytest.raises(ValueError, match="not a UK registration"):
        format_registration("unknown")
