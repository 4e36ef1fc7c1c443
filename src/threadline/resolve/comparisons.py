"""The comparisons and blocking rules of the person-mention linkage model.

Each comparison turns one pair of mentions into a level (a "gamma" value) for one kind of
evidence: forename, surname, date of birth, address (with postcode), sex, phones, e-mails,
accounts and vehicles.
Levels run from the most specific (exact) to the least ("all other"); a null level records that
one side does not say, which counts neither for nor against a match.

The level *labels* are part of the model: :mod:`threadline.resolve.explain` reads them back from
the saved model to put the evidence into words, so each label says in plain English what the
level means. The SQL is DuckDB's dialect; the columns are those made by
:mod:`threadline.features`.

Phones, e-mails, accounts and vehicles are objects a household can share (a landline, the family
car). A shared one is evidence, weighed by what the model learnt of how often two different people
share it, never a merge on its own: the names must agree too, and clustering refuses to make one
person of two whose forenames or dates of birth contradict each other (:func:`contradiction`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from splink import block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from threadline.features import features_table
from threadline.model.kinds import (
    SHARED_VALUE,
    SHARED_VALUE_APART_AT_ONE_HOUSE,
    IdentifierKind,
    identifier_kinds,
)

#: The m probability of a level declared near-conclusive against a match (see
#: :func:`forename_comparison` and :func:`dob_comparison`): one true match in ten thousand.
NEAR_CONCLUSIVE_M = 1e-4

#: Years apart from which two dates of birth are taken to be different generations.
GENERATION_YEARS = 10

#: Jaro-Winkler thresholds for the "close spelling" levels of forename and surname.
JARO_WINKLER_THRESHOLDS: tuple[float, float] = (0.92, 0.88)


#: The labels of the levels for a forename and surname typed into each other's boxes ("SMITH
#: JOHN" for John Smith): each name the other's, exactly or by its sound
#: (:func:`swapped_level_sql`). The forename comparison weighs them (m and u trained like any
#: level's); the surname comparison's levels of the same name say nothing (null levels), as
#: both comparisons see the one swap and counting it twice would double its weight.
SWAPPED = "forename and surname swapped"
SWAPPED_SOUNDING = "forename and surname swapped, sounding alike"
#: The part of the surname comparison's swapped labels that says the forename weighs them.
WEIGHED_WITH_FORENAME = " (weighed with the forename)"
#: The columns a swap is read on, exactly (True) or by sound (False): forename, surname.
SWAPPED_COLUMNS: dict[bool, tuple[str, str]] = {
    True: ("forename", "surname"),
    False: ("forename_phonetic", "surname_phonetic"),
}


#: The label of the date-of-birth level for dates that differ (within a generation). It is the
#: one level short of "else" that says the two sides disagree: training treats it as such
#: (see :func:`threadline.resolve.linkage.train_model`).
DOB_DIFFERS = "date of birth differs"


def _null_level(sql: str, label: str) -> ComparisonLevelCreator:
    return cll.CustomLevel(sql, label_for_charts=label).configure(is_null_level=True)


def _same_name_levels(column: str) -> list[ComparisonLevelCreator]:
    """A name's first levels: not given on one side, then the same (term-frequency adjusted)."""
    return [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
            label_for_charts=f"same {column}"
        ),
    ]


def _spelt_alike_levels(column: str) -> list[ComparisonLevelCreator]:
    """A name spelt alike, one level per :data:`JARO_WINKLER_THRESHOLDS` (the closest first)."""
    return [
        cll.JaroWinklerLevel(column, threshold).configure(
            label_for_charts=f"{column} spelt alike (Jaro-Winkler >= {threshold})"
        )
        for threshold in JARO_WINKLER_THRESHOLDS
    ]


def _either_empty(col: str) -> str:
    return f'"{col}_l" IS NULL OR "{col}_r" IS NULL OR len("{col}_l") = 0 OR len("{col}_r") = 0'


def swapped_level_sql(exact: bool) -> str:
    """SQL: the forename of each side is the surname of the other (``exact``) or sounds like it
    (the phonetic codes crossed), the two forenames and the two surnames each differing (the
    name is not simply the same one), and the dates of birth not differing
    (:data:`DOB_AGREEING_LEVELS`).

    A swap with another birthday is no swap: names in each other's boxes and a date of birth
    that differs are two slips in one record, and far more often two people ("James Thomas"
    and "Thomas James", born in different years). Such a pair falls to "forename differs",
    near-conclusive against, so no phone, address or e-mail they share can join them, in
    batch or at call time (a direct pair of two mentions is left to its score in batch)."""
    forename, surname = SWAPPED_COLUMNS[exact]
    dob_agrees = " OR ".join(f"({sql})" for sql, _ in DOB_AGREEING_LEVELS)
    return (
        f'"{forename}_l" = "{surname}_r" AND "{surname}_l" = "{forename}_r" '
        f'AND "forename_l" <> "forename_r" AND "surname_l" <> "surname_r" AND ({dob_agrees})'
    )


def _swapped_levels(weighed: bool) -> list[ComparisonLevelCreator]:
    """The two swapped levels (:data:`SWAPPED`, :data:`SWAPPED_SOUNDING`): trained where
    ``weighed``, else null levels that say nothing (the other comparison weighs the swap)."""
    levels: list[ComparisonLevelCreator] = []
    for label, exact in ((SWAPPED, True), (SWAPPED_SOUNDING, False)):
        if weighed:
            levels.append(cll.CustomLevel(swapped_level_sql(exact), label_for_charts=label))
        else:
            levels.append(_null_level(swapped_level_sql(exact), label + WEIGHED_WITH_FORENAME))
    return levels


def forename_comparison() -> ComparisonCreator:
    """Forename: exact, nickname, sharing a formal name or nickname (Cathy, Kate), initial,
    close spelling, one keystroke apart, sounds alike, forename and surname swapped (exactly,
    or sounding alike), else.

    "Forename differs" has its m probability fixed at :data:`NEAR_CONCLUSIVE_M` rather than
    learnt. Twins share surname, date of birth and address; siblings share all but the date;
    with conditional independence those agreements add up to more than an honestly-estimated
    forename disagreement can take away. Merging two siblings attaches one's warnings to the
    other, while a missed link (a forename typed beyond recognition, a middle name used as a
    first name) waits for a reviewer, so a clear forename disagreement is near-conclusive.
    """
    return cl.CustomComparison(
        output_column_name="forename",
        comparison_description="forename",
        comparison_levels=[
            *_same_name_levels("forename"),
            cll.CustomLevel(
                '"forename_canonical_l" = "forename_canonical_r" '
                'OR list_contains("forename_nicknames_l", "forename_r") '
                'OR list_contains("forename_nicknames_r", "forename_l")',
                label_for_charts="forename is a nickname of the other",
            ),
            cll.CustomLevel(
                'list_has_any("forename_nicknames_l", "forename_nicknames_r")',
                label_for_charts="forenames share a formal name or nickname",
            ),
            cll.CustomLevel(
                '(length("forename_l") = 1 AND ("forename_l" = "forename_initial_r" '
                'OR "forename_l" = left("forename_canonical_r", 1))) '
                'OR (length("forename_r") = 1 AND ("forename_r" = "forename_initial_l" '
                'OR "forename_r" = left("forename_canonical_l", 1)))',
                label_for_charts="forename initial matches",
            ),
            *_spelt_alike_levels("forename"),
            cll.CustomLevel(
                'length("forename_l") >= 3 AND length("forename_r") >= 3 '
                'AND damerau_levenshtein("forename_l", "forename_r") <= 1',
                label_for_charts="forename one keystroke apart",
            ),
            cll.ExactMatchLevel("forename_phonetic").configure(
                label_for_charts="forename sounds alike"
            ),
            *_swapped_levels(weighed=True),
            cll.ElseLevel().configure(
                label_for_charts="forename differs",
                m_probability=NEAR_CONCLUSIVE_M,
                fix_m_probability=True,
            ),
        ],
    )


def surname_comparison() -> ComparisonCreator:
    """Surname: exact (term-frequency adjusted), close spelling, sounds alike, forename and
    surname swapped (null levels: the forename comparison weighs a swap), else."""
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="surname",
        comparison_levels=[
            *_same_name_levels("surname"),
            *_spelt_alike_levels("surname"),
            cll.ExactMatchLevel("surname_phonetic").configure(
                label_for_charts="surname sounds alike"
            ),
            *_swapped_levels(weighed=False),
            cll.ElseLevel().configure(label_for_charts="surname differs"),
        ],
    )


#: The date-of-birth levels short of a difference, in order, as (SQL, label): not given on one
#: side (the null level), the same, day and month swapped, one year apart with the same day and
#: month, partly given and agreeing as far as given (:func:`dob_comparison`).
DOB_AGREEING_LEVELS: tuple[tuple[str, str], ...] = (
    ('"dob_year_l" IS NULL OR "dob_year_r" IS NULL', "date of birth not given on one side"),
    ('"dob_l" = "dob_r"', "same date of birth"),
    (
        '"dob_year_l" = "dob_year_r" AND "dob_day_l" = "dob_month_r" '
        'AND "dob_month_l" = "dob_day_r" AND "dob_day_l" <> "dob_month_l"',
        "date of birth with day and month swapped",
    ),
    (
        'abs("dob_year_l" - "dob_year_r") = 1 AND "dob_month_l" = "dob_month_r" '
        'AND "dob_day_l" = "dob_day_r"',
        "date of birth one year apart, same day and month",
    ),
    (
        '("dob_l" IS NULL OR "dob_r" IS NULL) AND "dob_year_l" = "dob_year_r" '
        'AND ("dob_month_l" IS NULL OR "dob_month_r" IS NULL '
        'OR ("dob_month_l" = "dob_month_r" '
        'AND ("dob_day_l" IS NULL OR "dob_day_r" IS NULL)))',
        "date of birth partly given, agrees as far as given",
    ),
)


def dob_comparison() -> ComparisonCreator:
    """Date of birth, including the typing errors call handlers make (swapped day and month,
    year off by one) and partial dates (a year, or a year and month, on one side).

    A partial date that agrees with the other side as far as it goes ("1984" and "1984-03-07")
    is its own level, apart from two *full* dates that differ within one year: the first is a
    call handler writing less, the second two different birthdays (a sibling, a namesake).
    Dates of birth :data:`GENERATION_YEARS` or more years apart are a father and son, not one
    person mistyped: that level's m is fixed at :data:`NEAR_CONCLUSIVE_M`.
    """
    (null_sql, null_label), *agreeing = DOB_AGREEING_LEVELS
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="date of birth",
        comparison_levels=[
            _null_level(null_sql, null_label),
            *(cll.CustomLevel(sql, label_for_charts=label) for sql, label in agreeing),
            cll.CustomLevel(
                f'abs("dob_year_l" - "dob_year_r") < {GENERATION_YEARS}',
                label_for_charts=DOB_DIFFERS,
            ),
            cll.ElseLevel().configure(
                label_for_charts=f"born {GENERATION_YEARS} or more years apart",
                m_probability=NEAR_CONCLUSIVE_M,
                fix_m_probability=True,
            ),
        ],
    )


def _dwelling_sql(side: str) -> str:
    """SQL for the dwelling part of an address key: house and street, without the postcode or
    town that ends the key (see :func:`threadline.normalise.address_key`)."""
    return (
        f"split_part(\"address_key_{side}\", '|', 1) || '|' || "
        f"split_part(\"address_key_{side}\", '|', 2)"
    )


def _place_sql(side: str) -> str:
    return f"split_part(\"address_key_{side}\", '|', 3)"


def address_comparison() -> ComparisonCreator:
    """Where they live: same address, same house and street, same postcode, same postcode
    sector (``LS6 2``), else.

    An address key ends with the postcode when one was given and with the town otherwise, so
    "4 Forge Lane, ST16 3PE" and "4 Forge Lane, Stafford" have different keys for one house.
    The second level catches them: same house and street where the keys' ends cannot be
    compared (a postcode on one side, a town or nothing on the other). Two different
    postcodes, or two different towns, are two different streets.

    One comparison rather than two: a shared address implies a shared postcode, and counting
    both would count the same evidence twice (the model assumes comparisons independent).
    Null when neither the address nor the postcode can be compared.
    """
    place_l, place_r = _place_sql("l"), _place_sql("r")
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="address",
        comparison_levels=[
            _null_level(
                '("address_key_l" IS NULL OR "address_key_r" IS NULL) '
                'AND ("postcode_l" IS NULL OR "postcode_r" IS NULL)',
                "address not given on one side",
            ),
            cll.ExactMatchLevel("address_key", term_frequency_adjustments=True).configure(
                label_for_charts="same address"
            ),
            cll.CustomLevel(
                f"{_dwelling_sql('l')} = {_dwelling_sql('r')} AND ({place_l} = '' "
                f"OR {place_r} = '' OR regexp_matches({place_l}, '[0-9]') "
                f"<> regexp_matches({place_r}, '[0-9]'))",
                label_for_charts="same house and street, postcode or town on one side only",
            ),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="same postcode"),
            cll.ExactMatchLevel("postcode_sector").configure(
                label_for_charts="same postcode sector"
            ),
            cll.ElseLevel().configure(label_for_charts="address differs"),
        ],
    )


def sex_comparison() -> ComparisonCreator:
    """Recorded sex: the same, or not (unknown is null)."""
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="same sex"),
            cll.ElseLevel().configure(label_for_charts="sex differs"),
        ],
    )


def shared_value_comparison(column: str, noun: str) -> ComparisonCreator:
    """A list column (phones, e-mails, accounts): at least one value in both, or none."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=noun,
        comparison_levels=[
            _null_level(_either_empty(column), f"{noun} not given on one side"),
            cll.ArrayIntersectLevel(column, 1).configure(label_for_charts=f"{noun} in both"),
            cll.ElseLevel().configure(label_for_charts=f"no {noun} in common"),
        ],
    )


def _same_house_sql() -> str:
    number = "split_part(\"address_key_l\", '|', 1)"
    return f"{number} <> '' AND {_dwelling_sql('l')} = {_dwelling_sql('r')}"


def vehicle_comparison(column: str = "vehicles", noun: str = "vehicle") -> ComparisonCreator:
    """Vehicles: a registration in both, none in common, or nothing to say.

    A car recorded for two mentions at one house is the household's car as often as the
    person's (a father and his son of the same name drive the family car): it adds nothing to
    the address they share, and counting it would count the household twice. So at the same
    house (the number and street of the address key) vehicles are not compared.
    """
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=noun,
        comparison_levels=[
            _null_level(
                f"{_either_empty(column)} OR ({_same_house_sql()})",
                f"{noun} not given on one side, or both at one house",
            ),
            cll.ArrayIntersectLevel(column, 1).configure(label_for_charts=f"{noun} in both"),
            cll.ElseLevel().configure(label_for_charts=f"no {noun} in common"),
        ],
    )


# -- The same levels in Python, for call-time scoring ------------------------------------------
#
# Each function below returns the position of the level a pair falls in, counting the null level
# as 0, exactly as the SQL above would put it (a SQL comparison with NULL is false, hence
# ``_eq``). Splink scores batches with the SQL; call-time scoring uses these, and
# tests/resolve/test_linkage.py checks on thousands of pairs that both give the same weights.


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _differ(a: Any, b: Any) -> bool:
    """``a <> b`` in SQL: both given, and different."""
    return a is not None and b is not None and a != b


def _jw(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


#: Level positions (null = 0) that :func:`contradiction` reads.
FORENAME_DIFFERS = 11
DOB_DIFFERS_LEVEL = 5
SEX_DIFFERS = 2


def _name_level(
    left: Mapping[str, Any],
    right: Mapping[str, Any],
    column: str,
    beyond_exact: Callable[[str, str], int],
) -> int:
    """A name comparison's level position: 0 where either side's ``column`` is null, 1 where
    the two are equal, else ``beyond_exact`` of the two (its levels from 2 on)."""
    a, b = left[column], right[column]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    return beyond_exact(a, b)


def _jaro_winkler_band(a: str, b: str) -> int | None:
    """0 where ``a`` and ``b`` reach the higher of :data:`JARO_WINKLER_THRESHOLDS`, 1 where only
    the lower, None where neither."""
    similarity = _jw(a, b)
    high, low = JARO_WINKLER_THRESHOLDS
    if similarity >= high:
        return 0
    if similarity >= low:
        return 1
    return None


def forename_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`forename_comparison`."""
    return _name_level(left, right, "forename", lambda a, b: _forenames_differ(left, right, a, b))


def _forenames_differ(left: Mapping[str, Any], right: Mapping[str, Any], a: str, b: str) -> int:
    if (
        _eq(left["forename_canonical"], right["forename_canonical"])
        or b in (left["forename_nicknames"] or ())
        or a in (right["forename_nicknames"] or ())
    ):
        return 2
    if set(left["forename_nicknames"] or ()) & set(right["forename_nicknames"] or ()):
        return 3
    if _initial_of(a, right) or _initial_of(b, left):
        return 4
    band = _jaro_winkler_band(a, b)
    if band is not None:
        return 5 + band
    if len(a) >= 3 and len(b) >= 3 and DamerauLevenshtein.distance(a, b) <= 1:
        return 7
    if _eq(left["forename_phonetic"], right["forename_phonetic"]):
        return 8
    swap = swapped(left, right)
    return 9 + swap if swap is not None else FORENAME_DIFFERS


def swapped(left: Mapping[str, Any], right: Mapping[str, Any]) -> int | None:
    """0 where the forename of each is the surname of the other, 1 where each sounds like it
    (the phonetic codes crossed), None where neither or where the dates of birth differ (as
    :func:`swapped_level_sql`)."""
    if not (
        _differ(left["forename"], right["forename"]) and _differ(left["surname"], right["surname"])
    ):
        return None
    if dob_level(left, right) >= DOB_DIFFERS_LEVEL:  # another birthday: no swap
        return None
    for band, exact in enumerate((True, False)):
        forename, surname = SWAPPED_COLUMNS[exact]
        if _eq(left[forename], right[surname]) and _eq(left[surname], right[forename]):
            return band
    return None


def _initial_of(initial: str, other: Mapping[str, Any]) -> bool:
    """``initial`` is one letter, the first of the other forename or of its formal name
    ("r" for Becky, short for Rebecca)."""
    if len(initial) != 1:
        return False
    canonical = other["forename_canonical"]
    return initial == other["forename_initial"] or bool(canonical and initial == canonical[0])


def surname_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`surname_comparison`."""
    return _name_level(left, right, "surname", lambda a, b: _surnames_differ(left, right, a, b))


def _surnames_differ(left: Mapping[str, Any], right: Mapping[str, Any], a: str, b: str) -> int:
    band = _jaro_winkler_band(a, b)
    if band is not None:
        return 2 + band
    if _eq(left["surname_phonetic"], right["surname_phonetic"]):
        return 4
    swap = swapped(left, right)
    return 5 + swap if swap is not None else 7


def dob_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`dob_comparison`."""
    year_l, year_r = left["dob_year"], right["dob_year"]
    if year_l is None or year_r is None:
        return 0
    month_l, month_r = left["dob_month"], right["dob_month"]
    day_l, day_r = left["dob_day"], right["dob_day"]
    if _eq(left["dob"], right["dob"]):
        return 1
    if (
        year_l == year_r
        and _eq(day_l, month_r)
        and _eq(month_l, day_r)
        and day_l is not None
        and month_l is not None
        and day_l != month_l
    ):
        return 2
    if abs(year_l - year_r) == 1 and _eq(month_l, month_r) and _eq(day_l, day_r):
        return 3
    if (
        (left["dob"] is None or right["dob"] is None)
        and year_l == year_r
        and (
            month_l is None
            or month_r is None
            or (month_l == month_r and (day_l is None or day_r is None))
        )
    ):
        return 4
    if abs(year_l - year_r) < GENERATION_YEARS:
        return 5
    return 6


def _dwelling_and_place(key: str) -> tuple[str, str]:
    parts = key.split("|")
    parts += [""] * (3 - len(parts))
    return f"{parts[0]}|{parts[1]}", parts[2]


def _has_digit(text: str) -> bool:
    return any(char in "0123456789" for char in text)


def address_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`address_comparison`."""
    key_l, key_r = left["address_key"], right["address_key"]
    if (key_l is None or key_r is None) and (left["postcode"] is None or right["postcode"] is None):
        return 0
    if _eq(key_l, key_r):
        return 1
    if key_l is not None and key_r is not None:
        dwelling_l, place_l = _dwelling_and_place(key_l)
        dwelling_r, place_r = _dwelling_and_place(key_r)
        if dwelling_l == dwelling_r and (
            place_l == "" or place_r == "" or _has_digit(place_l) != _has_digit(place_r)
        ):
            return 2
    if _eq(left["postcode"], right["postcode"]):
        return 3
    if _eq(left["postcode_sector"], right["postcode_sector"]):
        return 4
    return 5


def sex_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`sex_comparison`."""
    if left["sex"] is None or right["sex"] is None:
        return 0
    return 1 if left["sex"] == right["sex"] else 2


def _shared_value_level(column: str) -> Callable[[Mapping[str, Any], Mapping[str, Any]], int]:
    def level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
        a, b = left[column], right[column]
        if a is None or b is None or len(a) == 0 or len(b) == 0:
            return 0
        return 1 if set(a) & set(b) else 2

    level.__doc__ = f"Level position of a pair in the {column} comparison."
    return level


def _apart_at_one_house_level(column: str) -> Callable[[Mapping[str, Any], Mapping[str, Any]], int]:
    shared = _shared_value_level(column)

    def level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
        house = house_of(left["address_key"])
        numbered = house is not None and not house.startswith("|")
        if numbered and house == house_of(right["address_key"]):
            return 0  # one numbered house: the household's car
        return shared(left, right)

    level.__doc__ = f"Level position of a pair in the {column} comparison (apart at one house)."
    return level


#: The feature columns :func:`contradiction` reads (the surname's for a forename and surname
#: swapped, :func:`swapped`: no contradiction of forenames).
CONTRADICTION_COLUMNS: tuple[str, ...] = (
    "forename",
    "forename_canonical",
    "forename_nicknames",
    "forename_initial",
    "forename_phonetic",
    "surname",
    "surname_phonetic",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "sex",
)


def contradiction(left: Mapping[str, Any], right: Mapping[str, Any]) -> str | None:
    """Why two mentions cannot be one person, whatever else they share; ``None`` if nothing says so.

    Three things do: forenames that differ outright (not a nickname, an initial, a close
    spelling or a sound-alike, more than two slips of the keyboard apart: "mrak" and "matk"
    are both Mark, and not one slip from one of the other's nicknames: "Kin" is Kim mistyped,
    and Kim is Kimberley; nor a forename and surname swapped, each the other's or sounding
    like it: "Thomas James" and "James Thomas", which the forename comparison weighs as a swap
    rather than a difference), dates of birth that differ (not a swap of day and month, not
    one year off with the same day and month, not a partial date that agrees), and recorded
    sexes that differ. Each is a level the model holds as near-conclusive. Clustering uses
    this to stop a mention with little in it (no date of birth, no address) chaining two
    namesakes into one person: see :mod:`threadline.resolve.clustering`.
    """
    reasons = []
    if (
        forename_level(left, right) == FORENAME_DIFFERS
        and DamerauLevenshtein.distance(left["forename"], right["forename"]) > 2
        and not _initial_could_be(left, right)
        and not _initial_could_be(right, left)
        and not _slip_of_a_nickname(left, right)
    ):
        reasons.append(f"forenames differ ({left['forename']} / {right['forename']})")
    dob = dob_level(left, right)
    if dob >= DOB_DIFFERS_LEVEL:
        reasons.append(f"dates of birth differ ({_dob_text(left)} / {_dob_text(right)})")
    if sex_level(left, right) == SEX_DIFFERS:
        reasons.append(f"sexes differ ({left['sex']} / {right['sex']})")
    return "; ".join(reasons) or None


def _slip_of_a_nickname(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """One forename is one slip of the keyboard from one of the names the other goes by ("kin"
    and Kimberley, through Kim; "kth" and Katherine, through Kath)."""
    for one, other in ((left, right), (right, left)):
        written = one["forename"]
        if written and len(written) >= 3:
            names = (other["forename_canonical"], *(other["forename_nicknames"] or ()))
            if any(name and DamerauLevenshtein.distance(written, name) <= 1 for name in names):
                return True
    return False


def _initial_could_be(short: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """An initial or a cut-short name ("C", "Ro") could be the start of the other's name, or of
    one of the names it is short for ("Kate" is also Catherine; "Robrrt" is Robert mistyped):
    not a contradiction, however the model weighs it."""
    start = short["forename"]
    if not start or len(start) > 3:
        return False
    names = (other["forename"], other["forename_canonical"], *(other["forename_nicknames"] or ()))
    return any(name and name.startswith(start) for name in names)


def _dob_text(row: Mapping[str, Any]) -> str:
    if row["dob"]:
        return str(row["dob"])
    parts = [row["dob_year"], row["dob_month"], row["dob_day"]]
    return "-".join(f"{int(part):02d}" for part in parts if part is not None)


@dataclass(frozen=True)
class PersonComparison:
    """One comparison of the model: its Splink definition and its Python twin.

    ``name`` is Splink's output column name (the ``gamma_<name>`` column); ``columns`` are
    the feature columns an explanation shows for it.
    """

    name: str
    noun: str
    columns: tuple[str, ...]
    creator: ComparisonCreator
    level_of: Callable[[Mapping[str, Any], Mapping[str, Any]], int]


def person_comparisons() -> list[PersonComparison]:
    """All comparisons of the model, in the order the model lists them."""
    return [
        PersonComparison(
            "forename", "forename", ("forename",), forename_comparison(), forename_level
        ),
        PersonComparison("surname", "surname", ("surname",), surname_comparison(), surname_level),
        PersonComparison("dob", "date of birth", ("dob",), dob_comparison(), dob_level),
        PersonComparison(
            "address",
            "address",
            ("address_key", "postcode", "postcode_sector"),
            address_comparison(),
            address_level,
        ),
        PersonComparison("sex", "sex", ("sex",), sex_comparison(), sex_level),
        *(identifier_comparison(kind) for kind in identifier_kinds()),
    ]


def identifier_comparison(kind: IdentifierKind) -> PersonComparison:
    """The comparison of an identifier kind, built from its declared style
    (:data:`COMPARISON_STYLES`)."""
    try:
        return COMPARISON_STYLES[kind.comparison](kind)
    except KeyError:
        raise ValueError(
            f"identifier kind {kind.name!r}: no comparison style {kind.comparison!r} "
            f"(known: {', '.join(COMPARISON_STYLES)})"
        ) from None


#: The built-in vehicle comparison's level (tests and tools name it directly).
vehicle_level = _apart_at_one_house_level("vehicles")


def _shared_value_style(kind: IdentifierKind) -> PersonComparison:
    return PersonComparison(
        kind.column,
        kind.label,
        (kind.column,),
        shared_value_comparison(kind.column, kind.label),
        _shared_value_level(kind.column),
    )


def _apart_at_one_house_style(kind: IdentifierKind) -> PersonComparison:
    return PersonComparison(
        kind.column,
        kind.label,
        (kind.column, "address_key"),
        vehicle_comparison(kind.column, kind.label),
        _apart_at_one_house_level(kind.column),
    )


#: How an identifier kind is compared, by the style its registry entry names: a value in both
#: (weighed by what the model learnt), none in common, or not given on one side; the second
#: also leaves a pair at one numbered house uncompared (the household's car).
COMPARISON_STYLES: dict[str, Callable[[IdentifierKind], PersonComparison]] = {
    SHARED_VALUE: _shared_value_style,
    SHARED_VALUE_APART_AT_ONE_HOUSE: _apart_at_one_house_style,
}


def comparisons() -> list[ComparisonCreator]:
    """The Splink comparisons of the model, in order."""
    return [comparison.creator for comparison in person_comparisons()]


#: Equality keys: two mentions sharing both values of one pair are compared (batch and call time),
#: where :data:`KEY_CONDITIONS` allows. (A postcode with the forename found no true pair, on the
#: synthetic force of 100,000 incidents, that the address keys, the date of birth or the name did
#: not find too; it made 30,000 pairs of its own: ``bench/bench_blocking.py``.)
KEY_PAIRS: tuple[tuple[str, str], ...] = (
    ("surname_phonetic", "dob_year"),
    ("forename_canonical", "surname_phonetic"),
    ("dob", "forename_canonical"),
    ("address_key", "surname_phonetic"),
    ("address_key", "forename_canonical"),
)


@dataclass(frozen=True)
class PairCondition:
    """What two mentions sharing a key pair must also have to be compared: one of them lacking
    a column of ``missing``, or the two equal on every column of one group of ``same``."""

    missing: tuple[str, ...] = ()
    same: tuple[tuple[str, ...], ...] = ()

    @property
    def sql(self) -> str:
        terms = [f'l."{c}" IS NULL OR r."{c}" IS NULL' for c in self.missing]
        terms += [" AND ".join(f'l."{c}" = r."{c}"' for c in group) for group in self.same]
        return "(" + " OR ".join(f"({term})" for term in terms) + ")"


#: The broad key pairs, narrowed to the pairs that can be one person (measured on the synthetic
#: force of 100,000 incidents with ``bench/bench_blocking.py``):
#:
#: * a surname that sounds alike and a year of birth, to mentions with the same initial or the
#:   same date of birth (or no forename on one side): of 482,000 pairs no other key finds, 447,000
#:   were two people with different initials and birthdays, and 31 one person;
#: * a forename and a surname that sounds alike, to mentions one of which has no year of birth,
#:   born in the same year (a nickname with another initial: Kate and Catherine), or on the same
#:   day and month (a year mistyped): two years of birth that differ otherwise are two people
#:   (:func:`contradiction`), and were 349,000 of the 686,000 pairs only this key found, none of
#:   them one person.
KEY_CONDITIONS: dict[tuple[str, str], PairCondition] = {
    ("surname_phonetic", "dob_year"): PairCondition(
        missing=("forename",), same=(("forename_initial",), ("dob",))
    ),
    ("forename_canonical", "surname_phonetic"): PairCondition(
        missing=("dob_year",), same=(("dob_year",), ("dob_month", "dob_day"))
    ),
    ("forename_phonetic", "surname_phonetic"): PairCondition(
        missing=("dob_year",), same=(("dob_year",), ("dob_month", "dob_day"))
    ),
}
#: Crossed keys: two mentions are compared where one's ``a`` is the other's ``b`` and one's ``b``
#: the other's ``a``, the two differing (a forename and a surname typed into each other's boxes,
#: "SMITH JOHN" for John Smith, read by their sound), where :data:`KEY_CONDITIONS` allows (the
#: same years of birth, or days and months, as the forename key: two years that differ
#: otherwise are two people). Call time reads them through the index on ``(a, b)``, with the
#: new mention's values the other way round. On FEBRL's data set 1, 35 of the 74 true pairs
#: no other key compared had their forename and surname swapped this way.
CROSSED_PAIRS: tuple[tuple[str, str], ...] = (("forename_phonetic", "surname_phonetic"),)
#: A key pair shared by more mentions than this says little on its own (a very common name; a
#: common surname and a year of birth). Such a crowded block is narrowed: to those with the exact
#: surname when they are this few (a rare name among sound-alikes: "Weight" among White, Wheat
#: and Watt), and to those that also share a house, a postcode sector or a full date of birth.
#: The rest could only match on a name that hundreds share, which almost never reaches the
#: review band (at a million incidents, call time: 4 of 61,233 candidates left out scored 0.5 or
#: more, the highest 0.59). "John Smith" is thousands of mentions there; without narrowing,
#: batch resolution of a million incidents would score 680 million pairs, 540 million of them
#: in crowded blocks.
CROWDED_BLOCK = 250
#: What narrows a crowded block, in the order tried: the same house (the number and street of
#: the address key, whatever town or postcode follows), postcode sector, date of birth.
NARROWING: tuple[str, ...] = ("house", "postcode_sector", "dob")


def crowd_column(a: str, b: str, *more: str) -> str:
    """The column holding how many mentions share this mention's values of ``a``, ``b``, ...."""
    return "crowd__" + "__".join((a, b, *more))


def crossed_crowd_column(a: str, b: str) -> str:
    """The column holding how many mentions a crossed key (:data:`CROSSED_PAIRS`) puts in this
    mention's block: those with its ``a`` and ``b``, and those with them the other way round."""
    return crowd_column(a, b) + "__crossed"


def house_of(address_key: str | None) -> str | None:
    """The dwelling part of an address key ("12|high street|"), without the town or postcode."""
    if not address_key:
        return None
    return "|".join(address_key.split("|")[:2]) + "|"


@dataclass(frozen=True)
class BlockingKey:
    """One prediction blocking rule: mentions equal on ``columns``, where ``crowd`` allows.

    ``crowd`` is a condition on the left mention's crowd columns (both sides share the key, so
    they share its counts), or ``None``."""

    columns: tuple[str, ...]
    crowd: str | None = None
    explode: str | None = None
    condition: PairCondition | None = None
    #: the key pair whose crowded blocks alone this key compares (:data:`CROWDED_BLOCK`)
    crowded: tuple[str, str] | None = None
    #: the first two columns are compared crosswise (:data:`CROSSED_PAIRS`), the rest alike
    crossed: bool = False

    @property
    def sql(self) -> str:
        equal = [f'l."{c}" = r."{c}"' for c in self.columns]
        if self.crossed:
            a, b, *rest = self.columns
            equal = [f'l."{a}" = r."{b}"', f'l."{b}" = r."{a}"', f'l."{a}" <> l."{b}"']
            equal += [f'l."{c}" = r."{c}"' for c in rest]
        extra = [self.crowd] if self.crowd else []
        if self.condition is not None:
            extra.append(self.condition.sql)
        return " AND ".join(equal + extra)

    def rule(self) -> BlockingRuleCreator:
        if self.explode:
            return block_on(self.explode, arrays_to_explode=[self.explode])
        return CustomRule(self.sql)


def blocking_keys(crowded: Collection[tuple[str, str]] | None = None) -> list[BlockingKey]:
    """Which pairs batch prediction scores (call time retrieves the same candidates by index).

    For each :data:`KEY_PAIRS` pair (where its :data:`KEY_CONDITIONS` allows): every pair in a
    block of at most :data:`CROWDED_BLOCK` mentions; in a crowded block, the pairs with the exact
    surname when those are few, and the pairs that also share a :data:`NARROWING` value.
    Mentions that share a phone, e-mail, account or vehicle are found by exploding the list
    column (Splink's ``arrays_to_explode``).

    ``crowded``: the key pairs that have a crowded block (:func:`crowded_pairs`); the keys of
    the others' crowded blocks are left out, as they compare no pair and each costs Splink a
    join of its own (at 100,000 incidents no block is crowded, and they were a quarter of the
    prediction's time). ``None``: every key.
    """
    keys: list[BlockingKey] = []
    for a, b in KEY_PAIRS:
        crowd = f'l."{crowd_column(a, b)}"'
        condition = KEY_CONDITIONS.get((a, b))
        keys.append(BlockingKey((a, b), f"{crowd} <= {CROWDED_BLOCK}", condition=condition))
        narrowed: list[tuple[tuple[str, ...], str]] = []
        if "surname" not in (a, b):
            exact = f'l."{crowd_column(a, b, "surname")}"'
            narrowed.append(
                ((a, b, "surname"), f"{crowd} > {CROWDED_BLOCK} AND {exact} <= {CROWDED_BLOCK}")
            )
        narrowed += [
            ((a, b, column), f"{crowd} > {CROWDED_BLOCK}")
            for column in NARROWING
            if column not in (a, b)
        ]
        if crowded is None or (a, b) in crowded:
            keys += [
                BlockingKey(columns, where, condition=condition, crowded=(a, b))
                for columns, where in narrowed
            ]
    for a, b in CROSSED_PAIRS:
        crowd = f'l."{crossed_crowd_column(a, b)}"'
        condition = KEY_CONDITIONS.get((a, b))
        keys.append(
            BlockingKey((a, b), f"{crowd} <= {CROWDED_BLOCK}", condition=condition, crossed=True)
        )
        if crowded is None or (a, b) in crowded:
            keys += [
                BlockingKey(
                    (a, b, column),
                    f"{crowd} > {CROWDED_BLOCK}",
                    condition=condition,
                    crowded=(a, b),
                    crossed=True,
                )
                for column in NARROWING
            ]
    keys += [
        BlockingKey((kind.column,), explode=kind.column)
        for kind in identifier_kinds()
        if kind.blocks
    ]
    return keys


def prediction_blocking_rules(
    crowded: Collection[tuple[str, str]] | None = None,
) -> list[BlockingRuleCreator]:
    """:func:`blocking_keys` as Splink blocking rules."""
    return [key.rule() for key in blocking_keys(crowded)]


def crowded_pairs(table: pa.Table) -> set[tuple[str, str]]:
    """The key pairs of :data:`KEY_PAIRS` with a block of more than :data:`CROWDED_BLOCK`
    mentions in ``table`` (:func:`blocking_table`)."""
    columns = {**{pair: crowd_column(*pair) for pair in KEY_PAIRS}}
    columns.update({pair: crossed_crowd_column(*pair) for pair in CROSSED_PAIRS})
    return {
        pair
        for pair, column in columns.items()
        if (pc.max(table.column(column)).as_py() or 0) > CROWDED_BLOCK
    }


def blocking_table(features: pd.DataFrame | pa.Table | Sequence[Mapping[str, Any]]) -> pa.Table:
    """The features as Arrow (:func:`.features.features_table`) with :func:`blocking_columns`."""
    table = features_table(features)
    for name, values in blocking_columns(table).items():
        table = table.append_column(name, values)
    return table


def blocking_columns(features: pa.Table) -> dict[str, pa.Array]:
    """The columns the blocking rules need beside the features: each mention's house
    (:func:`house_of`) and, for each key pair (and key pair and surname), how many mentions
    share its values (0 where a value is missing: such a mention is not blocked by that pair).
    Counted on each column's dictionary codes (:func:`_group_sizes`), not row by row."""
    # house_of column-wise: the key's first two parts, a "|" after them; none without a key
    address = features.column("address_key").combine_chunks()
    parts = pc.binary_join(pc.list_slice(pc.split_pattern(address, "|"), 0, 2), "|")
    house = pc.binary_join_element_wise(parts, pa.scalar("|"), "")
    missing = pc.or_kleene(pc.is_null(address), pc.equal(address, ""))
    columns = {"house": pc.if_else(missing, pa.scalar(None, pa.string()), house)}
    codes = {name: _codes(features.column(name)) for pair in KEY_PAIRS for name in pair}
    codes["surname"] = _codes(features.column("surname"))
    for a, b in KEY_PAIRS:
        for group in ((a, b), (a, b, "surname")):
            if "surname" in (a, b) and len(group) == 3:
                continue
            columns[crowd_column(*group)] = pa.array(_group_sizes([codes[c] for c in group]))
    for a, b in CROSSED_PAIRS:
        columns[crossed_crowd_column(a, b)] = pa.array(
            _crossed_sizes(features.column(a), features.column(b))
        )
    return columns


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """Each value's code among the column's distinct values (-1 for a missing one)."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    return encoded.indices.fill_null(-1).to_numpy().astype(np.int64)


def _crossed_sizes(a: pa.ChunkedArray, b: pa.ChunkedArray) -> np.ndarray:
    """How many rows have each row's ``a`` and ``b``, plus how many have them the other way
    round: the rows of a crossed key's block (:data:`CROSSED_PAIRS`); 0 where either is
    missing or the two are the same (such a row is not blocked by the crossed key)."""
    n = len(a)
    codes = _codes(pa.chunked_array([a.combine_chunks(), b.combine_chunks()]))
    code_a, code_b = codes[:n], codes[n:]
    present = (code_a >= 0) & (code_b >= 0) & (code_a != code_b)
    width = int(codes.max(initial=0)) + 1
    own, other_way = code_a * width + code_b, code_b * width + code_a
    values, counts = np.unique(own[(code_a >= 0) & (code_b >= 0)], return_counts=True)
    if not len(values):
        return np.zeros(n, dtype=np.int64)
    straight = counts[np.minimum(np.searchsorted(values, own), len(values) - 1)]
    at = np.minimum(np.searchsorted(values, other_way), len(values) - 1)
    reversed_ = np.where(values[at] == other_way, counts[at], 0)
    return np.where(present, straight + reversed_, 0).astype(np.int64)


def _group_sizes(codes: list[np.ndarray]) -> np.ndarray:
    """How many rows share each row's codes in every column; 0 where any code is missing."""
    present = np.logical_and.reduce([c >= 0 for c in codes])
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for column in codes:  # one code for the values so far, kept below the number of rows
        combined = pa.array(key * (int(column.max(initial=0)) + 2) + column + 1)
        key = pc.dictionary_encode(combined).indices.to_numpy().astype(np.int64)
    sizes = np.bincount(key[present], minlength=int(key.max(initial=0)) + 1)
    return np.where(present, sizes[key], 0).astype(np.int64)


def settings_dict_extras() -> dict[str, Any]:
    """Settings common to every model: dedupe one table of mentions by ``unique_id``."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
    }
