"""Suspects known through their victims: the same name against the same victim is one person.

A call handler often has only a suspect's name ("Richard Williams", no date of birth, no
address): compared with every other Richard Williams in the force, it is nobody in particular.
But the record also says whom he was reported for, and that victim's other records may already
hold exactly one suspect of that name. Two different men called Richard Williams reported for
harassing the same woman is far less likely than one man reported twice, and it is what an
analyst checks first. So a suspect is joined to the one person recorded as a suspect against
the same victim whose mentions fit his: a name that agrees (surnames exactly, a close spelling
or a sound-alike, forenames that do not differ, or the two swapped) and no mention of one that
contradicts a mention of the other (forenames, dates of birth, sex:
:func:`~threadline.resolve.comparisons.contradiction`). When several fit, they are one person
too, unless two of them cannot be (a father and son of one name, both reported by her): then,
as when none fits, it is left alone: a guess is worse than a gap.

:func:`joins_by_victim` is pure (mention rows, clusters and feature rows in; joins out). The
batch path feeds it every suspect of every victim; the call-time path one new record's suspects
and the other records of its victims (:func:`new_suspect_joins`). :func:`targeting_records`
reads from the store which incidents are of a targeting category, for both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from threadline.resolve.comparisons import (
    FORENAME_DIFFERS,
    contradiction,
    forename_level,
    surname_level,
    swapped,
)
from threadline.resolve.described import EX_PARTNER, MentionRow
from threadline.store import tables as t
from threadline.store.queries import fetch

__all__ = [
    "INFERENCE",
    "TARGETING_CATEGORIES",
    "VictimJoin",
    "description_key",
    "fits",
    "joins_by_description",
    "joins_by_victim",
    "new_suspect_joins",
    "targeting_read",
    "targeting_records",
]

INFERENCE = "inference:same-victim"
#: Words that describe nobody in particular ("unknown male"); a description needs
#: :data:`SPECIFIC_WORDS` others ("30s, beard, dark green jacket") to pick one person out.
_VAGUE = frozenset(
    "a an and the of in on with about aged approx approximately unknown unidentified person "
    "people male female man woman men women someone somebody suspect offender".split()
)
SPECIFIC_WORDS = 3
#: Incident categories in which a suspect targets the victim in person (following, watching,
#: messaging, turning up). Two thefts from one victim by a "white male, 20s, dark hoodie" are
#: not, on that alone, one man's course of conduct; four reports of him watching her house are.
TARGETING_CATEGORIES = frozenset(
    {"harassment", "stalking", "malicious_communications", "suspicious_circumstances",
     "breach_of_order", "threats", "concern_for_welfare"}
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
#: Surname levels (null = 0) that count as the same surname: exact, close spellings, a
#: sound-alike. Level 5 differs; level 0 has no surname to compare.
_SURNAME_AGREES = frozenset({1, 2, 3, 4})
Features = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class VictimJoin:
    """Cluster ``source`` is the person of cluster ``target``, and why."""

    source: str
    target: str
    evidence: list[str]


def fits(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two mentions' names agree (surnames exactly, a close spelling or a sound-alike;
    forenames that do not differ; or forename and surname swapped, "Williams Richard" typed
    for Richard Williams, as the model's levels read it:
    :func:`~threadline.resolve.comparisons.swapped`) and nothing in them says they are two
    people."""
    if swapped(a, b) is not None:
        return contradiction(a, b) is None
    if surname_level(a, b) not in _SURNAME_AGREES:
        return False
    if a["forename"] is not None and b["forename"] is not None:
        if forename_level(a, b) == FORENAME_DIFFERS:
            return False
    return contradiction(a, b) is None


def _named(keys: Iterable[str], features: Features) -> list[Mapping[str, Any]]:
    rows = (features[k] for k in keys if k in features)
    return [row for row in rows if row["surname"] is not None]


def _all_fit(left: Iterable[str], right: Iterable[str], features: Features) -> bool:
    """Some named mention of one side fits one of the other, and no two contradict each other
    (a nameless "her ex" says nothing either way; a surname written two ways, "Robertson" and
    "Robinson", in one cluster is no contradiction)."""
    mine, others = _named(left, features), _named(right, features)
    if any(contradiction(a, b) is not None for a in mine for b in others):
        return False
    return any(fits(a, b) for a in mine for b in others)


def _label(row: Mapping[str, Any]) -> str:
    return " ".join(str(row[c]) for c in ("forename", "surname") if row.get(c)).title()


def _ref(record_key: str) -> str:
    return record_key.split(":", 2)[-1]


def _shown(refs: Iterable[str]) -> str:
    ordered = sorted(set(refs))
    return ", ".join(ordered[:5]) + (" ..." if len(ordered) > 5 else "")


def joins_by_victim(
    rows: Sequence[MentionRow],
    cluster_of: Mapping[str, str],
    features: Features,
    members_of: Mapping[str, Sequence[str]] | None = None,
    labels: Mapping[str, str] | None = None,
    cannot_link: Set[frozenset[str]] = frozenset(),
    subject: str = "suspect",
) -> list[VictimJoin]:
    """Clusters of suspects that are, through a shared victim, one person (see module doc).

    With ``subject="victim"`` the same, the other way round: victims of one suspect named alike
    ("L Wrad", born the same day as his partner Lucy Ward) are one person.

    ``rows`` are mentions with their record and role; ``cluster_of`` maps each mention to its
    cluster (or entity). ``members_of`` lists every mention of each suspect's cluster, wherever
    it appears (default: the suspect mentions in ``rows``), and ``features`` holds their feature
    rows: two clusters fit only when every mention of one fits every mention of the other. Joins
    are returned in the order made: a later join may name as ``target`` a cluster that an
    earlier one joined. Deterministic: victims, then clusters, in sorted order, smallest first.
    """
    labels = labels or {}
    by_record: dict[str, list[MentionRow]] = defaultdict(list)
    for row in rows:
        by_record[row.record_key].append(row)
    anchor = "victim" if subject == "suspect" else "suspect"
    # anchor cluster (victim) -> subject mention keys (suspects) in the anchor's records
    suspects_of: dict[str, set[str]] = defaultdict(set)
    record_of: dict[str, str] = {}
    for record, people in by_record.items():
        victims = {cluster_of.get(p.mention_key, "") for p in people if p.role == anchor}
        victims.discard("")
        for person in people:
            if (
                person.role != subject
                or not person.named
                or person.mention_key not in features
                or person.mention_key not in cluster_of
            ):
                continue
            record_of[person.mention_key] = record
            for victim in victims - {cluster_of[person.mention_key]}:
                suspects_of[victim].add(person.mention_key)
    members: dict[str, list[str]] = defaultdict(list)
    if members_of is None:
        for mention in record_of:
            members[cluster_of[mention]].append(mention)
    else:
        members.update({cluster: list(keys) for cluster, keys in members_of.items()})
    parent: dict[str, str] = {}

    def find(cluster: str) -> str:
        while cluster in parent:
            cluster = parent[cluster]
        return cluster

    joins: list[VictimJoin] = []
    for victim in sorted(suspects_of):
        while True:
            groups: dict[str, list[str]] = defaultdict(list)
            for mention in sorted(suspects_of[victim]):
                groups[find(cluster_of[mention])].append(mention)
            join = _one_join(groups, members, features, cannot_link)
            if join is None:
                break
            source, target = join
            name = _label(features[groups[target][0]])
            victim_name = labels.get(victim, victim)
            tie = "against" if subject == "suspect" else "of"
            evidence = [
                f"{name} is named as the {subject} {tie} {victim_name} in "
                f"{_shown(_ref(record_of[m]) for m in groups[target])}",
                f"the only {subject} of that name recorded {tie} {victim_name}; "
                f"also named in {_shown(_ref(record_of[m]) for m in groups[source])}",
            ]
            parent[source] = target
            members[target].extend(members.pop(source, []))
            joins.append(VictimJoin(source, target, evidence))
    return joins


def _one_join(
    groups: Mapping[str, list[str]],
    members: Mapping[str, list[str]],
    features: Features,
    cannot_link: Set[frozenset[str]],
) -> tuple[str, str] | None:
    """The first (source, target) pair of clusters where the source fits only the target."""
    if len(groups) < 2:
        return None

    def joinable(a: str, b: str) -> bool:
        left, right = members.get(a, groups[a]), members.get(b, groups[b])
        if cannot_link and any(frozenset((x, y)) in cannot_link for x in left for y in right):
            return False
        return _all_fit(left, right, features)

    fit = {c: {o for o in groups if o != c and joinable(c, o)} for c in groups}
    for source in sorted(groups, key=lambda c: (len(groups[c]), c)):
        if not fit[source]:
            continue
        target = max(fit[source], key=lambda c: (len(groups[c]), c))
        # Several that fit are one person too, unless two of them cannot be (father and son):
        # everyone either side fits must fit everyone else.
        party = sorted(fit[source] | fit[target] | {source, target})
        if any(b not in fit[a] for i, a in enumerate(party) for b in party[i + 1 :]):
            continue
        if (len(groups[target]), target) < (len(groups[source]), source):
            return target, source
        return source, target
    return None


def new_suspect_joins(
    new_mentions: Iterable[str],
    rows: Sequence[MentionRow],
    entity_of: Mapping[str, str],
    features: Features,
    members_of: Mapping[str, Sequence[str]] | None = None,
    labels: Mapping[str, str] | None = None,
    targeting: Set[str] | None = None,
    subject: str = "suspect",
) -> dict[str, VictimJoin]:
    """At call time: for each new suspect mention (a cluster of its own), the one entity
    recorded as a suspect against the same victim that it fits; ``rows`` are the new record's
    mentions and those of its victims' other records."""
    new = set(new_mentions)
    cluster_of = dict(entity_of)
    for mention in new:
        cluster_of[mention] = f"new:{mention}"
    found: dict[str, VictimJoin] = {}
    members = {e: list(m) for e, m in (members_of or {}).items()}
    for mention in new:
        members[f"new:{mention}"] = [mention]
    joins = joins_by_victim(rows, cluster_of, features, members or None, labels, subject=subject)
    if subject == "suspect":
        joins += joins_by_description(rows, cluster_of, labels, targeting)
    for join in joins:
        ends = (join.source, join.target)
        new_end = [e for e in ends if e.startswith("new:")]
        if len(new_end) != 1:
            continue
        [entity] = [e for e in ends if not e.startswith("new:")]
        mention = new_end[0].removeprefix("new:")
        if mention in new and mention not in found:
            found[mention] = VictimJoin(new_end[0], entity, join.evidence)
    return found


def description_key(text: str | None) -> str | None:
    """A description folded for comparison, or ``None`` when it picks nobody out: too vague
    ("unknown male", "male in a high-vis jacket") or a relationship ("her ex")."""
    if not text or EX_PARTNER.search(text):
        return None
    words = _WORD.findall(text.lower())
    if sum(1 for w in words if w not in _VAGUE) < SPECIFIC_WORDS:
        return None
    return " ".join(words)


def joins_by_description(
    rows: Sequence[MentionRow],
    cluster_of: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    targeting: Set[str] | None = None,
) -> list[VictimJoin]:
    """Unnamed suspects described the same way against the same victim are one unknown person.

    "male, 30s, beard, dark green jacket" watching her house on four occasions is one man whose
    name nobody knows yet: his incidents are one course of conduct. Only records in
    ``targeting`` (keys of incidents of a :data:`TARGETING_CATEGORIES` category; all records
    when ``None``) count, and vague descriptions (:func:`description_key`) join nothing. Each
    group joins the cluster of its earliest record's mention (sorted by record key)."""
    labels = labels or {}
    by_record: dict[str, list[MentionRow]] = defaultdict(list)
    for row in rows:
        by_record[row.record_key].append(row)
    groups: dict[tuple[str, str], list[MentionRow]] = defaultdict(list)
    for record in sorted(by_record):
        if targeting is not None and record not in targeting:
            continue
        people = by_record[record]
        victims = {cluster_of.get(p.mention_key, "") for p in people if p.role == "victim"}
        victims.discard("")
        for person in people:
            key = description_key(person.description)
            if person.role != "suspect" or person.named or key is None:
                continue
            for victim in victims:
                groups[(victim, key)].append(person)
    joins: list[VictimJoin] = []
    joined: set[str] = set()
    for (victim, _key), people in sorted(groups.items()):
        clusters = []
        for person in people:
            cluster = cluster_of.get(person.mention_key, person.mention_key)
            if cluster not in clusters:
                clusters.append(cluster)
        if len(clusters) < 2:
            continue
        target, refs = clusters[0], [_ref(p.record_key) for p in people]
        for source in clusters[1:]:
            if source in joined or source == target:
                continue
            joined.add(source)
            joins.append(
                VictimJoin(
                    source,
                    target,
                    [
                        f'an unnamed suspect described as "{people[0].description}" against '
                        f"{labels.get(victim, victim)} in {_shown(refs)}",
                        "described the same way each time: taken to be one unknown person",
                    ],
                )
            )
    return joins


def targeting_records(conn: Connection, among: Iterable[str] | None = None) -> set[str]:
    """Keys of the incidents (all, or those ``among`` the given record keys) whose category is
    one of :data:`TARGETING_CATEGORIES`."""
    if among is not None:
        return set(fetch(conn, *targeting_read(among)).scalars())
    i = t.incidents
    query = select(i.c.record_key).where(i.c.category.in_(sorted(TARGETING_CATEGORIES)))
    return set(conn.execute(query).scalars())


def targeting_read(among: Iterable[str]) -> tuple[Select[Any], dict[str, Any]]:
    """The read of :func:`targeting_records` among the record keys ``among`` (a statement built
    once, with its parameters), for a caller that sends it with others."""
    return _targeting_among(), {"keys": sorted(set(among))}


@cache
def _targeting_among() -> Select[Any]:
    i = t.incidents
    return select(i.c.record_key).where(
        i.c.category.in_(sorted(TARGETING_CATEGORIES)),
        i.c.record_key.in_(bindparam("keys", expanding=True)),
    )
