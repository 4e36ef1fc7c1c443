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

Evidence is data, words are a view
----------------------------------
Each line is an :class:`Evidence`: the comparison, the level, both sides' values, the match
weight and whether the values locate or reach someone (``contact``: an address, a phone, an
e-mail, an account, a vehicle). It is stored as JSON (:func:`stored_evidence`,
:func:`read_evidence`) and put into words only when shown (:meth:`Evidence.sentence`), with or
without its values: :func:`threadline.guard.disclosure.disclose_evidence` decides which from the
``contact`` flag and the viewer's role, never from the words. :func:`explain_pair` still returns
the lines as strings for the callers that print or store them; each is a :class:`Sentence`, a
string that keeps its :class:`Evidence`, so the flag survives to the store and the guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz.distance import JaroWinkler

from threadline.model.kinds import identifier_kinds, kind_of_column
from threadline.resolve.comparisons import SWAPPED, SWAPPED_SOUNDING
from threadline.resolve.linkage import LevelWeight, LinkageModel

__all__ = [
    "Evidence",
    "Sentence",
    "contact_comparisons",
    "explain_pair",
    "linked_evidence",
    "member_evidence",
    "pair_evidence",
    "pair_evidence_items",
    "read_evidence",
    "stored_evidence",
]


def contact_comparisons() -> frozenset[str]:
    """The comparisons whose values locate or reach someone: their evidence is flagged
    ``contact``. The address, and each identifier kind declared contact detail."""
    return frozenset({"address", *(k.column for k in identifier_kinds() if k.contact)})


def _noun(comparison: str) -> str:
    """What an identifier kind's comparison calls one of its values ("phone", "e-mail")."""
    kind = kind_of_column(comparison)
    return kind.label if kind is not None else comparison


SUMMARY = "summary"
NOTE = "note"
LINKED = "linked"


class _Level(NamedTuple):
    """What the describers read of a comparison level: its position and its label."""

    position: int
    label: str


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


#: What a name level says of the two names, by its kind (see ``_name_text``); any other: differs.
_NAME_TEXTS = {
    "same": "{noun} {a} in both",
    "nickname": "{noun} {a} is a nickname of {b}",
    "shared": "{noun} {a} and {b} share a formal name or nickname",
    "keystroke": "{noun} {a} is one keystroke from {b}",
    "phonetic": "{noun} {a} sounds like {b}",
}
#: What the swapped levels say, by label (read by label, not position: evidence stored before
#: they were added keeps its positions), with the two forenames: in an exact swap each side's
#: surname is the other's forename.
_SWAPPED_TEXTS = {
    SWAPPED: "forename and surname swapped ({a} {b} / {b} {a})",
    SWAPPED_SOUNDING: (
        "forename and surname swapped, sounding alike (forenames {a} / {b}, each sounding "
        "like the other's surname)"
    ),
}
#: A name comparison's levels by position up to its last that compares the names alike; a
#: level past them is a swap (by its label) or a difference.
_NAME_POSITIONS = {
    "forename": ["", "same", "nickname", "shared", "initial", "jw", "jw", "keystroke", "phonetic"],
    "surname": ["", "same", "jw", "jw", "phonetic"],
}


def _name_text(noun: str, column: str) -> Callable[[Any, Any, Any], str]:
    def describe(level: Any, a: Any, b: Any) -> str:
        if a is None or b is None:
            return level.label
        if level.label in _SWAPPED_TEXTS:
            return _SWAPPED_TEXTS[level.label].format(a=a, b=b)
        positions = _NAME_POSITIONS[column]
        position = positions[level.position] if level.position < len(positions) else "else"
        if position == "initial":
            return f"{noun} initial {a[0]} matches {b if len(a) == 1 else a}"
        if position == "jw":
            return f"{noun} {a} ≈ {b} (Jaro-Winkler {JaroWinkler.similarity(a, b):.2f})"
        text = _NAME_TEXTS.get(position, "{noun} {a} differs from {b}")
        return text.format(noun=noun, a=a, b=b)

    return describe


def _dob_text(level: Any, a: Any, b: Any) -> str:
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
#: says without them (:meth:`Evidence.sentence` with ``withhold``).
ADDRESS_TEXTS: dict[int, tuple[str, str]] = {
    1: ("address {a} in both", "same address"),
    2: ("same house and street ({a} / {b})", "same house and street"),
    3: ("same postcode ({a} / {b})", "same postcode"),
    4: ("same postcode sector ({a} / {b})", "same postcode sector"),
    5: ("address differs ({a} / {b})", "address differs"),
}


def _address_text(level: Any, a: Any, b: Any) -> str:
    if a is None or b is None or level.position not in ADDRESS_TEXTS:
        return level.label
    return ADDRESS_TEXTS[level.position][0].format(a=a, b=b)


def _sex_text(level: Any, a: Any, b: Any) -> str:
    if a is None or b is None:
        return level.label
    return f"sex {a} in both" if level.position == 1 else f"sex differs ({a} / {b})"


def _shared_text(noun: str) -> Callable[[Any, Any, Any], str]:
    def describe(level: Any, a: Any, b: Any) -> str:
        if a is None or b is None:
            return level.label
        shared = sorted(set(a) & set(b))
        if level.position == 1 and shared:
            return f"{noun} {', '.join(shared)} in both"
        if level.position == 2:
            return f"no {noun} in common ({', '.join(a)} / {', '.join(b)})"
        return level.label

    return describe


_DESCRIBERS: dict[str, Callable[[Any, Any, Any], str]] = {
    "forename": _name_text("forename", "forename"),
    "surname": _name_text("surname", "surname"),
    "dob": _dob_text,
    "address": _address_text,
    "sex": _sex_text,
}


def _describer(comparison: str) -> Callable[[Any, Any, Any], str]:
    """How a comparison's evidence is put into words: declared above, or, for an identifier
    kind, "<label> <values> in both" / "no <label> in common (...)"."""
    describe = _DESCRIBERS.get(comparison)
    if describe is not None:
        return describe
    if kind_of_column(comparison) is None:
        raise KeyError(f"no words for comparison {comparison!r}")
    return _shared_text(_noun(comparison))


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


@dataclass(frozen=True)
class Evidence:
    """One piece of join evidence as data.

    ``comparison`` is a model comparison (``phones``, ``address``...), :data:`SUMMARY` (the
    pair's overall probability and weight), :data:`LINKED` (the member a mention was linked to,
    in ``values[0]``) or :data:`NOTE` (words a person or an inference wrote, in ``text``).
    ``level`` and ``label`` are the comparison level's position and label, ``values`` both
    sides' values as compared, ``weight`` the match weight, and ``contact`` whether the values
    locate or reach someone. ``text`` and ``withheld`` hold the words of evidence stored before
    it was data (converted by migration 0007), with and without contact details.
    """

    comparison: str
    weight: float | None = None
    level: int | None = None
    label: str = ""
    values: tuple[Any, Any] | None = None
    contact: bool = False
    probability: float | None = None
    text: str = ""
    withheld: str = ""

    def sentence(self, withhold: bool = False) -> str:
        """The evidence in words; with ``withhold``, a contact piece without its values."""
        if self.comparison == SUMMARY:
            return (
                f"match probability {float(self.probability or 0):.4f} "
                f"(match weight {float(self.weight or 0):+.1f})"
            )
        if self.comparison == LINKED:
            return f"linked to {self.values[0] if self.values else ''}"
        if self.text:
            return self.withheld if withhold and self.contact and self.withheld else self.text
        if self.comparison == NOTE:
            return self.text
        level = _Level(self.level or 0, self.label)
        a, b = self.values if self.values is not None else (None, None)
        if withhold and self.contact:
            words = f"{_words_without_values(self.comparison, level)} (withheld)"
        else:
            words = _describer(self.comparison)(level, a, b)
        return words if self.weight is None else f"{words}: {self.weight:+.1f}"

    def to_json(self) -> dict[str, Any]:
        """The piece as JSON, fields at their defaults left out."""
        data: dict[str, Any] = {"comparison": self.comparison}
        for name in ("weight", "level", "label", "probability", "text", "withheld"):
            value = getattr(self, name)
            if value not in (None, ""):
                data[name] = value
        if self.values is not None:
            data["values"] = [_json_value(v) for v in self.values]
        if self.contact:
            data["contact"] = True
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        values = data.get("values")
        return cls(
            comparison=str(data["comparison"]),
            weight=data.get("weight"),
            level=data.get("level"),
            label=str(data.get("label") or ""),
            values=(values[0], values[1])
            if isinstance(values, list) and len(values) == 2
            else None,
            contact=bool(data.get("contact", False)),
            probability=data.get("probability"),
            text=str(data.get("text") or ""),
            withheld=str(data.get("withheld") or ""),
        )


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | set | frozenset):
        return sorted(value) if not isinstance(value, tuple) else list(value)
    return value


def _words_without_values(comparison: str, level: _Level) -> str:
    """What a contact piece says without its values: the kind of evidence, not the address or
    the number."""
    if comparison == "address":
        return ADDRESS_TEXTS[level.position][1]
    noun = _noun(comparison)
    return f"{noun} in both" if level.position == 1 else f"no {noun} in common"


def _discloses(comparison: str, level: _Level, a: Any, b: Any) -> bool:
    """Whether the words of this piece quote a value that locates or reaches someone."""
    if comparison not in contact_comparisons() or a is None or b is None:
        return False
    if comparison == "address":
        return level.position in ADDRESS_TEXTS
    if level.position == 1:
        return bool(set(a) & set(b))
    return level.position == 2


class Sentence(str):
    """A line of evidence in words that keeps its :class:`Evidence` (``.evidence``): the string
    callers print and compare, and the data the store and the guard read."""

    evidence: Evidence

    def __new__(cls, evidence: Evidence) -> Sentence:
        line = super().__new__(cls, evidence.sentence())
        line.evidence = evidence
        return line

    @property
    def contact(self) -> bool:
        return self.evidence.contact

    def sentence(self, withhold: bool = False) -> str:
        return self.evidence.sentence(withhold)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sentence, (self.evidence,))

    def __deepcopy__(self, memo: dict[int, Any]) -> Sentence:
        return self


def pair_evidence_items(
    model: LinkageModel, gammas_or_pair_row: Mapping[str, Any]
) -> list[Evidence]:
    """Each comparison's evidence for a pair as :class:`Evidence`, strongest first.

    Accepts a pair row (``gamma_<comparison>`` columns, and ``<column>_l``/``_r`` values for
    richer text) or a plain ``{comparison: gamma}`` mapping.
    """
    row = gammas_or_pair_row
    evidence: list[Evidence] = []
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
        plain = _Level(level.position, level.label)
        evidence.append(
            Evidence(
                comparison=comparison,
                weight=_contribution(model, level, row, comparison),
                level=level.position,
                label=level.label,
                values=None if a is None and b is None else (_json_value(a), _json_value(b)),
                contact=_discloses(comparison, plain, a, b),
            )
        )
    evidence.sort(key=lambda item: -abs(item.weight or 0.0))
    return evidence


def pair_evidence(
    model: LinkageModel, gammas_or_pair_row: Mapping[str, Any]
) -> list[tuple[str, float]]:
    """Each comparison's evidence for a pair as ``(text, match weight)``, strongest first
    (:func:`pair_evidence_items` in words, without the weight)."""
    return [
        (_describer(e.comparison)(_Level(e.level or 0, e.label), *(e.values or (None, None))),
         float(e.weight or 0.0))
        for e in pair_evidence_items(model, gammas_or_pair_row)
    ]  # fmt: skip


def _probability(weight: float) -> float:
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-weight))
    return 2.0**weight / (1.0 + 2.0**weight)


def explain_pair(model: LinkageModel, gammas_or_pair_row: Mapping[str, Any]) -> list[str]:
    """A summary line with the overall match probability, then the evidence in words with each
    piece's match weight, strongest first (see the module docstring for an example). Each line
    is a :class:`Sentence`, keeping its :class:`Evidence`."""
    evidence = pair_evidence_items(model, gammas_or_pair_row)
    weight = _value(gammas_or_pair_row, "match_weight")
    if weight is None:
        weight = model.prior_match_weight + sum(e.weight or 0.0 for e in evidence)
    probability = _value(gammas_or_pair_row, "match_probability")
    if probability is None:
        probability = _probability(float(weight))
    summary = Evidence(SUMMARY, weight=float(weight), probability=float(probability))
    return [Sentence(summary), *(Sentence(e) for e in evidence)]


def linked_evidence(mention_key: str) -> Sentence:
    """The line naming the member a mention was linked to (kept in its own column)."""
    return Sentence(Evidence(LINKED, values=(mention_key, None)))


def stored_evidence(lines: Iterable[Any] | None) -> list[dict[str, Any]] | None:
    """Evidence as the store keeps it: each piece as JSON (a plain string, a note)."""
    if lines is None:
        return None
    stored = []
    for line in lines:
        if isinstance(line, Sentence):
            stored.append(line.evidence.to_json())
        elif isinstance(line, Evidence):
            stored.append(line.to_json())
        elif isinstance(line, Mapping):
            stored.append(dict(line))
        else:
            stored.append({"comparison": NOTE, "text": str(line)})
    return stored


def member_evidence(linked_to: str | None, stored: Iterable[Any] | None) -> list[str]:
    """Why a mention is in its entity, as lines: the member it was linked to, then the stored
    evidence (:func:`read_evidence`)."""
    return [*([linked_evidence(linked_to)] if linked_to else []), *read_evidence(stored)]


def read_evidence(stored: Iterable[Any] | None) -> list[str]:
    """Stored evidence back as lines: each a :class:`Sentence` keeping its data (a plain
    string stored by a writer that gave words only is a note, shown as written)."""
    return [
        Sentence(Evidence.from_json(item)) if isinstance(item, Mapping) else str(item)
        for item in stored or []
    ]


def explain_pairs(model: LinkageModel, rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """:func:`explain_pair` for each row."""
    return [explain_pair(model, row) for row in rows]
