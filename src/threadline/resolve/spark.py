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
import os
import re
import sys
import tempfile
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from rapidfuzz.distance import JaroWinkler
from splink import Linker
from sqlglot import exp

from threadline.features import list_columns
from threadline.resolve.comparisons import blocking_table
from threadline.resolve.linkage import (
    TF_COLUMNS,
    LinkageModel,
    adjust_scored_frame,
    gamma_columns,
    splink_threshold,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

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
    settings = copy.deepcopy(model.settings)
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
) -> SparkSession:
    """A Spark session set up as Splink and the model need it: Splink's UDF jar, this Python for
    the workers, and a checkpoint directory.

    ``master`` is :func:`spark_master`'s; on a cluster each executor gets ``executor_cores``
    cores and ``executor_memory`` of heap (the Python workers' Arrow batches come on top). The
    driver holds what one mention at a time needs, never the pairs; ``max_result_size``
    (``spark.driver.maxResultSize``) caps what any one action may bring back to it.
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
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.executor.memory", executor_memory)
        .config("spark.executor.cores", str(executor_cores))
        .config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
    )
    if max_result_size is not None:
        builder = builder.config("spark.driver.maxResultSize", max_result_size)
    session = builder.getOrCreate()
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="threadline-spark-"))
    session.sparkContext.setLogLevel("ERROR")
    return session


def predict_pairs_spark(
    model: LinkageModel,
    features: pd.DataFrame,
    spark: SparkSession,
    threshold_match_probability: float | None = 0.5,
) -> pd.DataFrame:
    """:func:`threadline.resolve.linkage.predict_pairs`, computed by Spark."""
    from splink.backends.spark import SparkAPI

    register_functions(spark)
    frame = spark.createDataFrame(blocking_table(features).to_pandas())
    db_api = SparkAPI(spark_session=spark)
    linker = Linker(db_api.register(frame), spark_settings(model), log_level=None)
    for column in TF_COLUMNS:
        values = model.term_frequencies.get(column, {})
        lookup = pd.DataFrame({column: list(values), f"tf_{column}": list(values.values())})
        if lookup.empty:
            continue
        linker.table_management.register_term_frequency_lookup(
            db_api.register(spark.createDataFrame(lookup)), column
        )
    predictions = linker.inference.predict(
        threshold_match_probability=splink_threshold(model, threshold_match_probability)
    ).as_pandas_dataframe()
    predictions = adjust_scored_frame(model, predictions, threshold_match_probability)
    first = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    first += gamma_columns(model)
    rest = [c for c in predictions.columns if c not in first and c != "match_key"]
    return predictions[first + rest].reset_index(drop=True)
