"""Addresses: normalised text, house numbers, and one key per dwelling."""

from __future__ import annotations

import pytest

from threadline.normalise.addresses import address_key, house_number, normalise_address


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Flat 2, 14 Acacia Rd", "flat 2 14 acacia road"),
        ("Apartment 2, 14 Acacia Road", "flat 2 14 acacia road"),
        ("Apt. 2, 14 Acacia Road", "flat 2 14 acacia road"),
        ("14 Acacia Road, Stafford ST16 2AB", "14 acacia road stafford"),
        ("14 acacia rd st162ab", "14 acacia road"),
        ("14 ACACIA AVE, STAFFORD, ST16-2AB", "14 acacia avenue stafford"),
        ("St Johns Road", "saint johns road"),
        ("14 St. John's Rd", "14 saint johns road"),
        ("Flat 2, St Mary's Court", "flat 2 saint marys court"),
        ("14 High St", "14 high street"),
        ("14 High St, Stafford", "14 high street stafford"),
        ("14 Station St Stafford", "14 station street stafford"),
        ("3 Mill Ln", "3 mill lane"),
        ("3 Oak Cl", "3 oak close"),
        ("3 Moor Cres", "3 moor crescent"),
        ("3 Park Dr", "3 park drive"),
        ("3 Kings Ct", "3 kings court"),
        ("3 Rose Gdns", "3 rose gardens"),
        ("3 Market Pl", "3 market place"),
        ("3 Church Sq", "3 church square"),
        ("3 Albion Terr", "3 albion terrace"),
        ("3 Albion Tce", "3 albion terrace"),
        ("3 Elm Gr", "3 elm grove"),
        ("3 Oak Pk", "3 oak park"),
        ("No. 14 Acacia Road", "14 acacia road"),
        ("14-16 High St", "14-16 high street"),
        ("14 - 16 High St", "14-16 high street"),
        ("14a Acacia Road", "14a acacia road"),
        ("14 Rue Saint-Cloüd", "14 rue saint cloud"),
        ("14 Acacia Road, Stafford, ST16", "14 acacia road stafford"),
    ],
)
def test_normalise_address(written: str, expected: str) -> None:
    assert normalise_address(written) == expected


def test_the_given_postcode_is_removed_from_the_text() -> None:
    assert normalise_address("14 Acacia Rd ST16 2AB", postcode="st162ab") == "14 acacia road"
    assert normalise_address("14 Acacia Rd st162ab", postcode="ST16 2AB") == "14 acacia road"


@pytest.mark.parametrize("written", [None, "", "  ", ",,,", "ST16 2AB"])
def test_nothing_to_normalise_is_none(written: str | None) -> None:
    assert normalise_address(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Flat 2, 14 Acacia Rd", "14"),
        ("14a Acacia Road", "14a"),
        ("No. 14 Acacia Road", "14"),
        ("14-16 High St", "14-16"),
        ("2/14 Acacia Road", "14"),
        ("Flat 2, Rose Court, 14 Acacia Road", "14"),
        ("Flat 2", None),
        ("Rose Cottage, Mill Lane", None),
        ("14 acacia rd st162ab", "14"),  # the postcode's digits are not a number
        (None, None),
    ],
)
def test_house_number(written: str | None, expected: str | None) -> None:
    assert house_number(written) == expected


SAME_DWELLING = [
    ("14 Acacia Road, Stafford ST16 2AB", None),
    ("14 acacia rd st162ab", None),
    ("14 ACACIA AVE, STAFFORD", "ST16 2AB"),  # road/avenue misremembered: postcode decides
    ("No. 14, Acacia Road", "st16-2ab"),
    ("14 Acacia Rd.", "ST16 2AB"),
]


def test_one_dwelling_written_many_ways_has_one_key() -> None:
    keys = {address_key(text, postcode) for text, postcode in SAME_DWELLING}
    assert keys == {"14|acacia|ST16 2AB"}


def test_different_house_numbers_have_different_keys() -> None:
    assert address_key("14 Acacia Road", "ST16 2AB") != address_key("16 Acacia Road", "ST16 2AB")


def test_flats_in_one_house_have_different_keys() -> None:
    flat_2 = address_key("Flat 2, 14 Acacia Rd", "ST16 2AB")
    flat_3 = address_key("Flat 3, 14 Acacia Rd", "ST16 2AB")
    house = address_key("14 Acacia Rd", "ST16 2AB")
    assert len({flat_2, flat_3, house}) == 3
    assert flat_2 == address_key("2/14 Acacia Road, Stafford", "ST16 2AB")
    assert address_key("Flat B, 14 Acacia Rd") != address_key("Flat A, 14 Acacia Rd")


def test_saint_and_street_are_told_apart_in_the_key() -> None:
    assert address_key("14 St Johns Rd", "ST16 2AB") == "14|saint johns|ST16 2AB"
    assert address_key("14 St. John's Road", "ST16 2AB") == "14|saint johns|ST16 2AB"


def test_without_a_postcode_the_town_keeps_streets_apart() -> None:
    stone = address_key("14 High Street, Stone")
    stafford = address_key("14 High St, Stafford")
    assert stone == "14|high|stone"
    assert stafford == "14|high|stafford"


def test_a_given_postcode_wins_over_one_in_the_text() -> None:
    assert address_key("14 Acacia Rd ST17 4AA", "ST16 2AB") == "14|acacia|ST16 2AB"
    # an invalid given postcode is ignored in favour of the text's
    assert address_key("14 Acacia Rd ST17 4AA", "n/a") == "14|acacia|ST17 4AA"


def test_named_houses_key_on_their_names() -> None:
    assert address_key("Rose Cottage, Mill Lane", "ST16 2AB") == address_key(
        "rose cottage mill ln", "st162ab"
    )
    assert address_key("Rose Cottage, Mill Lane", "ST16 2AB") != address_key(
        "Ivy Cottage, Mill Lane", "ST16 2AB"
    )


def test_the_is_not_a_street_name() -> None:
    assert address_key("14 The Green", "ST16 2AB") == "14|green|ST16 2AB"


def test_nothing_to_key_is_none() -> None:
    assert address_key(None) is None
    assert address_key("") is None
    assert address_key("ST16 2AB") is None
