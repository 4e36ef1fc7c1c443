"""Clusters of mentions, one per person, from scored pairs, never joining what a reviewer split.

Clustering is Splink's ``cluster_pairwise_predictions_at_threshold``: connected components of
the graph whose edges are pairs scored at or above the threshold. Connected components alone
can join two mentions a reviewer has judged to be different people (A~B and B~C put A and C
together even if A and C "cannot link"). So a second, simple step follows:

* Components that hold no cannot-link pair are kept exactly as Splink made them.
* A component that holds a cannot-link pair is rebuilt from its own edges, strongest first
  (highest match weight; ties broken by the ids, so the result never depends on input order),
  with a union-find that refuses any union that would put a cannot-link pair in one set.
  This is Kruskal's procedure with a veto: every edge that is refused is weaker than every edge
  that made the sets it would have joined, i.e. the weakest links on each path between the two
  people are the ones broken. Each refused edge is reported by :func:`cluster_with_reasons`.

Cluster labels are the smallest mention id in the cluster, so they are stable and readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

__all__ = ["ClusterResult", "RefusedLink", "cluster", "cluster_with_reasons"]


@dataclass(frozen=True)
class RefusedLink:
    """An edge above the threshold that was not followed, and the judgement that forbade it."""

    unique_id_l: str
    unique_id_r: str
    match_probability: float
    cannot_link: frozenset[str]

    @property
    def reason(self) -> str:
        a, b = sorted(self.cannot_link)
        return (
            f"link {self.unique_id_l}~{self.unique_id_r} (match probability "
            f"{self.match_probability:.3f}) not followed: it would join {a} and {b}, "
            "judged to be different people"
        )


@dataclass(frozen=True)
class ClusterResult:
    """Cluster label per mention id, and the links refused to keep cannot-link pairs apart."""

    clusters: dict[str, str]
    refused: list[RefusedLink]


class _UnionFind:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: {i} for i in self.parent}

    def find(self, i: str) -> str:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: str, b: str) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] |= self.members.pop(b)


def _splink_components(edges: pd.DataFrame, ids: list[str], threshold: float) -> dict[str, str]:
    if edges.empty:
        return {i: i for i in ids}
    nodes = pa.table({"unique_id": ids})
    edge_table = pa.table(
        {
            "unique_id_l": edges["unique_id_l"].tolist(),
            "unique_id_r": edges["unique_id_r"].tolist(),
            "match_probability": [float(p) for p in edges["match_probability"]],
        }
    )
    clustered = cluster_pairwise_predictions_at_threshold(
        nodes,
        edge_table,
        db_api=DuckDBAPI(),
        node_id_column_name="unique_id",
        threshold_match_probability=threshold,
    ).as_pandas_dataframe()
    return dict(zip(clustered["unique_id"], clustered["cluster_id"], strict=True))


def _split_component(
    members: set[str],
    edges: pd.DataFrame,
    cannot_link: set[frozenset[str]],
) -> tuple[list[set[str]], list[RefusedLink]]:
    """Greedy, strongest-edge-first re-clustering of one component under cannot-link vetoes."""
    forbidden = [pair for pair in cannot_link if pair <= members and len(pair) == 2]
    inside = edges[edges["unique_id_l"].isin(members) & edges["unique_id_r"].isin(members)]
    order_key = "match_weight" if "match_weight" in inside.columns else "match_probability"
    ordered = sorted(
        zip(
            inside["unique_id_l"],
            inside["unique_id_r"],
            inside[order_key],
            inside["match_probability"],
            strict=True,
        ),
        key=lambda edge: (-float(edge[2]), min(edge[0], edge[1]), max(edge[0], edge[1])),
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
            refused.append(RefusedLink(left, right, float(probability), veto))
            continue
        sets.union(root_l, root_r)
    return [set(group) for group in sets.members.values()], refused


def cluster_with_reasons(
    pairs: pd.DataFrame,
    ids: Iterable[str],
    threshold: float,
    cannot_link: set[frozenset[str]] | None = None,
) -> ClusterResult:
    """Cluster mentions, keeping every cannot-link pair apart, and say which links were refused.

    ``pairs`` has ``unique_id_l``, ``unique_id_r``, ``match_probability`` and optionally
    ``match_weight`` (as from :func:`~threadline.resolve.linkage.predict_pairs`); ``ids`` are all
    mention ids, linked or not; pairs below ``threshold`` are ignored. ``cannot_link`` holds
    two-element sets of ids judged to be different people.
    """
    all_ids = sorted({str(i) for i in ids})
    edges = pairs.copy()
    edges["unique_id_l"] = edges["unique_id_l"].astype(str)
    edges["unique_id_r"] = edges["unique_id_r"].astype(str)
    edges = edges[edges["match_probability"] >= threshold]
    unknown = (set(edges["unique_id_l"]) | set(edges["unique_id_r"])) - set(all_ids)
    if unknown:
        raise ValueError(f"pairs mention ids not in ids: {sorted(unknown)[:5]}")

    components = _splink_components(edges, all_ids, threshold)
    by_component: dict[str, set[str]] = {}
    for member, label in components.items():
        by_component.setdefault(str(label), set()).add(str(member))

    forbidden = {frozenset(str(i) for i in pair) for pair in cannot_link or set()}
    clusters: dict[str, str] = {}
    refused: list[RefusedLink] = []
    for members in by_component.values():
        if not any(len(pair) == 2 and pair <= members for pair in forbidden):
            groups = [members]
        else:
            groups, refused_here = _split_component(members, edges, forbidden)
            refused.extend(refused_here)
        for group in groups:
            label = min(group)
            for member in group:
                clusters[member] = label
    return ClusterResult(clusters=clusters, refused=refused)


def cluster(
    pairs: pd.DataFrame,
    ids: Iterable[str],
    threshold: float,
    cannot_link: set[frozenset[str]] | None = None,
) -> dict[str, str]:
    """Cluster label (smallest member id) for every mention id; see :func:`cluster_with_reasons`."""
    return cluster_with_reasons(pairs, ids, threshold, cannot_link).clusters
