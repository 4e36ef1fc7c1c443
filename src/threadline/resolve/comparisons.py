"""The comparisons and blocking rules of the person-mention linkage model.

Each comparison turns one pair of mentions into a level (a "gamma" value) for one kind of
evidence: forename, surname, date of birth, address (with postcode), sex, phones, e-mails and
accounts.
Levels run from the most specific (exact) to the least ("all other"); a null level records that
one side does not say, which counts neither for nor against a match.

The level *labels* are part of the model: :mod:`threadline.resolve.explain` reads them back from
the saved model to put the evidence into words, so each label says in plain English what the
level means. The SQL is DuckDB's dialect; the columns are those made by
:mod:`threadline.resolve.features`.

Vehicles are deliberately not compared: a car is shared by a household, sold and stolen, so a
shared registration links people to an object (a POLE link), not two mentions to one person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from rapidfuzz.distance import JaroWinkler
from splink import block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

#: The m probability of a level declared near-conclusive against a match (see
#: :func:`forename_comparison` and :func:`dob_comparison`): one true match in ten thousand.
NEAR_CONCLUSIVE_M = 1e-4

#: Years apart from which two dates of birth are taken to be different generations.
GENERATION_YEARS = 10

#: Jaro-Winkler thresholds for the "close spelling" levels of forename and surname.
JARO_WINKLER_THRESHOLDS: tuple[float, float] = (0.92, 0.88)


def _null_level(sql: str, label: str) -> ComparisonLevelCreator:
    return cll.CustomLevel(sql, label_for_charts=label).configure(is_null_level=True)


def _either_empty(col: str) -> str:
    return f'"{col}_l" IS NULL OR "{col}_r" IS NULL OR len("{col}_l") = 0 OR len("{col}_r") = 0'


def forename_comparison() -> ComparisonCreator:
    """Forename: exact, nickname, initial, close spelling, sounds alike, else.

    "Forename differs" has its m probability fixed at :data:`NEAR_CONCLUSIVE_M` rather than
    learnt. Twins share surname, date of birth and address; siblings share all but the date;
    with conditional independence those agreements add up to more than an honestly-estimated
    forename disagreement can take away. Merging two siblings attaches one's warnings to the
    other, while a missed link (a forename typed beyond recognition, a middle name used as a
    first name) waits for a reviewer, so a clear forename disagreement is near-conclusive.
    """
    high, low = JARO_WINKLER_THRESHOLDS
    return cl.CustomComparison(
        output_column_name="forename",
        comparison_description="forename",
        comparison_levels=[
            cll.NullLevel("forename"),
            cll.ExactMatchLevel("forename").configure(label_for_charts="same forename"),
            cll.CustomLevel(
                '"forename_canonical_l" = "forename_canonical_r" '
                'OR list_contains("forename_nicknames_l", "forename_r") '
                'OR list_contains("forename_nicknames_r", "forename_l")',
                label_for_charts="forename is a nickname of the other",
            ),
            cll.CustomLevel(
                '(length("forename_l") = 1 OR length("forename_r") = 1) '
                'AND "forename_initial_l" = "forename_initial_r"',
                label_for_charts="forename initial matches",
            ),
            cll.JaroWinklerLevel("forename", high).configure(
                label_for_charts=f"forename spelt alike (Jaro-Winkler >= {high})"
            ),
            cll.JaroWinklerLevel("forename", low).configure(
                label_for_charts=f"forename spelt alike (Jaro-Winkler >= {low})"
            ),
            cll.ExactMatchLevel("forename_phonetic").configure(
                label_for_charts="forename sounds alike"
            ),
            cll.ElseLevel().configure(
                label_for_charts="forename differs",
                m_probability=NEAR_CONCLUSIVE_M,
                fix_m_probability=True,
            ),
        ],
    )


def surname_comparison() -> ComparisonCreator:
    """Surname: exact (term-frequency adjusted), close spelling, sounds alike, else."""
    high, low = JARO_WINKLER_THRESHOLDS
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True).configure(
                label_for_charts="same surname"
            ),
            cll.JaroWinklerLevel("surname", high).configure(
                label_for_charts=f"surname spelt alike (Jaro-Winkler >= {high})"
            ),
            cll.JaroWinklerLevel("surname", low).configure(
                label_for_charts=f"surname spelt alike (Jaro-Winkler >= {low})"
            ),
            cll.ExactMatchLevel("surname_phonetic").configure(
                label_for_charts="surname sounds alike"
            ),
            cll.ElseLevel().configure(label_for_charts="surname differs"),
        ],
    )


def dob_comparison() -> ComparisonCreator:
    """Date of birth, including the typing errors call handlers make (swapped day and month,
    year off by one) and partial dates (year and month, or year only).

    Dates of birth :data:`GENERATION_YEARS` or more years apart are a father and son, not one
    person mistyped: that level's m is fixed at :data:`NEAR_CONCLUSIVE_M`.
    """
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="date of birth",
        comparison_levels=[
            _null_level(
                '"dob_year_l" IS NULL OR "dob_year_r" IS NULL',
                "date of birth not given on one side",
            ),
            cll.CustomLevel('"dob_l" = "dob_r"', label_for_charts="same date of birth"),
            cll.CustomLevel(
                '"dob_year_l" = "dob_year_r" AND "dob_day_l" = "dob_month_r" '
                'AND "dob_month_l" = "dob_day_r" AND "dob_day_l" <> "dob_month_l"',
                label_for_charts="date of birth with day and month swapped",
            ),
            cll.CustomLevel(
                'abs("dob_year_l" - "dob_year_r") = 1 AND "dob_month_l" = "dob_month_r" '
                'AND "dob_day_l" = "dob_day_r"',
                label_for_charts="date of birth one year apart, same day and month",
            ),
            cll.CustomLevel(
                '"dob_year_l" = "dob_year_r" AND "dob_month_l" = "dob_month_r"',
                label_for_charts="same year and month of birth",
            ),
            cll.CustomLevel('"dob_year_l" = "dob_year_r"', label_for_charts="same year of birth"),
            cll.CustomLevel(
                f'abs("dob_year_l" - "dob_year_r") < {GENERATION_YEARS}',
                label_for_charts="date of birth differs",
            ),
            cll.ElseLevel().configure(
                label_for_charts=f"born {GENERATION_YEARS} or more years apart",
                m_probability=NEAR_CONCLUSIVE_M,
                fix_m_probability=True,
            ),
        ],
    )


def address_comparison() -> ComparisonCreator:
    """Where they live: same address, same postcode, same postcode sector (``LS6 2``), else.

    One comparison rather than two: a shared address implies a shared postcode, and counting
    both would count the same evidence twice (the model assumes comparisons independent).
    Null when neither the address nor the postcode can be compared.
    """
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="address",
        comparison_levels=[
            _null_level(
                '("address_key_l" IS NULL OR "address_key_r" IS NULL) '
                'AND ("postcode_l" IS NULL OR "postcode_r" IS NULL)',
                "address not given on one side",
            ),
            cll.ExactMatchLevel("address_key").configure(label_for_charts="same address"),
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


# -- The same levels in Python, for call-time scoring ------------------------------------------
#
# Each function below returns the position of the level a pair falls in, counting the null level
# as 0, exactly as the SQL above would put it (a SQL comparison with NULL is false, hence
# ``_eq``). Splink scores batches with the SQL; call-time scoring uses these, and
# tests/resolve/test_linkage.py checks on thousands of pairs that both give the same weights.


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _jw(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


def forename_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`forename_comparison`."""
    a, b = left["forename"], right["forename"]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    if (
        _eq(left["forename_canonical"], right["forename_canonical"])
        or b in (left["forename_nicknames"] or ())
        or a in (right["forename_nicknames"] or ())
    ):
        return 2
    if (len(a) == 1 or len(b) == 1) and _eq(left["forename_initial"], right["forename_initial"]):
        return 3
    similarity = _jw(a, b)
    high, low = JARO_WINKLER_THRESHOLDS
    if similarity >= high:
        return 4
    if similarity >= low:
        return 5
    if _eq(left["forename_phonetic"], right["forename_phonetic"]):
        return 6
    return 7


def surname_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`surname_comparison`."""
    a, b = left["surname"], right["surname"]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    similarity = _jw(a, b)
    high, low = JARO_WINKLER_THRESHOLDS
    if similarity >= high:
        return 2
    if similarity >= low:
        return 3
    if _eq(left["surname_phonetic"], right["surname_phonetic"]):
        return 4
    return 5


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
    if year_l == year_r and _eq(month_l, month_r):
        return 4
    if year_l == year_r:
        return 5
    if abs(year_l - year_r) < GENERATION_YEARS:
        return 6
    return 7


def address_level(left: Mapping[str, Any], right: Mapping[str, Any]) -> int:
    """Level position of a pair in :func:`address_comparison`."""
    if (left["address_key"] is None or right["address_key"] is None) and (
        left["postcode"] is None or right["postcode"] is None
    ):
        return 0
    if _eq(left["address_key"], right["address_key"]):
        return 1
    if _eq(left["postcode"], right["postcode"]):
        return 2
    if _eq(left["postcode_sector"], right["postcode_sector"]):
        return 3
    return 4


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
        PersonComparison(
            "phones",
            "phone",
            ("phones",),
            shared_value_comparison("phones", "phone"),
            _shared_value_level("phones"),
        ),
        PersonComparison(
            "emails",
            "e-mail",
            ("emails",),
            shared_value_comparison("emails", "e-mail"),
            _shared_value_level("emails"),
        ),
        PersonComparison(
            "accounts",
            "account",
            ("accounts",),
            shared_value_comparison("accounts", "account"),
            _shared_value_level("accounts"),
        ),
    ]


def comparisons() -> list[ComparisonCreator]:
    """The Splink comparisons of the model, in order."""
    return [comparison.creator for comparison in person_comparisons()]


def prediction_blocking_rules() -> list[BlockingRuleCreator]:
    """Which pairs batch prediction scores: any pair sharing one of these keys.

    Shared phones, e-mails and accounts are found by exploding the list column (Splink's
    ``arrays_to_explode``), so two mentions sharing any one number are compared.
    """
    return [
        block_on("surname_phonetic", "dob_year"),
        block_on("forename_canonical", "surname_phonetic"),
        block_on("postcode", "forename_canonical"),
        block_on("dob", "forename_canonical"),
        block_on("phones", arrays_to_explode=["phones"]),
        block_on("emails", arrays_to_explode=["emails"]),
        block_on("accounts", arrays_to_explode=["accounts"]),
    ]


def training_blocking_rules() -> list[BlockingRuleCreator]:
    """Blocking rules for expectation maximisation (EM), chosen to keep households out.

    EM learns what a match looks like from the pairs a rule blocks together. A rule on date of
    birth or surname and postcode also blocks twins, and fathers and sons of the same name at
    the same address: EM takes those for matches and learns that "different forename" or
    "different date of birth" is common among matches. So the rules for names, dates of birth
    and addresses are a shared phone list and a shared e-mail list (households rarely share
    every number and address), and the rule for phones, e-mails and accounts is the same full
    name and full date of birth.
    """
    return [
        CustomRule('l."phones" = r."phones" AND len(l."phones") > 0'),
        CustomRule('l."emails" = r."emails" AND len(l."emails") > 0'),
        block_on("forename", "surname", "dob"),
    ]


def deterministic_rules() -> list[str]:
    """Rules near-certain to pick out true matches, used to estimate the prior."""
    return [
        'l."forename" = r."forename" AND l."surname" = r."surname" AND l."dob" = r."dob"',
    ]


def settings_dict_extras() -> dict[str, Any]:
    """Settings common to every model: dedupe one table of mentions by ``unique_id``."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
    }
