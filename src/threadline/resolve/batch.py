"""Batch resolution of the whole store: train (or load) the model, score, cluster, keep ids.

The store's mention features (computed at import) go to Splink on DuckDB; reviewers' judgements
bind the result: a "different" judgement is a cannot-link that no score overrides, a "same"
judgement is a certain link. Clustering refuses any link that would put two mentions that
contradict each other (forenames, dates of birth, sexes) in one person, so a mention that says
little cannot chain two namesakes together (:mod:`.clustering`). Then what the records say beyond
the mentions: a crime's people are its source incident's (:mod:`.lineage`), and a suspect named
like the one suspect already recorded against the same victim is that person (:mod:`.victims`);
a person recorded by name only is the one person of that name the force has identified
(:mod:`.namesakes`); a nameless "her ex" is the victim's one recorded former partner
(:mod:`.described`). Pairs in the uncertain band that ended apart go to the review queue, and so
do links strong enough to join that clustering refused (a mention that fits a father and his son
alike; a link that would make one person of two who contradict each other), with the reason first.
"""

from __future__ import annotations

import gc
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, Text, cast, select

from threadline.features import (
    STORED_FEATURE_COLUMNS,
    feature_columns,
    feature_schema,
    from_stored,
    list_columns,
)
from threadline.model.kinds import identifier_kinds
from threadline.resolve.clustering import ClusterResult, RefusedLink, cluster_with_reasons
from threadline.resolve.described import (
    Inferred,
    MentionRow,
    all_mentions,
    infer_ex_partners,
)
from threadline.resolve.entities import (
    Membership,
    apply_memberships,
    next_entity_number,
    stable_ids,
)
from threadline.resolve.explain import explain_pair
from threadline.resolve.joins import refusal
from threadline.resolve.lineage import LineageLink, lineage_rows, links_for
from threadline.resolve.linkage import LinkageModel, predict_pairs, train_model
from threadline.resolve.namesakes import name_of, sole_bearer_joins
from threadline.resolve.review import latest_judgements, mention_words, open_count, queue_pairs
from threadline.resolve.victims import (
    VictimJoin,
    joins_by_description,
    joins_by_victim,
    targeting_records,
)
from threadline.store import tables as t
from threadline.store.database import analyse, bulk_cache, writing
from threadline.store.statements import announce

#: Links at or above this probability join two mentions into one entity.
MATCH_THRESHOLD = 0.95
#: Pairs from this probability up to the match threshold go to human review if they ended apart.
REVIEW_THRESHOLD = 0.5
#: The order key of a link between a crime's mention and its source incident's: a fact of the
#: record, stronger than any score, weaker than a reviewer's "same" (99).
LINEAGE_WEIGHT = 90.0

Progress = Callable[[str], None]
Predict = Callable[[LinkageModel, pd.DataFrame, float], pd.DataFrame]


@dataclass(frozen=True)
class ResolveReport:
    mentions: int
    pairs_scored: int
    entities: int
    created: int
    retired: int
    moved: int
    joined: int
    refused_links: int
    #: pairs this run added to the review queue (a pair already in it is not queued twice)
    queued_for_review: int
    #: pairs in the queue awaiting a reviewer after this run, whichever run queued them
    awaiting_review: int


def load_features(conn: Connection) -> pd.DataFrame:
    """Every stored mention's features as the model's input table."""
    columns = [getattr(t.mention_features.c, c) for c in STORED_FEATURE_COLUMNS]
    query = select(t.mention_features.c.mention_key, *columns).order_by(
        t.mention_features.c.mention_key
    )
    names = ("unique_id", *STORED_FEATURE_COLUMNS)
    rows = [from_stored(dict(zip(names, row, strict=True))) for row in conn.execute(query)]
    frame = pd.DataFrame.from_records(rows, columns=list(feature_columns()))
    for column in list_columns():
        frame[column] = frame[column].map(lambda v: list(v) if v else [])
    return frame


#: Mentions read from the store at a time (:func:`load_feature_table`).
READ_BATCH = 100_000


def load_feature_table(conn: Connection) -> pa.Table:
    """Every stored mention's features as the model's input table (Arrow, in mention order):
    :func:`features_table` of :func:`load_features`, built column by column from the store's
    rows with no frame between. Plain columns go to Arrow as they are read; the JSON ones are
    read as their text and decoded by DuckDB (:func:`_documents_decoded`), not a row at a
    time in Python."""
    documents = {"identifiers", *(c for c in STORED_FEATURE_COLUMNS if c in list_columns())}
    columns = [
        # the text of the document on either database (PostgreSQL's JSONB cast to text)
        cast(getattr(t.mention_features.c, c), Text) if c in documents
        else getattr(t.mention_features.c, c)
        for c in STORED_FEATURE_COLUMNS
    ]  # fmt: skip
    query = select(t.mention_features.c.mention_key, *columns).order_by(
        t.mention_features.c.mention_key
    )
    # The driver's own cursor: plain tuples, not a result row object for each mention; the
    # statement announced as every statement sent straight to the driver is (store.statements).
    # Read a batch at a time, each made Arrow before the next: a million incidents' rows held
    # at once as Python tuples (2.8M of them) peaked at 4.1 GB for a table of under 2.
    sql = str(query.compile(dialect=conn.dialect))
    names = ("unique_id", *STORED_FEATURE_COLUMNS)
    schema = feature_schema()
    plain = pa.schema([schema.field(name) for name in names if name not in documents])
    texts = pa.schema([(name, pa.string()) for name in sorted(documents)])
    plain_parts, text_parts = [plain.empty_table()], [texts.empty_table()]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        announce(conn, cursor, sql, ())
        cursor.execute(sql)
        while rows := cursor.fetchmany(READ_BATCH):
            stored = dict(zip(names, zip(*rows, strict=True), strict=True))
            del rows
            plain_parts.append(pa.Table.from_pydict(stored, schema=plain))
            text_parts.append(pa.Table.from_pydict(stored, schema=texts))
            del stored
    finally:
        cursor.close()
    read = pa.concat_tables(plain_parts).combine_chunks()
    decoded = _documents_decoded(pa.concat_tables(text_parts).combine_chunks())
    return pa.Table.from_arrays(
        [
            read.column(column.name) if column.name in plain.names
            else decoded.column(column.name).cast(column.type)
            for column in schema
        ],
        schema=schema,
    )  # fmt: skip


def _documents_decoded(texts: pa.Table) -> pa.Table:
    """The stored JSON documents (their text, a column each) as the feature table's list
    columns, in the same order: a list column as it is, ``identifiers`` split into a column
    for each identifier kind; a missing or empty document gives ``[]``."""
    kinds = identifier_kinds()
    shape = json.dumps({kind.name: ["VARCHAR"] for kind in kinds})
    empty = "[]::VARCHAR[]"
    lists = [f'"{name}"' for name in texts.column_names if name != "identifiers"]
    decoded = [f"coalesce(from_json({name}, '[\"VARCHAR\"]'), {empty}) AS {name}" for name in lists]
    decoded.append(f"from_json(identifiers, '{shape}') AS ids")
    wanted = lists + [
        f"coalesce(ids['{kind.name}'], {empty}) AS \"{kind.column}\"" for kind in kinds
    ]
    con = duckdb.connect()
    try:
        con.register("stored", texts.append_column("position", pa.array(range(len(texts)))))
        return con.sql(
            f"SELECT {', '.join(wanted)} FROM (SELECT position, {', '.join(decoded)} FROM stored)"
            " ORDER BY position"
        ).to_arrow_table()
    finally:
        con.close()


class FeatureRows:
    """The run's one feature table, read as the pure rules take it: the rows of the mentions
    asked for (as dicts by mention), taken from the table when asked, never the whole store's
    rows at once."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self._position = {
            str(key): index for index, key in enumerate(table.column("unique_id").to_pylist())
        }
        #: rows already read: the rules ask for the same clusters' members again and again
        self._read: dict[str, dict[str, Any]] = {}

    def __call__(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = {k for k in keys if k in self._position}
        missing = sorted(self._position[k] for k in wanted if k not in self._read)
        if missing:
            # Column by column, then into rows: Arrow's own row conversion is twice as slow.
            taken = self.table.take(pa.array(missing, type=pa.int64()))
            names = taken.column_names
            columns = [taken.column(name).to_pylist() for name in names]
            for values in zip(*columns, strict=True):
                row = dict(zip(names, values, strict=True))
                self._read[str(row["unique_id"])] = row
        return {k: self._read[k] for k in wanted}

    def column(self, name: str) -> list[Any]:
        return self.table.column(name).to_pylist()


def entity_labels(members: Mapping[str, str], names: Mapping[str, str]) -> dict[str, str]:
    """Each entity's label: the fullest name most often written for it."""
    # how often each name is written for each entity, counted in one Counter, then the
    # fullest and most written name of each entity kept: (more than one word, count, name)
    written = Counter(
        (entity, name) for mention, entity in members.items() if (name := names.get(mention))
    )
    best: dict[str, tuple[bool, int, str]] = {}
    for (entity, name), count in written.items():
        key = (len(name.split()) > 1, count, name)
        held = best.get(entity)
        if held is None or key > held:
            best[entity] = key
    return {entity: key[2] for entity, key in best.items()}


def labels_from_judgements(judgements: Mapping[frozenset[str], str]) -> pd.DataFrame:
    """Reviewers' judgements as training labels (pairs judged the same or different)."""
    rows = []
    for pair, judgement in judgements.items():
        if judgement in ("same", "different") and len(pair) == 2:
            left, right = sorted(pair)
            rows.append(
                {"unique_id_l": left, "unique_id_r": right, "is_match": judgement == "same"}
            )
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "is_match"])


def train_store_model(
    engine: Engine, *, trained_at: datetime, seed: int = 1, max_pairs: float = 2e6
) -> LinkageModel:
    """Train the linkage model on the store's own mentions, with reviewers' labels if any."""
    with engine.connect() as conn:
        features = load_feature_table(conn)
        judgements = latest_judgements(conn)
    labels = labels_from_judgements(judgements)
    return train_model(
        features,
        trained_at=trained_at,
        seed=seed,
        max_pairs=max_pairs,
        labels=labels if not labels.empty else None,
    )


def _strongest_partner(
    pairs: pd.DataFrame, clusters: Mapping[str, str]
) -> dict[str, tuple[str, float]]:
    """For each linked mention, the fellow member it is most surely linked to (of two as sure,
    the first by mention key: the pairs come in no particular order). Worked on the mentions'
    places among the sorted keys: each pair within a cluster taken both ways round, sorted by
    mention, probability down and partner, and the first of each mention kept."""
    keys = sorted(clusters)
    cluster = label_codes(keys, clusters)
    left, right = pair_places(pairs["unique_id_l"], pairs["unique_id_r"], keys)
    probability = pairs["match_probability"].to_numpy(dtype=float)
    within = (left >= 0) & (right >= 0) & (cluster[left] == cluster[right])
    mention = np.concatenate([left[within], right[within]])
    partner = np.concatenate([right[within], left[within]])
    probability = np.concatenate([probability[within], probability[within]])
    order = np.lexsort((partner, -probability, mention))
    mention, partner, probability = mention[order], partner[order], probability[order]
    first = np.ones(len(mention), dtype=bool)
    first[1:] = mention[1:] != mention[:-1]
    return {
        keys[m]: (keys[p], q)
        for m, p, q in zip(
            mention[first].tolist(),
            partner[first].tolist(),
            probability[first].tolist(),
            strict=True,
        )
    }


@dataclass(frozen=True)
class Clustering:
    """What clustering takes beside the scored pairs."""

    #: certain links (reviewers' "same") and recorded ones (a crime and its incident)
    extra: pd.DataFrame
    ids: list[str]
    threshold: float
    cannot_link: set[frozenset[str]]
    table: pa.Table


#: The clusters, and each linked mention's strongest partner in its cluster and how strong.
Clustered = tuple[ClusterResult, dict[str, tuple[str, float]]]
#: A label by mention (a cluster's, or a person's).
Labels = Mapping[str, str]
#: Reviewers' judgements by the two mentions judged.
Judged = Mapping[frozenset[str], str]
#: One scored pair as a row (its columns by name).
Row = dict[str, Any]
#: Two mentions and their match probability.
Scored = tuple[str, str, float]


class ScoredPairs(Protocol):
    """A run's scored pairs where they are kept (a frame in this process, a table on Spark), and
    what resolution asks of them: nothing here hands back every pair."""

    def __len__(self) -> int: ...

    def cluster(self, given: Clustering) -> Clustered:
        """:func:`.clustering.cluster_with_reasons` of the pairs and ``given.extra``, and each
        linked mention's strongest partner in its cluster."""
        ...

    def between_clusters(self, clusters: Labels, review_threshold: float) -> Iterable[Scored]:
        """Pairs from ``review_threshold`` up that join two clusters: enough of them for
        :func:`.namesakes.sole_bearer_joins` to see which clusters have one partner only."""
        ...

    def apart(self, members: Labels, threshold: float, judgements: Judged) -> list[Row]:
        """The strongest pair below ``threshold``, not judged, between each two people."""
        ...

    def rows(self, wanted: set[frozenset[str]]) -> dict[frozenset[str], Row]:
        """The scored rows of the pairs ``wanted`` (those scored)."""
        ...


@dataclass(frozen=True)
class FramePairs:
    """Scored pairs held in this process (:func:`.linkage.predict_pairs`'s frame).

    The steps take the few pairs they want by position, chosen on arrays: a Python string for
    each of the pairs' mentions (4M pairs at a million incidents) is never made."""

    pairs: pd.DataFrame

    #: each pair's two mentions as places among the run's sorted mention keys
    #: (:func:`pair_places`), found once and read by the steps that label pairs by cluster
    places: tuple[list[str], np.ndarray, np.ndarray] | None = field(
        default=None, init=False, repr=False
    )

    def __len__(self) -> int:
        return len(self.pairs)

    def _taken(self, chosen: np.ndarray) -> tuple[list[str], list[str], list[float]]:
        """The two mentions and the probability of the pairs at positions ``chosen``."""
        columns = ("unique_id_l", "unique_id_r", "match_probability")
        left, right, probability = (self.pairs[c].iloc[chosen].tolist() for c in columns)
        return [str(k) for k in left], [str(k) for k in right], probability

    def _apart(self, labels: Labels) -> np.ndarray:
        """Whether each pair's two mentions have different ``labels`` (a mention not labelled
        is apart from every other)."""
        keys = sorted(labels)
        if self.places is None or self.places[0] != keys:
            left, right = pair_places(self.pairs["unique_id_l"], self.pairs["unique_id_r"], keys)
            object.__setattr__(self, "places", (keys, left, right))
        assert self.places is not None
        return labelled_apart(self.places[1], self.places[2], keys, labels)

    def cluster(self, given: Clustering) -> Clustered:
        edges = self.pairs[["unique_id_l", "unique_id_r", "match_probability", "match_weight"]]
        if not given.extra.empty:
            edges = pd.concat([edges, given.extra], ignore_index=True)
        result = cluster_with_reasons(
            edges, given.ids, given.threshold, given.cannot_link, features=given.table
        )
        strong = edges[edges["match_probability"] >= given.threshold]
        return result, _strongest_partner(strong, result.clusters)

    def between_clusters(self, clusters: Labels, review_threshold: float) -> Iterable[Scored]:
        # chosen on arrays: most pairs lie within one cluster, and the rule skips those
        probability = self.pairs["match_probability"].to_numpy(dtype=float)
        chosen = np.flatnonzero(self._apart(clusters) & (probability >= review_threshold))
        return list(zip(*self._taken(chosen), strict=True))

    def apart(self, members: Labels, threshold: float, judgements: Judged) -> list[Row]:
        # chosen on arrays first: only the pairs kept become rows (dicts)
        probability = self.pairs["match_probability"].to_numpy(dtype=float)
        candidates = np.flatnonzero(self._apart(members) & (probability < threshold))
        left, right, _ = self._taken(candidates)
        chosen = [
            int(i)
            for i, a, b in zip(candidates.tolist(), left, right, strict=True)
            if frozenset((a, b)) not in judgements
        ]
        uncertain = self.pairs.iloc[chosen]
        return _one_pair_per_two_people(uncertain.to_dict("records"), members)

    def rows(self, wanted: set[frozenset[str]]) -> dict[frozenset[str], Row]:
        if not wanted:
            return {}
        # the pairs both of whose mentions are among the wanted pairs' (on arrays), then those
        # that are a wanted pair
        keys = sorted({key for pair in wanted for key in pair})
        left_at, right_at = pair_places(self.pairs["unique_id_l"], self.pairs["unique_id_r"], keys)
        both = np.flatnonzero((left_at >= 0) & (right_at >= 0))
        left, right, _ = self._taken(both)
        chosen = [
            int(i)
            for i, a, b in zip(both.tolist(), left, right, strict=True)
            if frozenset((a, b)) in wanted
        ]
        return {
            frozenset((row["unique_id_l"], row["unique_id_r"])): row
            for row in self.pairs.iloc[chosen].to_dict("records")
        }


def pair_places(
    left: Iterable[Any], right: Iterable[Any], keys: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's two mentions (``left[i]``, ``right[i]``) as their places among the sorted
    mention ``keys``; -1 for a mention not among them. Found by Arrow, not a lookup a pair."""
    known = pa.array(keys, type=pa.string())

    def places(side: Iterable[Any]) -> np.ndarray:
        found = pc.index_in(pa.array(side, type=pa.string()), value_set=known)
        return found.fill_null(-1).to_numpy().astype(np.int64)

    return places(left), places(right)


def label_codes(keys: Sequence[str], labels: Labels) -> np.ndarray:
    """Each key's label as a number, the same number for the same label (``keys[i]``'s at
    ``i``): labels compared on arrays."""
    found = pa.array([labels[key] for key in keys], type=pa.string())
    return pc.dictionary_encode(found).indices.to_numpy().astype(np.int64)


def labelled_apart(
    left: np.ndarray, right: np.ndarray, keys: Sequence[str], labels: Labels
) -> np.ndarray:
    """For pairs given as places among the sorted ``keys`` (:func:`pair_places`), whether the
    two mentions' ``labels`` differ: ``labels[a] != labels[b]``, a mention not among the keys
    (-1) apart from every other, on arrays: each key's label read once, not once a pair."""
    codes = label_codes(keys, labels)
    found = (left >= 0) & (right >= 0)
    same = np.zeros(len(left), dtype=bool)
    same[found] = codes[left[found]] == codes[right[found]]
    return ~same


#: Scores a run's blocked pairs and keeps them where it scored them (:class:`ScoredPairs`).
Score = Callable[[LinkageModel, pa.Table, float], ScoredPairs]


def resolve_store(
    engine: Engine,
    model: LinkageModel,
    *,
    now: datetime,
    threshold: float = MATCH_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    progress: Progress | None = None,
    predict: Predict | None = None,
    score: Score | None = None,
) -> ResolveReport:
    """Resolve every person mention in the store into entities (see the module docstring).

    ``predict`` scores the blocked pairs: DuckDB in this process by default, or another engine
    with the same model (:func:`threadline.resolve.spark.predict_pairs_spark`), as a frame here;
    ``score`` scores them and keeps them where it scored them, asked only for what each step
    needs (:class:`threadline.resolve.spark.SparkPairs`: nothing brings the pairs back here).
    The people, their history and the review queue are written in one transaction in the
    writers' turn (:func:`threadline.store.writing`), after the scoring, so that submissions
    wait for the write alone.
    """
    with _collector_paused() as collector:
        return _resolve(
            engine, model, now, threshold, review_threshold, progress, predict, score, collector
        )


@dataclass(frozen=True)
class _Collector:
    """Python's cycle collector as resolution found it: ``paused`` if resolution turned it off
    (it was running), else left as the caller set it. :meth:`resumed` runs it again for a
    while, only where resolution paused it."""

    paused: bool

    @contextmanager
    def resumed(self) -> Iterator[None]:
        """The collector running, run first and once more at the end: what the step left in
        cycles (Splink's linker holds its DuckDB tables so) is freed before the steps after
        it. A collector the caller had turned off stays off: that is the caller's choice."""
        if not self.paused:
            yield
            return
        gc.enable()
        gc.collect()  # what the steps before left in cycles, before the step's own peak
        try:
            yield
        finally:
            gc.collect()
            gc.disable()


@contextmanager
def _collector_paused() -> Iterator[_Collector]:
    """Python's cycle collector paused while resolution builds its rows, dicts and sets, and
    run once at the end. Each full collection walks every object alive, and resolution makes
    millions that live to the end of the run: on the 20k force the pauses cost a quarter of
    its CPU. The step that leaves cycles behind (scoring: Splink's linker and SQL trees) runs
    with it resumed. A caller that had turned the collector off keeps it off throughout."""
    if not gc.isenabled():
        yield _Collector(paused=False)
        return
    gc.collect()  # what the caller left in cycles (a linker of its own) is not carried along
    gc.disable()
    try:
        yield _Collector(paused=True)
    finally:
        gc.enable()
        gc.collect()


def _resolve(
    engine: Engine,
    model: LinkageModel,
    now: datetime,
    threshold: float,
    review_threshold: float,
    progress: Progress | None,
    predict: Predict | None,
    score: Score | None,
    collector: _Collector,
) -> ResolveReport:
    say = progress or (lambda _message: None)
    with engine.connect() as conn:
        say("reading mentions")
        # One feature table for the whole run: blocking, clustering and every rule after read it.
        table = load_feature_table(conn)
        features_of = FeatureRows(table)
        judgements = latest_judgements(conn)
    ids = features_of.column("unique_id")
    say(f"scoring pairs among {len(ids):,} mentions")
    pairs: ScoredPairs
    with collector.resumed():
        if score is not None:
            pairs = score(model, table, review_threshold)
        elif predict is None:
            pairs = FramePairs(predict_pairs(model, table, review_threshold, values=False))
        else:
            pairs = FramePairs(predict(model, table.to_pandas(), review_threshold))
    say("reading the records' people")
    # after scoring, whose peak of memory these rows (one per mention) would add to
    with engine.connect() as conn:
        rows, names = all_mentions(conn)
        lineage = _lineage(conn, features_of, rows)
    known = set(ids)
    cannot_link = {pair for pair, j in judgements.items() if j == "different" and pair <= known}
    must = [sorted(pair) for pair, j in judgements.items() if j == "same" and pair <= known]
    extra = pd.DataFrame(
        [(a, b, 1.0, 99.0) for a, b in must]
        + [(k.crime_mention, k.incident_mention, 1.0, LINEAGE_WEIGHT) for k in lineage],
        columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"],
    )
    lineage_of = {
        frozenset((link.crime_mention, link.incident_mention)): link.evidence for link in lineage
    }
    say("clustering")
    result, partners = pairs.cluster(Clustering(extra, ids, threshold, cannot_link, table))
    # In mention order: the rules below take the first member of a cluster, and prediction
    # gives pairs (so clustering its labels) in no particular order.
    clusters = dict(sorted(result.clusters.items()))
    say("suspects of the same victim")
    with engine.connect() as conn:
        targeting = targeting_records(conn)
    victim_evidence = _join_by_victim(rows, clusters, features_of, names, cannot_link, targeting)
    say("people recorded by name only")
    victim_evidence.update(
        _join_sole_bearers(pairs, clusters, features_of, cannot_link, review_threshold)
    )
    inferred = _guarded(infer_ex_partners(rows, clusters), clusters, features_of)
    for mention, item in inferred.items():
        clusters[mention] = item.entity_id  # a cluster label here

    # in the writers' turn: a submission beside it writes memberships and kept parties too
    with writing(engine) as conn, bulk_cache(conn):
        previous = {
            row.mention_key: row.entity_id
            for row in conn.execute(
                select(t.entity_members.c.mention_key, t.entity_members.c.entity_id)
            )
        }
        by_label = stable_ids(clusters, previous, next_entity_number(conn))
        members = {m: by_label[label] for m, label in clusters.items()}
        memberships = {}
        for mention, entity in members.items():
            inference = inferred.get(mention)
            if inference is not None:
                memberships[mention] = Membership(entity, None, inference.evidence)
                continue
            partner = partners.get(mention)
            moved = victim_evidence.get(mention)
            if partner is None:  # a mention alone, or joined by a rule and not a link
                memberships[mention] = Membership(entity, None, [*moved] if moved else None)
                continue
            evidence = [*(lineage_of.get(frozenset((mention, partner[0]))) or ()), *(moved or ())]
            memberships[mention] = Membership(entity, partner[1], evidence or None, partner[0])
        say("writing entities")
        changes = apply_memberships(
            conn, memberships, entity_labels(members, names), now, by=model_name(model)
        )
        uncertain = pairs.apart(members, threshold, judgements)
        named = mention_words(
            conn,
            {k for link in result.refused
             for k in (link.unique_id_l, link.unique_id_r, link.ambiguous, *link.cannot_link) if k},
        )  # fmt: skip
        refused = _refused_for_review(result.refused, pairs, members, judgements, lineage_of, named)
        apart = _with_values(_one_pair_per_two_people(uncertain + refused, members), features_of)
        queued = queue_pairs(
            conn,
            (
                (
                    row["unique_id_l"],
                    row["unique_id_r"],
                    float(row["match_probability"]),
                    _review_evidence(model, row),
                )
                for row in apart
            ),
            now,
        )
        awaiting = open_count(conn)
    with engine.begin() as conn:  # ANALYZE holds up no writer: not in the turn
        analyse(conn)
    return ResolveReport(
        mentions=len(ids),
        pairs_scored=len(pairs),
        entities=len(set(members.values())),
        created=changes.created,
        retired=changes.retired,
        moved=changes.moved,
        joined=changes.joined,
        refused_links=len(result.refused),
        queued_for_review=queued,
        awaiting_review=awaiting,
    )


def _join_by_victim(
    rows: list[MentionRow],
    clusters: dict[str, str],
    features_of: FeatureRows,
    names: Mapping[str, str],
    cannot_link: set[frozenset[str]],
    targeting: set[str],
) -> dict[str, list[str]]:
    """Join clusters of suspects named alike against one victim, then of victims named alike of
    one suspect, then unnamed suspects described alike (:mod:`.victims`), in place; return the
    evidence for each mention that moved."""
    named = {r.mention_key: r.role for r in rows if r.named and r.role in ("suspect", "victim")}
    involved = {clusters[m] for m in named if m in clusters}
    wanted = {m for m, label in clusters.items() if label in involved}
    feature_of = features_of(wanted)
    moved: dict[str, list[str]] = {}
    for subject in ("suspect", "victim"):
        # Joins of suspects merge clusters, so the victims' clusters are gathered afresh.
        mine = {clusters[m] for m, role in named.items() if role == subject and m in clusters}
        members_of: dict[str, list[str]] = defaultdict(list)
        for mention, label in clusters.items():
            if label in mine:
                members_of[label].append(mention)
        joins = joins_by_victim(
            rows, clusters, feature_of, members_of, names, cannot_link=cannot_link,
            subject=subject,
        )  # fmt: skip
        moved.update(_apply_joins(clusters, joins, features_of))
    described = joins_by_description(rows, clusters, names, targeting)
    moved.update(_apply_joins(clusters, described, features_of))
    return moved


def _join_sole_bearers(
    pairs: ScoredPairs,
    clusters: dict[str, str],
    features_of: FeatureRows,
    cannot_link: set[frozenset[str]],
    review_threshold: float,
) -> dict[str, list[str]]:
    """Join clusters of name-only mentions to the one identified person of their name
    (:mod:`.namesakes`), in place; return the evidence for each mention that moved."""
    columns = ("unique_id", "forename", "forename_canonical", "surname")
    names = {
        key: name_of(forename, canonical, surname)
        for key, forename, canonical, surname in zip(
            *(features_of.column(c) for c in columns), strict=True
        )
    }
    dated = {
        key
        for key, year in zip(
            features_of.column("unique_id"), features_of.column("dob_year"), strict=True
        )
        if year is not None
    }
    joins = sole_bearer_joins(
        pairs.between_clusters(clusters, review_threshold),
        clusters, names, dated, features_of, cannot_link, review_threshold,
    )  # fmt: skip
    return _apply_joins(clusters, joins, features_of)


RowsOf = Callable[[set[str]], Mapping[str, Mapping[str, Any]]]


def _guarded(
    inferred: Iterable[Inferred], clusters: Mapping[str, str], rows_of: RowsOf
) -> dict[str, Inferred]:
    """The inferences whose mention contradicts no member of the cluster it would join
    (:func:`.joins.refusal`), by mention."""
    wanted = list(inferred)
    if not wanted:
        return {}
    targets = {i.entity_id for i in wanted}
    members: dict[str, list[str]] = defaultdict(list)
    for mention, label in clusters.items():
        if label in targets:
            members[label].append(mention)
    feature_of = rows_of(
        {m for keys in members.values() for m in keys} | {i.mention_key for i in wanted}
    )
    kept = {}
    for item in wanted:
        mine = [feature_of[item.mention_key]] if item.mention_key in feature_of else []
        theirs = [feature_of[m] for m in members[item.entity_id] if m in feature_of]
        if refusal(mine, theirs) is None:
            kept[item.mention_key] = item
    return kept


def _apply_joins(
    clusters: dict[str, str], joins: list[VictimJoin], rows_of: RowsOf
) -> dict[str, list[str]]:
    """Relabel the joined clusters in place, each join passing the guard of every rule
    (:func:`.joins.refusal`: no member of one contradicts a member of the other); return the
    evidence for each mention moved."""
    if not joins:
        return {}
    final: dict[str, str] = {}
    evidence_of: dict[str, list[str]] = {}

    def root(label: str) -> str:
        while label in final:
            label = final[label]
        return label

    wanted = {label for join in joins for label in (join.source, join.target)}
    members: dict[str, list[str]] = defaultdict(list)
    for mention, label in clusters.items():
        if label in wanted:
            members[label].append(mention)
    feature_of = rows_of({m for keys in members.values() for m in keys})
    for join in joins:
        source, target = root(join.source), root(join.target)
        if source == target:
            continue
        left = [feature_of[m] for m in members[source] if m in feature_of]
        right = [feature_of[m] for m in members[target] if m in feature_of]
        if refusal(left, right) is not None:
            continue
        final[source] = target
        evidence_of[source] = join.evidence
        members[target].extend(members.pop(source, []))

    moved: dict[str, list[str]] = {}
    for mention, label in list(clusters.items()):
        if label in final:
            clusters[mention] = root(label)
            moved[mention] = evidence_of[label]
    return moved


def _lineage(
    conn: Connection, features_of: RowsOf, mentions: Iterable[MentionRow]
) -> list[LineageLink]:
    """Links between each crime's people and the people of the incident it was recorded from."""
    pairs = lineage_rows(conn, mentions)
    if not pairs:
        return []
    wanted = {key for pair in pairs for key in (*pair.crime_mentions, *pair.incident_mentions)}
    return links_for(pairs, features_of(wanted))


def _refused_for_review(
    refused: Sequence[RefusedLink],
    pairs: ScoredPairs,
    members: Mapping[str, str],
    judgements: Mapping[frozenset[str], str],
    lineage_of: Mapping[frozenset[str], list[str]],
    named: Callable[[str], str] = str,
) -> list[dict[str, Any]]:
    """Links strong enough to join that clustering refused and that ended between two people (a
    mention that fits two people who cannot be one, or a link that would put two contradicting
    mentions in one person), as review rows: the pair's scored row (or, for a crime and its
    incident, the lineage evidence) with ``refused``, the reason, to be shown first, naming the
    people the two mentions it cites belong to."""
    first: dict[frozenset[str], RefusedLink] = {}
    for link in refused:
        pair = frozenset((link.unique_id_l, link.unique_id_r))
        if pair not in judgements and members[link.unique_id_l] != members[link.unique_id_r]:
            first.setdefault(pair, link)
    if not first:
        return []
    scored = pairs.rows(set(first))
    rows = []
    for pair, link in first.items():
        row = scored.get(pair)
        people = "; ".join(
            f"{named(m)} is {members[m]}" for m in sorted(link.cannot_link) if m in members
        )
        rows.append(
            {
                **(row or {"evidence": lineage_of.get(pair, [])}),
                "unique_id_l": link.unique_id_l,
                "unique_id_r": link.unique_id_r,
                "match_probability": link.match_probability,
                "refused": f"{link.describe(named)} ({people})" if people else link.describe(named),
            }
        )
    return rows


def _with_values(rows: list[dict[str, Any]], features_of: RowsOf) -> list[dict[str, Any]]:
    """The review rows with each side's feature values (``<column>_l``, ``<column>_r``), as a
    reviewer's explanation reads them: prediction keeps gammas and weights only, and the values
    are joined back here for the few pairs queued."""
    if not rows:
        return rows
    found = features_of({row[side] for row in rows for side in ("unique_id_l", "unique_id_r")})
    columns = feature_columns()[1:]
    out = []
    for row in rows:
        left, right = found.get(row["unique_id_l"]), found.get(row["unique_id_r"])
        values: dict[str, Any] = {}
        if left is not None and right is not None:
            for column in columns:
                values[f"{column}_l"] = left[column]
                values[f"{column}_r"] = right[column]
        out.append({**values, **row})
    return out


def _review_evidence(model: LinkageModel, row: Mapping[str, Any]) -> list[str]:
    """What a reviewer reads: why a refused link was refused, then the pair's evidence."""
    evidence = row["evidence"] if "evidence" in row else explain_pair(model, row)
    return [row["refused"], *evidence] if "refused" in row else evidence


def _one_pair_per_two_people(
    rows: list[dict[str, Any]], members: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The strongest uncertain pair between each two people: a reviewer judges two people once,
    not once for every pair of their records."""
    best: dict[frozenset[str], dict[str, Any]] = {}
    for row in rows:
        key = frozenset((members[row["unique_id_l"]], members[row["unique_id_r"]]))
        held = best.get(key)
        if held is None or (row["match_probability"], row["unique_id_l"], row["unique_id_r"]) > (
            held["match_probability"],
            held["unique_id_l"],
            held["unique_id_r"],
        ):
            best[key] = row
    return sorted(
        best.values(),
        key=lambda r: (-r["match_probability"], r["unique_id_l"], r["unique_id_r"]),
    )


def model_name(model: LinkageModel) -> str:
    meta: Mapping[str, Any] = model.metadata
    return f"model:{meta.get('threadline_model_version')}@{meta.get('trained_at')}"
