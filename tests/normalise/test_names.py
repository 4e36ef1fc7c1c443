"""Names: normalisation, forenames, nicknames (package + British supplement), phonetic keys."""

from __future__ import annotations

import pytest

from threadline.normalise import names
from threadline.normalise.names import (
    are_nickname_equivalent,
    canonical_forename,
    first_forename,
    is_initial,
    nickname_group,
    normalise_name,
    phonetic_key,
    split_forenames,
    surname_key,
)

# --------------------------------------------------------------------------- normalise_name


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Gareth", "gareth"),
        ("  GARETH   JOHN  ", "gareth john"),
        ("O'Neil", "oneil"),
        ("O\u2019Neil", "oneil"),  # typographic apostrophe
        ("D`Arcy", "darcy"),
        ("Smith-Jones", "smith jones"),
        ("Smith\u2013Jones", "smith jones"),  # en dash
        ("Siân", "sian"),
        ("Zoë Brontë", "zoe bronte"),
        ("Ó Dónaill", "o donaill"),
        ("Müller-Strauß", "muller strauss"),
        ("Æthelstan Ødegaard", "aethelstan odegaard"),
        ("Łukasz", "lukasz"),
        ("J.", "j"),
        ("J.R. Hartley", "j r hartley"),
        ("Mr Gareth Evans", "gareth evans"),
        ("MRS. Jane Doe", "jane doe"),
        ("Dr Jane Doe", "jane doe"),
        ("Rev Dr Jane Doe", "jane doe"),
        ("Miss K. Doe", "k doe"),
        ("Smith, Jane", "smith jane"),
        ("Jane2 Doe", "jane doe"),
    ],
)
def test_normalise_name(written: str, expected: str) -> None:
    assert normalise_name(written) == expected


@pytest.mark.parametrize(
    "written", [None, "", "   ", "Unknown", "UNKNOWN", "N/K", "n.k.", "n/a", "Not Known", "?", "-"]
)
def test_no_name_is_none(written: str | None) -> None:
    assert normalise_name(written) is None


def test_a_title_alone_is_no_name_but_a_name_like_title_survives() -> None:
    assert normalise_name("Mr") is None
    assert normalise_name("Mrs.") is None
    # Lord, Major and Master are surnames too: alone, they are kept.
    assert normalise_name("Lord") == "lord"
    assert normalise_name("Major") == "major"
    # In front of a name they are still titles.
    assert normalise_name("Lord Jane Doe") == "jane doe"
    assert normalise_name("Mr Lord") == "lord"


def test_bare_na_is_a_surname_not_a_placeholder() -> None:
    assert normalise_name("Na") == "na"
    assert normalise_name("N/A") is None


def test_titles_are_only_removed_from_the_front() -> None:
    # A title word later in the name is part of the name, not a title.
    assert normalise_name("Jane Miss") == "jane miss"


# --------------------------------------------------------------------------- forenames


def test_split_forenames() -> None:
    assert split_forenames("GARETH  JOHN") == ["gareth", "john"]
    assert split_forenames("J.") == ["j"]
    assert split_forenames("Mary-Jane") == ["mary", "jane"]
    assert split_forenames(None) == []
    assert split_forenames("unknown") == []


def test_first_forename() -> None:
    assert first_forename("Gareth John") == "gareth"
    assert first_forename("  j. r. ") == "j"
    assert first_forename("") is None
    assert first_forename(None) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [("J", True), ("j.", True), (" J ", True), ("Jo", False), ("", False), ("Mr", False)],
)
def test_is_initial(written: str, expected: bool) -> None:
    assert is_initial(written) is expected


# --------------------------------------------------------------------------- surnames, sound


def test_surname_key() -> None:
    assert surname_key("Smith-Jones") == "smith jones"
    assert surname_key("SMITH JONES") == surname_key("Smith-Jones")
    assert surname_key("O'Neil") == surname_key("ONEIL") == "oneil"
    assert surname_key(None) is None
    assert surname_key("  ") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Thompson", "Thomson"),
        ("Allen", "Allan"),
        ("Smith", "Smyth"),
        ("Catherine", "Katherine"),
        ("Simpson", "Simson"),
        ("O'Neil", "Oneill"),
        ("Smith-Jones", "Smith Jones"),
    ],
)
def test_phonetic_keys_agree_for_variant_spellings(a: str, b: str) -> None:
    assert phonetic_key(a) is not None
    assert phonetic_key(a) == phonetic_key(b)


def test_phonetic_keys_differ_for_different_names() -> None:
    assert phonetic_key("Thompson") != phonetic_key("Johnson")
    assert phonetic_key("Allen") != phonetic_key("Ellis")


def test_phonetic_key_is_the_double_metaphone_primary_code() -> None:
    assert phonetic_key("Thompson") == "TMSN"
    assert phonetic_key("Smith") == "SM0"  # the secondary code would be XMT


def test_phonetic_key_of_nothing_is_none() -> None:
    assert phonetic_key(None) is None
    assert phonetic_key("") is None
    assert phonetic_key("Unknown") is None


# --------------------------------------------------------------------------- nicknames

BRITISH_PAIRS = [
    ("Gaz", "Gareth"),
    ("Gazza", "Gary"),
    ("Gaz", "Gary"),
    ("Baz", "Barry"),
    ("Bazza", "Barry"),
    ("Shaz", "Sharon"),
    ("Kez", "Kerry"),
    ("Kez", "Karen"),
    ("Bex", "Rebecca"),
    ("Becky", "Rebecca"),
    ("Del", "Derek"),
    ("Tel", "Terry"),
    ("Dave", "David"),
    ("Davey", "David"),
    ("Steve", "Stephen"),
    ("Steve", "Steven"),
    ("Nick", "Nicholas"),
    ("Nicky", "Nicholas"),
    ("Jon", "Jonathan"),
    ("Jon", "John"),
    ("Rob", "Robert"),
    ("Bob", "Robert"),
    ("Robbie", "Robert"),
    ("Liz", "Elizabeth"),
    ("Beth", "Elizabeth"),
    ("Jim", "James"),
    ("Jimmy", "James"),
    ("Mick", "Michael"),
    ("Mike", "Michael"),
    ("Kath", "Katherine"),
    ("Kath", "Catherine"),
    ("Kate", "Katherine"),
    ("Sue", "Susan"),
    ("Tom", "Thomas"),
    # forms of the UK's other languages, missing from the nicknames package
    ("Ali", "Alasdair"),
    ("Dai", "Dafydd"),
    ("Paddy", "Padraig"),
    ("Kasia", "Katarzyna"),
    ("Gosia", "Malgorzata"),
    ("Tomek", "Tomasz"),
    ("Raj", "Rajesh"),
    ("Sukhi", "Sukhwinder"),
    ("Tash", "Natasha"),
    ("Charlie", "Charlotte"),
    ("Beth", "Bethany"),
]


@pytest.mark.parametrize(("nick", "formal"), BRITISH_PAIRS)
def test_nickname_equivalence_both_directions(nick: str, formal: str) -> None:
    assert are_nickname_equivalent(nick, formal)
    assert are_nickname_equivalent(formal, nick)


@pytest.mark.parametrize(("nick", "formal"), BRITISH_PAIRS)
def test_nickname_group_holds_the_formal_name_and_the_formal_group_the_nickname(
    nick: str, formal: str
) -> None:
    assert formal.lower() in nickname_group(nick)
    assert nick.lower() in nickname_group(formal)


def test_nicknames_of_one_formal_name_are_equivalent() -> None:
    # Neither is in the other's group; they share the formal name Nicholas.
    assert "nicky" not in nickname_group("nick")
    assert are_nickname_equivalent("Nick", "Nicky")
    assert are_nickname_equivalent("Gaz", "Gazza")


def test_groups_are_evidence_not_identity() -> None:
    # "Kez" is short for both Kerry and Karen: each matches Kez, but not each other.
    assert are_nickname_equivalent("kez", "kerry")
    assert are_nickname_equivalent("kez", "karen")
    assert not are_nickname_equivalent("kerry", "karen")
    # The package lists "bill" under both Robert and William (and each under "bill"); that
    # must not make Robert and William the same name.
    assert are_nickname_equivalent("bill", "robert")
    assert are_nickname_equivalent("bill", "william")
    assert not are_nickname_equivalent("robert", "william")


def test_gareth_and_gary_are_equivalent_through_the_package_data() -> None:
    # The nicknames package lists Gary as a nickname of Gareth; the supplement adds Gaz to both.
    assert are_nickname_equivalent("gareth", "gary")


@pytest.mark.parametrize(
    ("a", "b"),
    [("Gareth", "Sharon"), ("Thomas", "Tim"), ("John", "James"), ("Catherine", "Katherine")],
)
def test_unrelated_names_are_not_equivalent(a: str, b: str) -> None:
    assert not are_nickname_equivalent(a, b)
    assert not are_nickname_equivalent(b, a)


def test_equivalence_normalises_its_inputs_and_rejects_nothing() -> None:
    assert are_nickname_equivalent("  GAZ ", "Mr Gareth")
    assert are_nickname_equivalent("Gareth", "gareth")
    assert not are_nickname_equivalent(None, "gareth")
    assert not are_nickname_equivalent("", "")
    assert not are_nickname_equivalent(None, None)


def test_nickname_group_of_an_unknown_name_is_itself() -> None:
    assert nickname_group("Zebedeeqx") == frozenset({"zebedeeqx"})
    assert nickname_group(None) == frozenset()
    assert nickname_group("") == frozenset()


def test_nickname_group_uses_the_first_of_several_forenames() -> None:
    assert nickname_group("Gaz John") == nickname_group("gaz")


def test_nickname_group_is_lower_case_ascii() -> None:
    group = nickname_group("GAZ")
    assert group == nickname_group("gaz")
    assert all(name == name.lower() and name.isascii() for name in group)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Gaz", "gareth"),  # gareth and gary tie on prefix; alphabetical order decides
        ("gazza", "gareth"),
        ("Gareth", "gareth"),
        ("Gary", "gary"),  # a formal name of its own in the supplement
        ("Bill", "william"),  # the supplement's claim beats the package's "robert"
        ("Nick", "nicholas"),
        ("Mick", "michael"),
        ("Bob", "robert"),
        ("Jon", "jonathan"),  # longest shared prefix: jon- over john
        ("Becky", "rebecca"),
        ("Kez", "kerry"),
        ("Zebedeeqx", "zebedeeqx"),
    ],
)
def test_canonical_forename(written: str, expected: str) -> None:
    assert canonical_forename(written) == expected


def test_canonical_forename_is_a_blocking_key_for_nicknames() -> None:
    for nick, formal in [("Dave", "David"), ("Steve", "Steven"), ("Liz", "Elizabeth")]:
        assert canonical_forename(nick) == canonical_forename(formal)
    assert canonical_forename(None) is None
    assert canonical_forename("unknown") is None


def test_british_supplement_adds_forms_the_package_lacks() -> None:
    # Without the supplement "gaz" and "bex" are unknown to the nicknames package.
    from nicknames import NickNamer

    package = NickNamer()
    assert not package.canonicals_of("gaz")
    assert not package.canonicals_of("bex")
    assert "gareth" in nickname_group("gaz")
    assert "rebecca" in nickname_group("bex")


# --------------------------------------------------------------------------- performance


def test_nickname_group_is_cached() -> None:
    nickname_group.cache_clear()
    for _ in range(1000):
        nickname_group("Gaz")
    info = nickname_group.cache_info()
    assert info.misses == 1
    assert info.hits == 999


def test_nickname_tables_are_loaded_once() -> None:
    assert names._nicknames() is names._nicknames()


def test_many_lookups_are_fast() -> None:
    import time

    forenames = ["gaz", "gareth", "becky", "nick", "zebedeeqx", "kath", "del", "tel"] * 12_500
    start = time.perf_counter()
    for forename in forenames:
        nickname_group(forename)
    elapsed = time.perf_counter() - start
    # 100k calls on a warm cache take a few tens of milliseconds; the bound is loose for CI.
    assert elapsed < 1.0
