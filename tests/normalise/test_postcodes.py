"""Postcodes: canonical form, the format rules, and the codes that group postcodes."""

from __future__ import annotations

import pytest

from threadline.normalise.postcodes import (
    normalise_postcode,
    outward_code,
    postcode_area,
    postcode_district,
    postcode_sector,
)


@pytest.mark.parametrize(
    "written",
    ["ST16 2AB", "st162ab", " ST16  2AB ", "st16-2ab", "St16 2ab", "S T 1 6 2 A B", "ST16.2AB"],
)
def test_spellings_of_one_postcode(written: str) -> None:
    assert normalise_postcode(written) == "ST16 2AB"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("m11ae", "M1 1AE"),  # A9
        ("b338th", "B33 8TH"),  # A99
        ("cr26xh", "CR2 6XH"),  # AA9
        ("dn551pt", "DN55 1PT"),  # AA99
        ("w1a0ax", "W1A 0AX"),  # A9A
        ("ec1a1bb", "EC1A 1BB"),  # AA9A
        ("sw1a1aa", "SW1A 1AA"),
        ("gir0aa", "GIR 0AA"),  # Girobank
        ("sthl1zz", "STHL 1ZZ"),  # Saint Helena
        ("ST16 OAB", "ST16 0AB"),  # letter O where only a digit can be
    ],
)
def test_every_format(written: str, expected: str) -> None:
    assert normalise_postcode(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        None,
        "",
        "n/a",
        "12345",
        "ST16",  # outward code only
        "ST16 2",  # sector only
        "QA1 1AA",  # Q never starts a postcode
        "AJ1 1AA",  # J never second
        "ST16 2CA",  # C never in the inward code
        "ST16 2AI",  # nor I
        "W1I 0AX",  # I not allowed third in A9A
        "EC1C 1BB",  # C not allowed fourth in AA9A
        "ST166 2AB",
        "ST16 2AB extra",
        "GIR 0AB",
    ],
)
def test_malformed_is_none(written: str | None) -> None:
    assert normalise_postcode(written) is None


def test_outward_code_and_district() -> None:
    assert outward_code("st162ab") == "ST16"
    assert outward_code("EC1A 1BB") == "EC1A"
    assert outward_code("st16") == "ST16"  # a bare outward code is accepted
    assert outward_code("n/a") is None
    assert outward_code(None) is None
    assert postcode_district("ST16 2AB") == outward_code("ST16 2AB")


def test_sector() -> None:
    assert postcode_sector("st162ab") == "ST16 2"
    assert postcode_sector("M1 1AE") == "M1 1"
    assert postcode_sector("st16 2") == "ST16 2"
    assert postcode_sector("ST16") is None
    assert postcode_sector("rubbish") is None
    assert postcode_sector(None) is None


def test_area() -> None:
    assert postcode_area("ST16 2AB") == "ST"
    assert postcode_area("M1 1AE") == "M"
    assert postcode_area("EC1A 1BB") == "EC"
    assert postcode_area("nonsense") is None
