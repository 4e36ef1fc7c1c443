"""Naive entity-resolution baselines that Threadline must beat: exact name, exact name plus DOB.

Each baseline maps mention records to predicted cluster labels, the same shape
:func:`threadline.evaluate.metrics.pairwise_scores` takes. They are deliberately literal: names
are only case-folded and whitespace-trimmed (no nicknames, no typo tolerance), because that is what
a force's duplicate check by exact search does. A mention missing a field the baseline needs is
put in a cluster of its own, since an exact search on it cannot find anyone.

Labels are tuples, ``("name", forename, surname)``, ``("name_dob", forename, surname, dob)`` or
``("singleton", mention_id)``, so a reader can see why mentions were joined.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from threadline.model import parse_partial_date


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """The fields of one person mention the baselines read. ``dob`` may be partial or missing."""

    id: Hashable
    forenames: str | None = None
    surname: str | None = None
    dob: str | date | None = None


def _field(mention: MentionRecord | Mapping[str, object] | object, name: str) -> object:
    if isinstance(mention, Mapping):
        return mention.get(name)
    return getattr(mention, name, None)


def _name_part(value: object) -> str | None:
    """Case-fold and trim; inner runs of whitespace become one space. Empty means missing."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).casefold()
    return text or None


def _full_dob(value: object) -> str | None:
    """The ISO date of a full date of birth; a partial, missing or unreadable one is ``None``."""
    try:
        text = parse_partial_date(value)
    except ValueError:
        return None
    if text is None or len(text) != 10:
        return None
    return text


def _cluster(
    mentions: Iterable[MentionRecord | Mapping[str, object]], with_dob: bool
) -> dict[Hashable, Hashable]:
    labels: dict[Hashable, Hashable] = {}
    for mention in mentions:
        mention_id = _field(mention, "id")
        if mention_id is None:
            raise ValueError(f"mention has no id: {mention!r}")
        if mention_id in labels:
            raise ValueError(f"mention id {mention_id!r} given twice")
        forename = _name_part(_field(mention, "forenames"))
        surname = _name_part(_field(mention, "surname"))
        dob = _full_dob(_field(mention, "dob")) if with_dob else None
        label: tuple[Hashable, ...]
        if forename is None or surname is None or (with_dob and dob is None):
            label = ("singleton", mention_id)
        elif with_dob:
            label = ("name_dob", forename, surname, dob)
        else:
            label = ("name", forename, surname)
        labels[mention_id] = label
    return labels


def exact_name_clusters(
    mentions: Iterable[MentionRecord | Mapping[str, object]],
) -> dict[Hashable, Hashable]:
    """Join mentions with the same forenames and surname (case-folded, whitespace-trimmed).

    A mention with no forenames or no surname is a singleton. Each mention is a
    :class:`MentionRecord` or a mapping with the keys ``id``, ``forenames``, ``surname``.
    Duplicate ids are an error.
    """
    return _cluster(mentions, with_dob=False)


def exact_name_dob_clusters(
    mentions: Iterable[MentionRecord | Mapping[str, object]],
) -> dict[Hashable, Hashable]:
    """Join mentions with the same forenames, surname and full date of birth.

    Names are compared as in :func:`exact_name_clusters`; dates of birth are read as the POLE
    schema reads them (``21/02/1990`` equals ``1990-02-21``). A mention missing any of the three,
    or with only a partial date of birth (``1990``, ``1990-02``) or an unreadable one, is a
    singleton.
    """
    return _cluster(mentions, with_dob=True)
