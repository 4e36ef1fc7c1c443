"""Clusters of mentions, one per person, from scored pairs, never joining what a reviewer split
nor what the mentions themselves contradict.

Clustering starts as Splink's ``cluster_pairwise_predictions_at_threshold`` does: connected
components of the graph whose edges are pairs scored at or above the threshold (found here on
arrays of the mentions' places, :func:`_component_of`, in this process: no round trip of the
pairs through a database). Connected
components alone can join two mentions a reviewer has judged to be different people (A~B and
B~C put A and C together even if A and C "cannot link"). They also chain namesakes: a mention
that says little ("Karolina Jankowska", no date of birth, no address) links strongly to each of
two women of that name, and the two become one. So a second, simple step follows:

* Components that hold no cannot-link pair, and (when the mentions' features are given) no
  two mentions that contradict each other (:func:`~threadline.resolve.comparisons.contradiction`:
  forenames that differ outright, different dates of birth, different sexes), are kept exactly
  as Splink made them.
* Any other component is rebuilt from its own edges, strongest first (highest match weight;
  ties broken by the ids, so the result never depends on input order), with a union-find that
  refuses any union that would put a cannot-link pair, or two contradicting mentions, in one
  set. This is Kruskal's procedure with a veto: every edge that is refused is weaker than every
  edge that made the sets it would have joined, i.e. the weakest links on each path between
  the two people are the ones broken. Each refused edge is reported by
  :func:`cluster_with_reasons`, with the judgement or the contradiction that forbade it.

Cluster labels are the smallest mention id in the cluster, so they are stable and readable.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from threadline.features import features_table
from threadline.resolve.comparisons import CONTRADICTION_COLUMNS, contradiction
from threadline.resolve.linkage import match_weight

__all__ = ["ClusterResult", "RefusedLink", "cluster", "cluster_with_reasons"]


@dataclass(frozen=True)
class RefusedLink:
    """An edge above the threshold that was not followed, and what forbade it: a reviewer's
    judgement that two mentions are different people, or two mentions that contradict each
    other (``contradiction`` says how)."""

    unique_id_l: str
    unique_id_r: str
    match_probability: float
    cannot_link: frozenset[str]
    contradiction: str | None = None
    ambiguous: str | None = None

    @property
    def reason(self) -> str:
        """Why, naming the mentions by their keys (:meth:`describe` names them for a reader)."""
        return self.describe(str)

    def describe(self, named: Callable[[str], str]) -> str:
        """Why, each mention put in words by ``named`` (a mention key → how a reader knows it:
        the name as written, its role and its record's reference)."""
        a, b = (named(k) for k in sorted(self.cannot_link))
        link = (
            f"link {named(self.unique_id_l)} ~ {named(self.unique_id_r)} (match probability "
            f"{self.match_probability:.3f}) not followed"
        )
        if self.ambiguous is not None:
            return (
                f"{link}: {named(self.ambiguous)} fits both {a} and {b}, who cannot be one "
                f"person ({self.contradiction}), so it is held apart from both"
            )
        if self.contradiction is None:
            return f"{link}: it would join {a} and {b}, judged to be different people"
        return f"{link}: it would join {a} and {b}, whose {self.contradiction}"


@dataclass(frozen=True)
class ClusterResult:
    """Cluster label per mention id, and the links refused to keep cannot-link pairs apart."""

    clusters: dict[str, str]
    refused: list[RefusedLink]


class _Forest:
    """Disjoint sets of ids as a forest of parent links (a union-find): :meth:`find` names the
    root of an id's set, and points every id it walks past straight at that root."""

    __slots__ = ("parent",)

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: str) -> str:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root


class _UnionFind(_Forest):
    """A :class:`_Forest` that also keeps each root's members, and joins the smaller set to the
    larger."""

    __slots__ = ("members",)

    def __init__(self, ids: Iterable[str]) -> None:
        super().__init__(ids)
        self.members = {i: {i} for i in self.parent}

    def union(self, a: str, b: str) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] |= self.members.pop(b)


Profile = tuple[Any, ...]

#: How much stronger (in match weight, a log2 Bayes factor) a mention's best link into its own
#: cluster must be than its best into a cluster that contradicts it, for the mention to stay
#: rather than be held apart as fitting both: 2^10, about a thousand to one.
AMBIGUITY_MARGIN = 10.0


class _Contradictions:
    """Which mentions contradict which, by the columns :func:`contradiction` reads.

    Mentions with the same values there are one *profile*; profiles are compared once each.
    """

    def __init__(self, table: pa.Table) -> None:
        """``table``: the mentions' ``unique_id`` and :data:`CONTRADICTION_COLUMNS` (Arrow).

        Profiles are found column by column: a list column is joined into one text, and each
        mention's profile is the tuple of its values; only one row per profile is read whole.
        """
        columns = []
        for name in CONTRADICTION_COLUMNS:
            column = table.column(name)
            if pa.types.is_list(column.type):
                column = pc.binary_join(column, _LIST_SEPARATOR)
            columns.append(column.to_pylist())
        self.profile_of: dict[str, Profile] = {}
        self._interned: dict[Profile, Profile] = {}
        first: list[int] = []
        ids = table.column("unique_id").to_pylist()
        for index, (key, profile) in enumerate(zip(ids, zip(*columns, strict=True), strict=True)):
            found = self._interned.get(profile)
            if found is None:
                found = self._interned[profile] = profile
                first.append(index)
            self.profile_of[str(key)] = found
        rows = table.take(pa.array(first, type=pa.int64())).to_pylist()
        self.row_of: dict[Profile, dict[str, Any]] = {
            self.profile_of[str(row["unique_id"])]: row for row in rows
        }
        self._known: dict[tuple[Profile, Profile], str | None] = {}

    def between(self, a: Profile, b: Profile) -> str | None:
        """How ``a`` and ``b`` contradict each other, said in that order ("dates of birth
        differ (a's / b's)"), or ``None``."""
        key = (a, b)
        if key not in self._known:
            self._known[key] = contradiction(self.row_of[a], self.row_of[b])
        return self._known[key]

    def any_within(self, members: set[str]) -> bool:
        profiles = list({self.profile_of[m] for m in members if m in self.profile_of})
        return any(
            self.between(a, b) is not None
            for i, a in enumerate(profiles)
            for b in profiles[i + 1 :]
        )


def _first_contradiction(
    left: set[str], right: set[str], known: _Contradictions
) -> tuple[str, str, str] | None:
    seen: dict[tuple[Profile, Profile], tuple[str, str]] = {}
    for a in sorted(left):
        profile_a = known.profile_of.get(a)
        if profile_a is None:
            continue
        for b in sorted(right):
            profile_b = known.profile_of.get(b)
            if profile_b is None or (profile_a, profile_b) in seen:
                continue
            seen[(profile_a, profile_b)] = (a, b)
            # Said in the order of the two mentions' keys, as the refusal names them: the same
            # words whichever of the two is on the left.
            why = (
                known.between(profile_a, profile_b)
                if a <= b
                else known.between(profile_b, profile_a)
            )
            if why is not None:
                return a, b, why
    return None


Edge = tuple[str, str, float, float]  # left, right, order key (match weight), probability


def _split_component(
    members: set[str],
    edges: list[Edge],
    cannot_link: set[frozenset[str]],
    known: _Contradictions | None = None,
) -> tuple[list[set[str]], list[RefusedLink]]:
    """Greedy, strongest-edge-first re-clustering of one component under vetoes: cannot-link
    judgements, and (if ``known`` is given) contradicting mentions."""
    forbidden = [pair for pair in cannot_link if pair <= members and len(pair) == 2]
    ordered = sorted(
        (edge for edge in edges if edge[0] in members and edge[1] in members),
        key=lambda edge: (-edge[2], min(edge[0], edge[1]), max(edge[0], edge[1])),
    )
    sets = _UnionFind(sorted(members))
    refused: list[RefusedLink] = []
    for left, right, _, probability in ordered:
        root_l, root_r = sets.find(left), sets.find(right)
        if root_l == root_r:
            continue
        joined_l, joined_r = sets.members[root_l], sets.members[root_r]
        veto = next(
            (pair for pair in forbidden if len(pair & joined_l) == 1 and len(pair & joined_r) == 1),
            None,
        )
        if veto is not None:
            refused.append(RefusedLink(left, right, probability, veto))
            continue
        if known is not None:
            clash = _first_contradiction(joined_l, joined_r, known)
            if clash is not None:
                a, b, why = clash
                refused.append(RefusedLink(left, right, probability, frozenset((a, b)), why))
                continue
        sets.union(root_l, root_r)
    return [set(group) for group in sets.members.values()], refused


def _ambiguous(
    groups: list[set[str]], refused: list[RefusedLink], known: _Contradictions, edges: list[Edge]
) -> dict[str, RefusedLink]:
    """Mentions that fit two clusters which contradict each other, with the refusal that shows it.

    A link refused for a contradiction runs from a mention in one cluster to a mention in
    another. If the first mention contradicts nobody in the other cluster, it fits both people
    (a "Darren Jones" with no date of birth at the address of a father and son both called
    Darren Jones): which one it joined was only which link was stronger.

    Only when the links are of like strength: a "Henry Brown" with no date of birth at the
    house of one Henry Brown, and named the same as another known by name alone, fits the
    first by the name and the house and the second by the name only. Its strongest link into
    its own cluster must beat its strongest into the other by more than
    :data:`AMBIGUITY_MARGIN` for it to stay.
    """
    group_of = {member: index for index, group in enumerate(groups) for member in group}
    strongest: dict[tuple[str, int], float] = {}
    for left, right, weight, _ in edges:
        for mention, other in ((left, right), (right, left)):
            key = (mention, group_of[other])
            if weight > strongest.get(key, -math.inf):
                strongest[key] = weight
    found: dict[str, RefusedLink] = {}
    for link in refused:
        if link.contradiction is None:
            continue
        for mention, other in ((link.unique_id_l, link.unique_id_r),
                               (link.unique_id_r, link.unique_id_l)):  # fmt: skip
            if group_of[mention] == group_of[other] or mention in found:
                continue
            own = strongest.get((mention, group_of[mention]), -math.inf)
            if own - strongest[(mention, group_of[other])] > AMBIGUITY_MARGIN:
                continue  # it fits its own cluster far better than the other
            if _first_contradiction({mention}, groups[group_of[other]], known) is None:
                found[mention] = link
    return found


def _resolve_component(
    members: set[str],
    edges: list[Edge],
    cannot_link: set[frozenset[str]],
    known: _Contradictions | None,
) -> tuple[list[set[str]], list[RefusedLink]]:
    """Split one component under the vetoes; then hold apart mentions that fit two people."""
    groups, refused = _split_component(members, edges, cannot_link, known)
    if known is None:
        return groups, refused
    ambiguous = _ambiguous(groups, refused, known, edges)
    if not ambiguous:
        return groups, refused
    kept = [edge for edge in edges if edge[0] not in ambiguous and edge[1] not in ambiguous]
    groups, refused = _split_component(members - set(ambiguous), kept, cannot_link, known)
    groups += [{mention} for mention in sorted(ambiguous)]
    for left, right, _, probability in edges:
        mention = left if left in ambiguous else right if right in ambiguous else None
        if mention is None:
            continue
        cause = ambiguous[mention]
        refused.append(
            RefusedLink(left, right, probability, cause.cannot_link, cause.contradiction, mention)
        )
    return groups, refused


#: Joins a list column's values into one text for a profile (no name or identifier holds it).
_LIST_SEPARATOR = "\x1f"


def _feature_rows(
    features: pd.DataFrame | pa.Table | Sequence[Mapping[str, Any]], keys: set[str]
) -> pa.Table:
    """The columns :func:`contradiction` reads, of the mentions ``keys`` only."""
    table = features_table(features).select(["unique_id", *CONTRADICTION_COLUMNS])
    ids = table.column("unique_id").to_pylist()
    positions = [i for i, key in enumerate(ids) if str(key) in keys]
    return table.take(pa.array(positions, type=pa.int64()))


def cluster_with_reasons(
    pairs: pd.DataFrame,
    ids: Iterable[str],
    threshold: float,
    cannot_link: set[frozenset[str]] | None = None,
    features: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
) -> ClusterResult:
    """Cluster mentions, keeping every cannot-link pair apart, and say which links were refused.

    ``pairs`` has ``unique_id_l``, ``unique_id_r``, ``match_probability`` and optionally
    ``match_weight`` (as from :func:`~threadline.resolve.linkage.predict_pairs`); ``ids`` are all
    mention ids, linked or not; pairs below ``threshold`` are ignored. ``cannot_link`` holds
    two-element sets of ids judged to be different people. ``features`` (the mentions' feature
    rows, as given to :func:`~threadline.resolve.linkage.predict_pairs`) turns on the check that
    no cluster holds two mentions that contradict each other; without it only judgements veto.
    """
    all_ids = sorted({str(i) for i in ids})
    # Plain columns, read once (a frame from DuckDB may hold Arrow-backed ones, slow to iterate).
    probabilities = pairs["match_probability"].to_numpy(dtype=float)
    strong = probabilities >= threshold
    sides = [_texts(pairs[side].to_numpy(dtype=object)[strong]) for side in _SIDES]
    # Each mention by its place among the sorted ids: a component's smallest place is its
    # smallest id, the label a cluster takes.
    known_ids = pa.array(all_ids, type=pa.string())
    codes = [pc.index_in(side, value_set=known_ids) for side in sides]
    if any(side.null_count for side in codes):
        unknown = {
            key
            for side, found in zip(sides, codes, strict=True)
            for key, place in zip(side.to_pylist(), found.is_null().to_pylist(), strict=True)
            if place
        }
        raise ValueError(f"pairs mention ids not in ids: {sorted(unknown)[:5]}")
    left_at, right_at = (side.to_numpy().astype(np.int64) for side in codes)
    component = _component_of(left_at, right_at, len(all_ids))
    size = np.bincount(component, minlength=len(all_ids))

    forbidden = {frozenset(str(i) for i in pair) for pair in cannot_link or set()}
    judged: set[int] = set()
    for pair in forbidden:
        found = [_place(all_ids, i) for i in pair]
        ends = [place for place in found if place is not None]
        if len(pair) == 2 and len(ends) == 2 and component[ends[0]] == component[ends[1]]:
            judged.add(int(component[ends[0]]))
    # Only the mentions of a component that may need splitting are ever compared: those
    # judged apart and those of two mentions or more. Two alone are checked too: a father and
    # son of one name at one address, sharing its phone and e-mail, score above the threshold
    # on those, and call time refuses the join for their dates of birth (joins.refusal).
    candidate = size[component] > 1
    if judged:
        candidate |= np.isin(component, sorted(judged))
    places = np.flatnonzero(candidate)
    # the candidates' members, a component at a time, components by their smallest id
    by_component = places[np.argsort(component[places], kind="stable")]
    bounds = np.flatnonzero(np.diff(component[by_component])) + 1
    members_of = {
        int(component[group[0]]): {all_ids[i] for i in group.tolist()}
        for group in np.split(by_component, bounds)
        if len(group)
    }
    known = None
    if features is not None:
        wanted = {member for members in members_of.values() for member in members}
        known = _Contradictions(_feature_rows(features, wanted))
    needs_split = [
        label
        for label, members in members_of.items()
        if label in judged or (known is not None and known.any_within(members))
    ]
    edges_of: dict[int, list[Edge]] = {label: [] for label in needs_split}
    if needs_split:
        order = (
            pairs["match_weight"].to_numpy(dtype=float)[strong]
            if "match_weight" in pairs.columns
            else np.array([match_weight(p) for p in probabilities[strong]], dtype=float)
        )
        inside = np.flatnonzero(np.isin(component[left_at], needs_split))
        for at, a, b, key, probability in zip(
            component[left_at[inside]].tolist(),
            (all_ids[k] for k in left_at[inside].tolist()),
            (all_ids[k] for k in right_at[inside].tolist()),
            order[inside].tolist(),
            probabilities[strong][inside].tolist(),
            strict=True,
        ):
            edges_of[at].append((a, b, float(key), float(probability)))

    labels = [all_ids[c] for c in component.tolist()]
    clusters = dict(zip(all_ids, labels, strict=True))
    refused: list[RefusedLink] = []
    for label in needs_split:
        groups, refused_here = _resolve_component(
            members_of[label], edges_of[label], forbidden, known
        )
        refused.extend(refused_here)
        for group in groups:
            first = min(group)
            for member in group:
                clusters[member] = first
    return ClusterResult(clusters=clusters, refused=refused)


_SIDES = ("unique_id_l", "unique_id_r")


def _texts(values: np.ndarray) -> pa.Array:
    """Mention ids as Arrow text, each as ``str`` makes it (ids given as numbers in a test)."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([str(value) for value in values], type=pa.string())


def _place(ids: list[str], key: str) -> int | None:
    """Where ``key`` is among the sorted ``ids``, or ``None``."""
    at = bisect_left(ids, key)
    return at if at < len(ids) and ids[at] == key else None


def _component_of(left: np.ndarray, right: np.ndarray, count: int) -> np.ndarray:
    """Connected components of the graph on ``count`` ids whose edges are ``left[i]``–
    ``right[i]`` (what Splink's ``cluster_pairwise_predictions_at_threshold`` finds, here
    without a round trip through a database): each id labelled by the smallest id of its
    component. Each round hooks every edge's larger root under its smaller, then points each
    id straight at its root, until every edge lies within one root's ids."""
    root = np.arange(count, dtype=np.int64)
    while True:
        a, b = root[left], root[right]
        apart = a != b
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(a[apart], b[apart]), np.minimum(a[apart], b[apart]))
        while True:
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped


def cluster(
    pairs: pd.DataFrame,
    ids: Iterable[str],
    threshold: float,
    cannot_link: set[frozenset[str]] | None = None,
    features: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, str]:
    """Cluster label (smallest member id) for every mention id; see :func:`cluster_with_reasons`."""
    return cluster_with_reasons(pairs, ids, threshold, cannot_link, features).clusters
