"""Why two mentions were (or were not) linked, in words an officer can check.

:func:`explain_pair` takes a scored pair (a row of
:func:`~threadline.resolve.linkage.predict_pairs` or
:func:`~threadline.resolve.linkage.score_pairs`, or just its gamma levels) and returns one line
per piece of evidence with its match weight from the model, strongest first, after a summary
line with the overall match probability. For example::

    match probability 0.9993 (match weight +10.5)
    phone +447700900555 in both: +9.8
    surname prichard ≈ pritchard (Jaro-Winkler 0.97): +6.1
    forename jon is a nickname of jonathan: +4.2
    date of birth day and month swapped (1984-03-07 / 1984-07-03): +3.0

A comparison one side says nothing about (its null level) weighs nothing and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rapidfuzz.distance import JaroWinkler

from threadline.resolve.linkage import LevelWeight, LinkageModel

__all__ = ["explain_pair", "pair_evidence"]


def _value(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        return value.tolist()
    return value


def _gamma(row: Mapping[str, Any], comparison: str) -> int | None:
    for key in (f"gamma_{comparison}", comparison):
        if key in row and row[key] is not None:
            return int(row[key])
    return None


def _name_text(noun: str, column: str) -> Callable[[LevelWeight, Any, Any], str]:
    def describe(level: LevelWeight, a: Any, b: Any) -> str:
        if a is None or b is None:
            return level.label
        position = {
            "forename": [
                "",
                "same",
                "nickname",
                "shared",
                "initial",
                "jw",
                "jw",
                "keystroke",
                "phonetic",
                "else",
            ],
            "surname": ["", "same", "jw", "jw", "phonetic", "else"],
        }[column][level.position]
        if position == "same":
            return f"{noun} {a} in both"
        if position == "nickname":
            return f"{noun} {a} is a nickname of {b}"
        if position == "initial":
            return f"{noun} initial {a[0]} matches {b if len(a) == 1 else a}"
        if position == "jw":
            return f"{noun} {a} ≈ {b} (Jaro-Winkler {JaroWinkler.similarity(a, b):.2f})"
        if position == "shared":
            return f"{noun} {a} and {b} share a formal name or nickname"
        if position == "keystroke":
            return f"{noun} {a} is one keystroke from {b}"
        if position == "phonetic":
            return f"{noun} {a} sounds like {b}"
        return f"{noun} {a} differs from {b}"

    return describe


def _dob_text(level: LevelWeight, a: Any, b: Any) -> str:
    texts = {
        1: "date of birth {a} in both",
        2: "date of birth day and month swapped ({a} / {b})",
        3: "date of birth one year apart, same day and month ({a} / {b})",
        4: "date of birth partly given, agrees as far as given ({a} / {b})",
        5: "date of birth differs ({a} / {b})",
        6: "born a generation apart ({a} / {b})",
    }
    if a is None or b is None or level.position not in texts:
        return level.label
    return texts[level.position].format(a=a, b=b)


def _dob_of(row: Mapping[str, Any], side: str) -> str | None:
    full = _value(row, f"dob_{side}")
    if full:
        return str(full)
    year = _value(row, f"dob_year_{side}")
    if year is None:
        return None
    month = _value(row, f"dob_month_{side}")
    day = _value(row, f"dob_day_{side}")
    parts = [f"{int(year):04d}"]
    if month is not None:
        parts.append(f"{int(month):02d}")
        if day is not None:
            parts.append(f"{int(day):02d}")
    return "-".join(parts)


def _address_of(row: Mapping[str, Any], side: str, level: LevelWeight) -> str | None:
    """The address as the level compared it: the postcode for the postcode levels."""
    key = _value(row, f"address_key_{side}")
    postcode = _value(row, f"postcode_{side}")
    if level.position in (3, 4) or key is None:
        return None if postcode is None else str(postcode)
    return str(key)


#: The address comparison's evidence by level: the text quoting both sides' values, and what it
#: says without them. The values are a person's address, so
#: :func:`threadline.crossref.person.withhold_contact_evidence` builds its patterns from here.
ADDRESS_TEXTS: dict[int, tuple[str, str]] = {
    1: ("address {a} in both", "same address"),
    2: ("same house and street ({a} / {b})", "same house and street"),
    3: ("same postcode ({a} / {b})", "same postcode"),
    4: ("same postcode sector ({a} / {b})", "same postcode sector"),
    5: ("address differs ({a} / {b})", "address differs"),
}


def _address_text(level: LevelWeight, a: Any, b: Any) -> str:
    if a is None or b is None or level.position not in ADDRESS_TEXTS:
        return level.label
    return ADDRESS_TEXTS[level.position][0].format(a=a, b=b)


def _sex_text(level: LevelWeight, a: Any, b: Any) -> str:
    if a is None or b is None:
        return level.label
    return f"sex {a} in both" if level.position == 1 else f"sex differs ({a} / {b})"


def _shared_text(noun: str) -> Callable[[LevelWeight, Any, Any], str]:
    def describe(level: LevelWeight, a: Any, b: Any) -> str:
        if a is None or b is None:
            return level.label
        shared = sorted(set(a) & set(b))
        if level.position == 1 and shared:
            return f"{noun} {', '.join(shared)} in both"
        if level.position == 2:
            return f"no {noun} in common ({', '.join(a)} / {', '.join(b)})"
        return level.label

    return describe


_DESCRIBERS: dict[str, Callable[[LevelWeight, Any, Any], str]] = {
    "forename": _name_text("forename", "forename"),
    "surname": _name_text("surname", "surname"),
    "dob": _dob_text,
    "address": _address_text,
    "sex": _sex_text,
    "phones": _shared_text("phone"),
    "emails": _shared_text("e-mail"),
    "accounts": _shared_text("account"),
    "vehicles": _shared_text("vehicle"),
}


def _contribution(
    model: LinkageModel, level: LevelWeight, row: Mapping[str, Any], comparison: str
) -> float:
    given = _value(row, f"mw_{comparison}")
    if given is not None:
        return float(given)
    weight = level.match_weight
    if level.tf_column is not None:
        left = _value(row, f"{level.tf_column}_l")
        right = _value(row, f"{level.tf_column}_r")
        weight += model.tf_adjustment(level, left, right)
    return weight


def pair_evidence(
    model: LinkageModel, gammas_or_pair_row: Mapping[str, Any]
) -> list[tuple[str, float]]:
    """Each comparison's evidence for a pair as ``(text, match weight)``, strongest first.

    Accepts a pair row (``gamma_<comparison>`` columns, and ``<column>_l``/``_r`` values for
    richer text) or a plain ``{comparison: gamma}`` mapping.
    """
    row = gammas_or_pair_row
    evidence: list[tuple[str, float]] = []
    for comparison in model.level_weights:
        gamma = _gamma(row, comparison)
        if gamma is None:
            continue
        level = model.level_for_gamma(comparison, gamma)
        if level.is_null:
            continue
        if comparison == "dob":
            a, b = _dob_of(row, "l"), _dob_of(row, "r")
        elif comparison == "address":
            a, b = _address_of(row, "l", level), _address_of(row, "r", level)
        else:
            a, b = _value(row, f"{comparison}_l"), _value(row, f"{comparison}_r")
        text = _DESCRIBERS[comparison](level, a, b)
        evidence.append((text, _contribution(model, level, row, comparison)))
    evidence.sort(key=lambda item: -abs(item[1]))
    return evidence


def _probability(weight: float) -> float:
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-weight))
    return 2.0**weight / (1.0 + 2.0**weight)


def explain_pair(model: LinkageModel, gammas_or_pair_row: Mapping[str, Any]) -> list[str]:
    """A summary line with the overall match probability, then the evidence in words with each
    piece's match weight, strongest first (see the module docstring for an example)."""
    evidence = pair_evidence(model, gammas_or_pair_row)
    weight = _value(gammas_or_pair_row, "match_weight")
    if weight is None:
        weight = model.prior_match_weight + sum(w for _, w in evidence)
    probability = _value(gammas_or_pair_row, "match_probability")
    if probability is None:
        probability = _probability(float(weight))
    summary = f"match probability {float(probability):.4f} (match weight {float(weight):+.1f})"
    return [summary, *(f"{text}: {w:+.1f}" for text, w in evidence)]


def explain_pairs(model: LinkageModel, rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """:func:`explain_pair` for each row."""
    return [explain_pair(model, row) for row in rows]
