"""The comparison levels in Python (the call-time twins of the SQL) and the contradictions."""

from __future__ import annotations

from typing import Any

from threadline.resolve import features_of
from threadline.resolve.comparisons import (
    FORENAME_DIFFERS,
    address_level,
    contradiction,
    dob_level,
    forename_level,
    vehicle_level,
)


def m(**fields: Any) -> dict[str, Any]:
    return features_of({"mention_id": "x", **fields})


def test_a_partial_date_that_agrees_is_not_two_different_birthdays() -> None:
    full = m(dob="1984-03-07")
    assert dob_level(full, m(dob="1984-03-07")) == 1
    assert dob_level(full, m(dob="1984-07-03")) == 2  # day and month swapped
    assert dob_level(full, m(dob="1985-03-07")) == 3  # year one off
    assert dob_level(full, m(dob="1984")) == 4
    assert dob_level(full, m(dob="1984-03")) == 4
    assert dob_level(full, m(dob="1984-05-21")) == 5  # same year, another birthday
    assert dob_level(full, m(dob="1983")) == 5
    assert dob_level(full, m(dob="1958-03-07")) == 6  # a generation apart
    assert dob_level(full, m()) == 0


def test_one_house_written_with_a_postcode_and_with_a_town() -> None:
    with_postcode = m(address_text="4 Forge Lane", postcode="ST16 3PE")
    with_town = m(address_text="4 Forge Lane, Stafford")
    bare = m(address_text="4 Forge Lane")
    assert address_level(with_postcode, m(address_text="4 Forge Ln", postcode="st163pe")) == 1
    assert address_level(with_postcode, with_town) == 2
    assert address_level(with_town, bare) == 2
    # two postcodes, or two towns, that differ are two streets
    assert address_level(with_postcode, m(address_text="4 Forge Lane", postcode="WS11 0FZ")) == 5
    assert address_level(with_town, m(address_text="4 Forge Lane, Cannock")) == 5
    assert address_level(with_postcode, m(address_text="9 Forge Lane", postcode="ST16 3PE")) == 3


def test_a_vehicle_is_evidence_except_at_a_house_both_share() -> None:
    car = {"vehicles": ["FE23 DDG"]}
    assert vehicle_level(m(**car), m(vehicles=["fe23ddg"])) == 1  # one car however written
    assert vehicle_level(m(**car), m(vehicles=["BD23 ZHO"])) == 2
    assert vehicle_level(m(**car), m()) == 0
    away = {"address_text": "33 Broadmeadow, Stafford", "postcode": "ST16 3QP"}
    assert vehicle_level(m(**car, **away), m(**car)) == 1  # one address unknown
    # at one house the car is the household's: it says nothing the address has not said
    home = {"address_text": "4 Park Crescent", "postcode": "WS12 0BH"}
    assert vehicle_level(m(**car, **home), m(**car, address_text="4 park cres, hednesford")) == 0
    assert vehicle_level(m(**car, **home), m(vehicles=["BD23 ZHO"], **home)) == 0
    # a street with no house number is not one house
    street = {"address_text": "Park Crescent", "postcode": "WS12 0BH"}
    assert vehicle_level(m(**car, **street), m(**car, **street)) == 1


def test_forename_levels_for_nicknames_initials_and_slips() -> None:
    rebecca = m(forenames="Rebecca")
    assert forename_level(rebecca, m(forenames="Becky")) == 2
    assert forename_level(m(forenames="Cathy"), m(forenames="Kate")) == 3  # both Catherine
    assert forename_level(m(forenames="R"), m(forenames="Becky")) == 4  # R for Rebecca
    assert forename_level(m(forenames="Lee"), m(forenames="Ler")) == 7  # one keystroke
    # initials are not slips
    assert forename_level(m(forenames="P"), m(forenames="F")) == FORENAME_DIFFERS
    assert forename_level(rebecca, m(forenames="Siobhan")) == FORENAME_DIFFERS


def test_contradictions_name_what_cannot_be_one_person() -> None:
    father = m(forenames="Darren", dob="1946-11-22", sex="male")
    son = m(forenames="Darren", dob="1980-02-10", sex="male")
    bare = m(forenames="Darren", sex="male")
    assert "dates of birth differ (1946-11-22 / 1980-02-10)" in (contradiction(father, son) or "")
    assert contradiction(father, bare) is None
    assert contradiction(m(forenames="Amina"), m(forenames="Ayesha")) == (
        "forenames differ (amina / ayesha)"
    )
    assert "sexes differ" in (contradiction(m(sex="female"), m(sex="male")) or "")
    # the noise of one person is not a contradiction
    assert contradiction(m(forenames="Patricai", dob="1970-02-03"), m(forenames="Trish")) is None
    assert contradiction(m(dob="1970-02-03"), m(dob="1970-03-02")) is None
    assert contradiction(m(dob="1970"), m(dob="1970-03-02")) is None


def test_two_slips_of_one_name_are_not_a_contradiction() -> None:
    assert forename_level(m(forenames="Mrak"), m(forenames="Matk")) == FORENAME_DIFFERS
    assert contradiction(m(forenames="Mrak"), m(forenames="Matk")) is None


def test_one_slip_from_a_nickname_is_not_a_contradiction() -> None:
    """ "Kin" is Kim mistyped, and Kim is Kimberley: one woman, not two."""
    assert forename_level(m(forenames="Kin"), m(forenames="Kimberley")) == FORENAME_DIFFERS
    assert contradiction(m(forenames="Kin"), m(forenames="Kimberley")) is None
    assert contradiction(m(forenames="Kimberley"), m(forenames="Kth")) is not None
    assert contradiction(m(forenames="Kth"), m(forenames="Katherine")) is None
    assert contradiction(m(forenames="Kin"), m(forenames="Deborah")) is not None


def test_an_initial_contradicts_only_a_name_it_cannot_stand_for() -> None:
    """ "C" may be Catherine, and so may Kate: held apart, the victim's records split in two."""
    assert contradiction(m(forenames="C"), m(forenames="Kate")) is None
    assert contradiction(m(forenames="K"), m(forenames="Cathy")) is None
    assert contradiction(m(forenames="J"), m(forenames="Kate")) == "forenames differ (j / kate)"
    # a name cut short is its start, even of a mistyped name
    assert contradiction(m(forenames="Ro"), m(forenames="Robrrt")) is None
    assert contradiction(m(forenames="Jo"), m(forenames="Robert")) is not None


def test_the_rules_of_crowded_blocks_are_left_out_where_no_block_is_crowded() -> None:
    from blocked_pairs import blocked_pairs
    from threadline.resolve.comparisons import (
        CROWDED_BLOCK,
        blocking_keys,
        blocking_table,
        crowded_pairs,
    )

    smiths = [
        features_of({"mention_id": f"s{i}", "forenames": "John", "surname": "Smith",
                     "address_text": f"{i % 3} Mill Lane, Leek"})
        for i in range(CROWDED_BLOCK + 5)
    ]  # fmt: skip
    others = [
        features_of({"mention_id": f"o{i}", "forenames": "Aled", "surname": "Tregothnan",
                     "dob": f"198{i}-03-01"})
        for i in range(3)
    ]  # fmt: skip
    table = blocking_table(smiths + others)
    crowded = crowded_pairs(table)
    # the name's block, and the crossed key's (a "Smith John" would be compared with them all)
    names = {("forename_canonical", "surname_phonetic"), ("forename_phonetic", "surname_phonetic")}
    assert crowded == names
    kept = blocking_keys(crowded)
    assert {key.crowded for key in kept} == {None, *names}
    assert len(kept) < len(blocking_keys())
    # the same pairs as every rule: the crowd is compared within each house only
    assert blocked_pairs(table, kept) == blocked_pairs(table)
    assert frozenset(("s0", "s3")) in blocked_pairs(table, kept)
    assert frozenset(("s0", "s1")) not in blocked_pairs(table, kept)
    # with no crowd, none of the crowded blocks' rules
    assert {key.crowded for key in blocking_keys(crowded_pairs(blocking_table(others)))} == {None}
