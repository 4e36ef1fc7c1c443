"""A person recorded by name only joins the one person of that name the force knows.

Many mentions carry nothing but a name: "Aaron Collins", male, no date of birth, no address.
Scored pair by pair, such a mention and a full record of Aaron Collins (date of birth, address)
agree on everything they both hold, yet the model cannot be sure: another Aaron Collins could
exist, so the pair lands in the review band (a match probability of 0.5 to 0.95) and the two
stay apart, two people where there is one. What the pair cannot see, the store can: whether
anyone else of that name is on record.

A cluster whose mentions hold no date of birth joins another cluster when

* its only partners at or above the review threshold (every pair it has with anyone else)
  lie in that one cluster;
* that cluster holds a date of birth: it is a person the force has identified;
* no other cluster with a date of birth has a mention of the same name (formal forename and
  surname) as any of its mentions: the force knows no namesake; a mention whose forename is
  an initial names nobody in particular and does not count;
* nothing recorded contradicts it (:func:`~threadline.resolve.comparisons.contradiction`:
  forenames, dates of birth, sexes) and no reviewer has judged any two of them different.

A namesake the force knows only by name stays possible; that is the price of the rule. On the
100k-incident force (seed 3, ``bench/bench_resolution.py``) it took pairwise recall of named
mentions from 0.916 to 0.941 and precision from 0.999 to 0.997, with no more trap pairs merged
(3 before and after). Call time decides the same rule for a new mention with the same function
(:func:`threadline.resolve.calltime.resolve_mention`), but makes the join provisional when the
two records share nothing beyond the name (:func:`rests_on_the_name`,
``joins.JoinRule.provisional_at_call_time``): the namesake the rule's premise says is absent may
simply not have arrived yet; call time undoes the join when one arrives, deciding with this same
function, and the nightly batch decides again (docs/reconciliation.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from threadline.resolve.comparisons import contradiction
from threadline.resolve.victims import VictimJoin

__all__ = [
    "NAME_COMPARISONS",
    "provisional_sentence",
    "name_key",
    "name_of",
    "rests_on_the_name",
    "sole_bearer_joins",
    "sole_bearer_sentence",
    "undone_sentence",
]

#: The comparisons that say what someone is called, and their sex: that two records name the
#: same person, not that they are one.
NAME_COMPARISONS = frozenset({"forename", "surname", "sex"})


def name_key(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """The formal forename and the surname of a mention; None without both, or when the
    forename is an initial: "J Collins" could be any of the force's J. Collinses, identified or
    not."""
    return name_of(row.get("forename"), row.get("forename_canonical"), row.get("surname"))


def name_of(forename: Any, canonical: Any, surname: Any) -> tuple[str, str] | None:
    """:func:`name_key` from the three columns (a missing value may be None or NaN)."""
    written = forename if isinstance(forename, str) else ""
    formal = canonical if isinstance(canonical, str) and canonical else written
    if not formal or not isinstance(surname, str) or not surname or len(written or formal) < 2:
        return None
    return (formal, surname)


def _name_in_words(row: Mapping[str, Any]) -> str:
    """The name :func:`name_key` gives ``row``, as a sentence says it ("this name" if none)."""
    key = name_key(row)
    return " ".join(key) if key else "this name"


def sole_bearer_sentence(row: Mapping[str, Any]) -> str:
    name = _name_in_words(row)
    return (
        f"recorded by name only: the one person named {name} on record with a date of birth, "
        "and nothing recorded contradicts it"
    )


def rests_on_the_name(weighing: Iterable[str]) -> bool:
    """Whether the evidence for a pair is the name alone: nothing but the name's comparisons
    (and sex, :data:`NAME_COMPARISONS`) among ``weighing``, the comparisons that weigh for it."""
    return not set(weighing) - NAME_COMPARISONS


def provisional_sentence(row: Mapping[str, Any]) -> str:
    name = _name_in_words(row)
    return (
        f"provisional: the one person named {name} on record with a date of birth so far, but "
        "the two records share nothing beyond the name; undone when a namesake who could also "
        "be that person arrives, and decided again by the nightly batch"
    )


def undone_sentence(mention: str, entity: str, namesake: str) -> str:
    return (
        f"provisional join of {mention} to {entity} undone: {namesake} arrived, a namesake "
        "who could also be that person, so the name alone no longer says which "
        "(only-dated-person-of-the-name, as batch decides)"
    )


def sole_bearer_joins(
    pairs: Iterable[tuple[str, str, float]],
    clusters: Mapping[str, str],
    names: Mapping[str, tuple[str, str] | None],
    dated: set[str],
    features_of: Callable[[set[str]], Mapping[str, Mapping[str, Any]]],
    cannot_link: set[frozenset[str]],
    review_threshold: float,
) -> list[VictimJoin]:
    """Clusters of name-only mentions that join the one identified person of their name (see
    the module docstring). ``pairs`` are scored pairs (mention, mention, match probability);
    ``names`` the :func:`name_key` of every mention in ``clusters``, ``dated`` the mentions
    with a date of birth; ``features_of`` reads the full features of the mentions it is given
    (only those of the clusters that may join, and of the clusters they may join)."""
    members: dict[str, list[str]] = defaultdict(list)
    for mention, label in clusters.items():
        members[label].append(mention)
    dated_labels = {clusters[m] for m in dated if m in clusters}
    partners: dict[str, set[str]] = defaultdict(set)
    for left, right, probability in pairs:
        a, b = clusters.get(left, left), clusters.get(right, right)
        if a != b and probability >= review_threshold:
            partners[a].add(b)
            partners[b].add(a)
    dated_named: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mention in dated:
        name = names.get(mention)
        if name is not None and mention in clusters:
            dated_named[name].add(clusters[mention])
    possible: list[tuple[str, str]] = []
    for label in sorted(partners):
        found = partners[label]
        if label in dated_labels or len(found) != 1:
            continue
        (target,) = found
        if target not in dated_labels:
            continue
        own = {n for k in members[label] if (n := names.get(k)) is not None}
        if own and not any(dated_named[n] - {target} for n in own):
            possible.append((label, target))
    feature_of = features_of({m for pair in possible for label in pair for m in members[label]})
    joins: list[VictimJoin] = []
    for label, target in possible:
        if any(
            frozenset((x, y)) in cannot_link or contradiction(feature_of[x], feature_of[y])
            for x in members[label]
            for y in members[target]
        ):
            continue
        evidence = [sole_bearer_sentence(feature_of[members[label][0]])]
        joins.append(VictimJoin(label, target, evidence))
    return joins
