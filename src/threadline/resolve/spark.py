"""The same linkage model on Apache Spark, for national scale (Splink's Spark backend).

A model is trained once (on DuckDB, or anywhere) and saved as JSON whose SQL is written in
DuckDB's dialect. :func:`spark_settings` translates that SQL to Spark's with sqlglot plus the few
fix-ups sqlglot cannot know (a list's length is ``size``), keeping every trained m and u
probability; :func:`predict_pairs_spark` then scores the blocked pairs on Spark. The weights, and
so the clusters, are the DuckDB path's: a test checks it.

Jaro-Winkler is computed on Spark by :data:`JARO_WINKLER_UDF`, rapidfuzz's (a pandas UDF, fed
in Arrow batches), not by the ``jaro_winkler`` of Splink's UDF jar: the jar halves the
transpositions without rounding down, DuckDB and rapidfuzz round down, so "Pamar" and "Parmar"
scored 0.876 on Spark and 0.902 on DuckDB and at call time, and fell in different levels.

Spark needs Java 17 and starts in about ten seconds; it is for forces or regions too large for one
machine, not for a single force (DuckDB does that faster).
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from itertools import permutations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from rapidfuzz.distance import JaroWinkler
from splink import Linker
from sqlglot import exp

from threadline.features import features_table, list_columns
from threadline.resolve.batch import Clustered, Clustering, Judged, Labels, Row, Score, Scored
from threadline.resolve.clustering import ClusterResult, RefusedLink, cluster_with_reasons
from threadline.resolve.comparisons import CONTRADICTION_COLUMNS, blocking_table
from threadline.resolve.linkage import (
    TF_COLUMNS,
    LinkageModel,
    adjust_scored,
    gamma_columns,
    prediction_settings,
    splink_threshold,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Functions whose Spark spelling sqlglot does not produce on its own.
SPARK_FIXES: tuple[tuple[str, str], ...] = (
    (r"\bJAROWINKLER_SIMILARITY\(", "threadline_jaro_winkler("),
    (r"\bLIST_INTERSECT\(", "ARRAY_INTERSECT("),
    (r"\bLIST_CONTAINS\(", "ARRAY_CONTAINS("),
    (r"(`\w+`) && (`\w+`)", r"ARRAYS_OVERLAP(\1, \2)"),
)


class SparkTranslationError(ValueError):
    """The model's SQL uses something this translation does not know how to say in Spark."""


def to_spark_sql(sql: str) -> str:
    """One DuckDB SQL condition in Spark SQL (Splink's ``ELSE`` level stays as it is)."""
    if sql.strip().upper() == "ELSE":
        return sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    # Spark's RLIKE is an operator: keep each regexp match in brackets so that comparing two
    # of them (``regexp_matches(a, x) <> regexp_matches(b, x)``) keeps its meaning.
    tree = tree.transform(
        lambda node: exp.Paren(this=node.copy()) if isinstance(node, exp.RegexpLike) else node
    )
    spark_sql = tree.sql(dialect="spark")
    for pattern, replacement in SPARK_FIXES:
        spark_sql = re.sub(pattern, replacement, spark_sql)
    # DuckDB's len() of a list came out as LENGTH(): in Spark that is SIZE() for arrays.
    listed = sorted(list_columns())
    for column in listed:
        for side in ("l", "r"):
            spark_sql = spark_sql.replace(f"LENGTH(`{column}_{side}`)", f"SIZE(`{column}_{side}`)")
    if "LENGTH(`" in spark_sql and any(f"LENGTH(`{c}_" in spark_sql for c in listed):
        raise SparkTranslationError(f"cannot translate list length in: {sql}")
    return spark_sql


def spark_settings(model: LinkageModel) -> dict[str, Any]:
    """The model's trained Splink settings with every SQL condition in Spark's dialect."""
    settings = copy.deepcopy(prediction_settings(model))
    settings["sql_dialect"] = "spark"
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = to_spark_sql(level["sql_condition"])
    for rule in settings.get("blocking_rules_to_generate_predictions", []):
        rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    return settings


#: The Spark SQL name of the Jaro-Winkler similarity the translated model calls.
JARO_WINKLER_UDF = "threadline_jaro_winkler"


def register_functions(spark: SparkSession) -> None:
    """Register :data:`JARO_WINKLER_UDF` (rapidfuzz's Jaro-Winkler, the one DuckDB and call time
    agree with) in ``spark``."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("double")  # type: ignore[call-overload]
    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        return pd.Series(
            [
                JaroWinkler.similarity(a, b) if isinstance(a, str) and isinstance(b, str) else None
                for a, b in zip(left, right, strict=True)
            ],
            dtype="float64",
        )

    spark.udf.register(JARO_WINKLER_UDF, jaro_winkler)


#: The environment variable naming the Spark master when ``--master`` is not given.
MASTER_VARIABLE = "THREADLINE_SPARK_MASTER"
#: The master used when none is named: Spark inside this process, on two cores.
LOCAL_MASTER = "local[2]"


def spark_master(master: str | None = None) -> str:
    """The master to connect to: ``master`` if given, else :data:`MASTER_VARIABLE`, else
    :data:`LOCAL_MASTER` (``spark://host:7077`` for a standalone cluster, ``k8s://...`` for
    Kubernetes, ``yarn``)."""
    return master or os.environ.get(MASTER_VARIABLE) or LOCAL_MASTER


def spark_session(
    master: str | None = None,
    app_name: str = "threadline",
    *,
    executor_memory: str = "1g",
    executor_cores: int = 1,
    driver_memory: str = "2g",
    max_result_size: str | None = None,
    config: Mapping[str, str] | None = None,
) -> SparkSession:
    """A Spark session set up as Splink and the model need it: Splink's UDF jar, this Python for
    the workers, and a checkpoint directory.

    ``master`` is :func:`spark_master`'s; on a cluster each executor gets ``executor_cores``
    cores and ``executor_memory`` of heap (the Python workers' Arrow batches come on top). The
    driver holds what one mention at a time needs, never the pairs; ``max_result_size``
    (``spark.driver.maxResultSize``) caps what any one action may bring back to it; ``config``
    is any other Spark setting.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # Python workers (the Jaro-Winkler UDF) run this interpreter, with its rapidfuzz.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(spark_master(master))
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        # Never broadcast a table Spark guesses small: the features' Parquet, compressed, is a
        # thirtieth of the hash table built from it; at 276k mentions (a 10 MB file, just under
        # the 10 MB default) every executor built it beside its sort and ran out of heap.
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.executor.memory", executor_memory)
        .config("spark.executor.cores", str(executor_cores))
        .config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
    )
    if max_result_size is not None:
        builder = builder.config("spark.driver.maxResultSize", max_result_size)
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="threadline-spark-"))
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.addPyFile(str(package_archive()))
    return session


def package_archive() -> Path:
    """This very ``threadline`` package as a zip for the executors' Python workers (the steps
    run there import it): a cluster's workers need not have it installed, and never run
    another version of it than the driver's."""
    import threadline

    source = Path(threadline.__file__).parent
    archive = Path(tempfile.mkdtemp(prefix="threadline-package-")) / "threadline.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out.write(path, path.relative_to(source.parent))
    return archive


def predict_pairs_spark(
    model: LinkageModel,
    features: pd.DataFrame,
    spark: SparkSession,
    threshold_match_probability: float | None = 0.5,
) -> pd.DataFrame:
    """:func:`threadline.resolve.linkage.predict_pairs`, computed by Spark and brought back here
    as a frame (weights and gammas; for tests and small stores: resolution keeps them on Spark,
    :class:`SparkPairs`)."""
    pairs = SparkPairs.scored(
        spark, model, features_table(features), threshold_match_probability, _scratch()
    )
    return pairs.frame.toPandas()


def score_on_spark(
    spark: SparkSession, directory: str | None = None, batch_rows: int | None = None
) -> Score:
    """:data:`threadline.resolve.batch.Score` on ``spark``: the run's features written to
    Parquet under ``directory`` (a new temporary directory if ``None``; on a cluster, a place
    every worker and this driver can reach) and scored there (:class:`SparkPairs`)."""

    def score(model: LinkageModel, table: pa.Table, threshold: float) -> SparkPairs:
        pairs = SparkPairs.scored(spark, model, table, threshold, directory or _scratch())
        pairs.batch_rows = batch_rows or DRIVER_BATCH_ROWS
        return pairs

    return score


def _scratch() -> str:
    return tempfile.mkdtemp(prefix="threadline-spark-run-")


#: About how many mentions one shuffle partition of the run holds (their pairs are sorted and
#: joined by one task): the scoring and clustering spread over more tasks as the force grows.
MENTIONS_PER_PARTITION = 50_000
#: The fewest shuffle partitions of a run (a small force).
MIN_PARTITIONS = 8


def shuffle_partitions(mentions: int) -> int:
    """The shuffle partitions for a run of ``mentions``: one per
    :data:`MENTIONS_PER_PARTITION`, at least :data:`MIN_PARTITIONS` (a fixed number caps a
    cluster of any size at that many tasks a stage)."""
    return max(MIN_PARTITIONS, math.ceil(mentions / MENTIONS_PER_PARTITION))


#: Rows written to Parquet at a time (the driver never holds more of a column than this).
PARQUET_ROWS = 200_000
#: About how many rows (per mention, or per review item) the driver takes back at a time.
DRIVER_BATCH_ROWS = 50_000


class SparkPairs:
    """The run's scored pairs as a Spark table (Parquet under the run's directory), and the
    steps of resolution that read them, in Spark: Splink's connected components, each component
    that may need splitting split by :func:`.clustering.cluster_with_reasons` on an executor,
    the strongest partner, the partners between clusters and the review candidates. What comes
    back to the driver is per mention or per review item (through ``toLocalIterator``, a
    partition at a time), never the pairs."""

    def __init__(
        self, spark: SparkSession, frame: DataFrame, features: DataFrame, directory: str
    ) -> None:
        self.spark = spark
        self.frame = frame
        self.features = features
        self.directory = directory.rstrip("/")
        self._count: int | None = None
        self._written = 0
        self.batch_rows = DRIVER_BATCH_ROWS

    def _local(self, frame: DataFrame, rows: int) -> Iterator[Any]:
        """``frame``'s rows (about ``rows`` of them) brought back to the driver a partition of
        about :attr:`batch_rows` at a time."""
        return frame.repartition(max(1, math.ceil(rows / self.batch_rows))).toLocalIterator()

    @classmethod
    def scored(
        cls,
        spark: SparkSession,
        model: LinkageModel,
        table: pa.Table,
        threshold_match_probability: float | None,
        directory: str,
    ) -> SparkPairs:
        """Score the blocked pairs of ``table``'s mentions on Spark (Splink's Spark linker with
        the model's settings in Spark SQL, then the shared-value adjustment of
        :func:`.linkage.adjust_scored` on each executor's batches) into Parquet."""
        from pyspark.sql.types import StructType
        from splink.backends.spark import SparkAPI

        register_functions(spark)
        # Splink's connected components checkpoint their iterations: where every node reaches.
        spark.sparkContext.setCheckpointDir(f"{directory.rstrip('/')}/checkpoints")
        configured = int(spark.conf.get("spark.sql.shuffle.partitions") or MIN_PARTITIONS)
        partitions = max(configured, shuffle_partitions(table.num_rows))
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
        features = _parquet(spark, blocking_table(table), f"{directory.rstrip('/')}/features")
        features = features.repartition(partitions)
        db_api = SparkAPI(spark_session=spark)
        linker = Linker(db_api.register(features), spark_settings(model), log_level=None)
        for column in TF_COLUMNS:
            values = model.term_frequencies.get(column, {})
            lookup = pd.DataFrame({column: list(values), f"tf_{column}": list(values.values())})
            if lookup.empty:
                continue
            linker.table_management.register_term_frequency_lookup(
                db_api.register(spark.createDataFrame(lookup)), column
            )
        predicted = linker.inference.predict(
            threshold_match_probability=splink_threshold(model, threshold_match_probability)
        ).as_spark_dataframe()
        slim = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
        slim += gamma_columns(model)
        schema = StructType([predicted.schema[c] for c in slim])
        target = pa.schema([(f.name, _arrow_type(f.dataType)) for f in schema.fields])

        def adjust(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                adjusted = adjust_scored(
                    model, pa.Table.from_batches([batch]), threshold_match_probability
                )
                yield from adjusted.select(slim).cast(target).to_batches()

        path = f"{directory.rstrip('/')}/pairs"
        predicted.mapInArrow(adjust, schema).write.mode("overwrite").parquet(path)
        return cls(spark, spark.read.parquet(path), features, directory)

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.frame.count()
        return self._count

    def _table(self, table: pa.Table) -> DataFrame:
        """A table of the driver's (per mention, or smaller) on Spark, through Parquet."""
        self._written += 1
        return _parquet(self.spark, table, f"{self.directory}/driver-{self._written}")

    def _labels(self, labels: Mapping[str, str], name: str) -> DataFrame:
        keys = list(labels)
        return self._table(pa.table({"unique_id": keys, name: [labels[k] for k in keys]}))

    def _pairs_of(self, pairs: Iterable[frozenset[str]]) -> DataFrame:
        """Two-mention sets as rows ``a``, ``b``, both ways round."""
        both = [(a, b) for pair in pairs if len(pair) == 2 for a, b in permutations(sorted(pair))]
        return self._table(
            pa.table(
                {"a": [a for a, _ in both], "b": [b for _, b in both]},
                schema=pa.schema([("a", pa.string()), ("b", pa.string())]),
            )
        )

    def cluster(self, given: Clustering) -> Clustered:
        from pyspark.sql import Window
        from pyspark.sql import functions as F
        from splink.backends.spark import SparkAPI
        from splink.clustering import cluster_pairwise_predictions_at_threshold

        extra, threshold, cannot_link = given.extra, given.threshold, given.cannot_link

        edge_columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        edges = self.frame.select(*edge_columns).where(F.col("match_probability") >= threshold)
        if not extra.empty:
            links = pa.Table.from_pandas(extra[edge_columns], preserve_index=False)
            edges = edges.unionByName(self._table(links))
        edges = edges.where(F.col("match_probability") >= threshold).persist()
        components = (
            cluster_pairwise_predictions_at_threshold(
                self.features.select("unique_id"),
                edges,
                db_api=SparkAPI(spark_session=self.spark),
                node_id_column_name="unique_id",
                threshold_match_probability=threshold,
            )
            .as_spark_dataframe()
            .select("unique_id", F.col("cluster_id").alias("component"))
        )
        whole = Window.partitionBy("component")
        components = components.select(
            "unique_id",
            "component",
            F.count("*").over(whole).alias("size"),
            F.min("unique_id").over(whole).alias("first"),
        )
        components = _persisted(components, f"{self.directory}/components")
        # Components holding a pair reviewers judged apart: no more than the judgements.
        keyed = components.select("unique_id", "component")
        judged = [
            row.component
            for row in self._pairs_of(cannot_link)
            .join(keyed.withColumnRenamed("unique_id", "a"), "a")
            .join(keyed.select(F.col("unique_id").alias("b"), F.col("component").alias("c")), "b")
            .where(F.col("component") == F.col("c"))
            .select("component")
            .distinct()
            .toLocalIterator()  # no more than the judgements
        ]
        # a component of two may hold a contradiction too (clustering.cluster_with_reasons)
        components = components.withColumn(
            "split", F.col("component").isin(judged) | (F.col("size") > 1)
        )
        marked = f"{self.directory}/components-marked"
        components.write.mode("overwrite").parquet(marked)
        components = self.spark.read.parquet(marked)

        def splitting() -> DataFrame:
            # A read of its own for each side of the cogroup below (one plan on both sides
            # would make its columns ambiguous).
            return self.spark.read.parquet(marked).where("split").select("unique_id", "component")

        member_rows = self.features.select("unique_id", *CONTRADICTION_COLUMNS).join(
            splitting(), "unique_id"
        )
        component_edges = edges.join(
            splitting().withColumnRenamed("unique_id", "unique_id_l"), "unique_id_l"
        )
        forbidden = sorted(tuple(sorted(pair)) for pair in cannot_link if len(pair) == 2)
        lists = set(list_columns())

        def split(edges_of: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
            keys = [str(k) for k in members["unique_id"]]
            inside = set(keys)
            vetoes = {frozenset(p) for p in forbidden if p[0] in inside and p[1] in inside}
            for column in lists & set(members.columns):
                members[column] = members[column].map(lambda v: [] if v is None else list(v))
            found = cluster_with_reasons(
                edges_of[edge_columns], keys, threshold, vetoes, features=members
            )
            rows: list[tuple[str | None, str | None, str | None]]
            rows = [(k, found.clusters[k], None) for k in keys]
            rows += [(None, None, json.dumps(_refused_record(link))) for link in found.refused]
            return pd.DataFrame(rows, columns=["unique_id", "cluster", "refused"])

        split_rows = (
            component_edges.groupBy("component")
            .cogroup(member_rows.groupBy("component"))
            .applyInPandas(split, "unique_id string, cluster string, refused string")
        )
        split_rows = _persisted(split_rows, f"{self.directory}/split")
        clusters_frame = (
            components.where(~F.col("split"))
            .select("unique_id", F.col("first").alias("cluster"))
            .unionByName(split_rows.where(F.col("unique_id").isNotNull()).drop("refused"))
        )
        clusters_frame = _persisted(clusters_frame, f"{self.directory}/clusters")
        clusters = {
            str(row.unique_id): str(row.cluster)
            for row in self._local(clusters_frame, len(given.ids))
        }
        for key in given.ids:
            clusters.setdefault(key, key)  # a mention no pair names is a person of its own
        refused = [
            _refused_link(json.loads(row.refused))
            for row in self._local(split_rows.where(F.col("refused").isNotNull()), len(given.ids))
        ]
        # Each linked mention's strongest partner in its own cluster (of two as strong, the
        # first by mention key).
        left = clusters_frame.select(F.col("unique_id").alias("a"), F.col("cluster").alias("ca"))
        right = clusters_frame.select(F.col("unique_id").alias("b"), F.col("cluster").alias("cb"))
        both = edges.select(
            F.col("unique_id_l").alias("a"), F.col("unique_id_r").alias("b"),
            F.col("match_probability").alias("p"),
        ).unionByName(
            edges.select(
                F.col("unique_id_r").alias("a"), F.col("unique_id_l").alias("b"),
                F.col("match_probability").alias("p"),
            )
        )  # fmt: skip
        best = Window.partitionBy("a").orderBy(F.col("p").desc(), F.col("b").asc())
        strongest = (
            both.join(left, "a")
            .join(right, "b")
            .where(F.col("ca") == F.col("cb"))
            .withColumn("rank", F.row_number().over(best))
            .where(F.col("rank") == 1)
        )
        partners = {
            str(row.a): (str(row.b), float(row.p))
            for row in self._local(strongest.select("a", "b", "p"), len(given.ids))
        }
        edges.unpersist()
        return ClusterResult(clusters=clusters, refused=refused), partners

    def between_clusters(self, clusters: Labels, review_threshold: float) -> Iterable[Scored]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        labels = self._labels(clusters, "label")
        scored = (
            self.frame.where(F.col("match_probability") >= review_threshold)
            .join(_side(labels, "l", "label", "la"), "unique_id_l")
            .join(_side(labels, "r", "label", "lb"), "unique_id_r")
            .where(F.col("la") != F.col("lb"))
        )  # fmt: skip
        both = scored.select(
            "la", "lb", "unique_id_l", "unique_id_r", "match_probability"
        ).unionByName(
            scored.select(
                F.col("lb").alias("la"), F.col("la").alias("lb"),
                "unique_id_l", "unique_id_r", "match_probability",
            )
        )  # fmt: skip
        # One pair for each two clusters, and two partners at most for each cluster: enough to
        # tell a cluster with one partner from one with several.
        one = Window.partitionBy("la", "lb").orderBy("unique_id_l", "unique_id_r")
        few = Window.partitionBy("la").orderBy("lb")
        kept = (
            both.withColumn("pair", F.row_number().over(one))
            .where(F.col("pair") == 1)
            .withColumn("partner", F.row_number().over(few))
            .where(F.col("partner") <= 2)
        )
        return [
            (str(row.unique_id_l), str(row.unique_id_r), float(row.match_probability))
            for row in self._local(
                kept.select("unique_id_l", "unique_id_r", "match_probability"), 2 * len(clusters)
            )
        ]

    def apart(self, members: Labels, threshold: float, judgements: Judged) -> list[Row]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        people = self._labels(members, "person")
        judged = self._pairs_of(judgements).select(
            F.col("a").alias("unique_id_l"), F.col("b").alias("unique_id_r")
        )
        uncertain = (
            self.frame.where(F.col("match_probability") < threshold)
            .join(judged, ["unique_id_l", "unique_id_r"], "left_anti")
            .join(_side(people, "l", "person", "pl"), "unique_id_l")
            .join(_side(people, "r", "person", "pr"), "unique_id_r")
            .where(F.col("pl") != F.col("pr"))
        )  # fmt: skip
        strongest = Window.partitionBy(F.least("pl", "pr"), F.greatest("pl", "pr")).orderBy(
            F.col("match_probability").desc(),
            F.col("unique_id_l").desc(),
            F.col("unique_id_r").desc(),
        )
        kept = (
            uncertain.withColumn("rank", F.row_number().over(strongest))
            .where(F.col("rank") == 1)
            .select(*self.frame.columns)
        )
        return [row.asDict() for row in self._local(kept, len(members))]

    def rows(self, wanted: set[frozenset[str]]) -> dict[frozenset[str], Row]:
        from pyspark.sql import functions as F

        if not wanted:
            return {}
        chosen = self._pairs_of(wanted).select(
            F.col("a").alias("unique_id_l"), F.col("b").alias("unique_id_r")
        )
        found = self.frame.join(chosen, ["unique_id_l", "unique_id_r"])
        return {
            frozenset((row.unique_id_l, row.unique_id_r)): row.asDict()
            for row in self._local(found.select(*self.frame.columns), 2 * len(wanted))
        }


def _side(labels: DataFrame, side: str, name: str, alias: str) -> DataFrame:
    """A table of ``unique_id`` and ``name`` keyed as one side of a pair."""
    from pyspark.sql import functions as F

    return labels.select(F.col("unique_id").alias(f"unique_id_{side}"), F.col(name).alias(alias))


def _refused_record(link: RefusedLink) -> dict[str, Any]:
    return {**asdict(link), "cannot_link": sorted(link.cannot_link)}


def _refused_link(record: Mapping[str, Any]) -> RefusedLink:
    return RefusedLink(**{**record, "cannot_link": frozenset(record["cannot_link"])})


def _parquet(spark: SparkSession, table: pa.Table, path: str) -> DataFrame:
    """``table`` written to Parquet at ``path`` (a local path or a URI pyarrow knows: s3://,
    hdfs://, gs://), a row group at a time, and read back by Spark."""
    from pyarrow import fs

    filesystem, where = fs.FileSystem.from_uri(path if "://" in path else f"file://{path}")
    filesystem.create_dir(where, recursive=True)
    pq.write_table(
        table, f"{where}/part-0.parquet", filesystem=filesystem, row_group_size=PARQUET_ROWS
    )
    return spark.read.parquet(path)


def _persisted(frame: DataFrame, path: str) -> DataFrame:
    """``frame`` computed once, into Parquet at ``path``, and read from there."""
    frame.write.mode("overwrite").parquet(path)
    return frame.sparkSession.read.parquet(path)


def _arrow_type(kind: Any) -> pa.DataType:
    from pyspark.sql.pandas.types import to_arrow_type

    return to_arrow_type(kind)
