"""The same model on Spark (local mode) scores the same pairs and makes the same people."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from threadline.resolve.batch import REVIEW_THRESHOLD, load_features, resolve_store
from threadline.resolve.clustering import cluster
from threadline.resolve.entities import load_memberships
from threadline.resolve.linkage import predict_pairs

pytestmark = pytest.mark.spark
NOW = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if not os.environ.get("CI"):
        pytest.importorskip("pyspark", reason="pip install -e '.[spark]' to run the Spark path")
    from threadline.resolve.spark import spark_session

    session = spark_session()
    yield session
    session.stop()


def test_spark_jaro_winkler_is_the_one_duckdb_and_call_time_use(spark: Any) -> None:
    """Splink's jar gives "pamar"/"parmar" 0.876, DuckDB and rapidfuzz 0.902: the model's levels
    (0.92, 0.88) put the pair in different levels unless Spark uses the same function."""
    import duckdb
    from rapidfuzz.distance import JaroWinkler

    from threadline.resolve.spark import JARO_WINKLER_UDF, register_functions, to_spark_sql

    register_functions(spark)
    words = [("pamar", "parmar"), ("martha", "marhta"), ("dixon", "dicksonx"), ("a", "b")]
    for a, b in words:
        sql = to_spark_sql(f"jaro_winkler_similarity('{a}', '{b}')")
        assert JARO_WINKLER_UDF in sql
        on_spark = spark.sql(f"SELECT {sql} AS s").collect()[0]["s"]
        on_duckdb = duckdb.sql(f"SELECT jaro_winkler_similarity('{a}', '{b}')").fetchall()[0][0]
        assert on_spark == pytest.approx(on_duckdb, abs=1e-12) == JaroWinkler.similarity(a, b)
    nothing = spark.sql(f"SELECT {JARO_WINKLER_UDF}(NULL, 'x') AS s").collect()[0]["s"]
    assert nothing is None


def test_spark_scores_the_same_pairs_with_the_same_weights(resolved_store: Any, spark: Any) -> None:
    from threadline.resolve.spark import predict_pairs_spark

    engine, model = resolved_store
    with engine.connect() as conn:
        features = load_features(conn)
    duck = predict_pairs(model, features, REVIEW_THRESHOLD)
    sparked = predict_pairs_spark(model, features, spark, REVIEW_THRESHOLD)
    a = duck.set_index(["unique_id_l", "unique_id_r"])["match_weight"].sort_index()
    b = sparked.set_index(["unique_id_l", "unique_id_r"])["match_weight"].sort_index()
    assert list(a.index) == list(b.index)
    assert (a - b).abs().max() < 1e-9
    ids = list(features["unique_id"])
    assert cluster(duck, ids, 0.95) == cluster(sparked, ids, 0.95)


def test_resolving_on_spark_gives_the_same_people(resolved_store: Any, spark: Any) -> None:
    from threadline.resolve.spark import score_on_spark

    engine, model = resolved_store
    with engine.connect() as conn:
        before = load_memberships(conn)
    report = resolve_store(engine, model, now=NOW, score=score_on_spark(spark))
    with engine.connect() as conn:
        after = load_memberships(conn)
    assert after == before  # same clusters, so every entity keeps its id
    assert (report.created, report.moved) == (0, 0)


def test_every_sql_condition_of_the_model_translates(resolved_store: Any) -> None:
    from threadline.resolve.spark import spark_settings

    _engine, model = resolved_store
    settings = spark_settings(model)
    conditions = [
        level["sql_condition"]
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
    ]
    assert conditions and not any("list_" in c.lower() or "len(" in c.lower() for c in conditions)


def test_the_master_is_the_one_named_then_the_environment_s_then_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from threadline.resolve.spark import LOCAL_MASTER, MASTER_VARIABLE, spark_master

    monkeypatch.delenv(MASTER_VARIABLE, raising=False)
    assert spark_master() == LOCAL_MASTER
    monkeypatch.setenv(MASTER_VARIABLE, "spark://cluster.example:7077")
    assert spark_master() == "spark://cluster.example:7077"
    assert spark_master("spark://other.example:7077") == "spark://other.example:7077"


def test_a_runs_shuffle_partitions_grow_with_its_mentions() -> None:
    """A fixed number of shuffle partitions caps a cluster of any size at that many tasks a
    stage: the run's grow with its mentions, from a floor for small forces."""
    from threadline.resolve.spark import MENTIONS_PER_PARTITION, MIN_PARTITIONS, shuffle_partitions

    assert shuffle_partitions(0) == shuffle_partitions(1_000) == MIN_PARTITIONS
    assert shuffle_partitions(MENTIONS_PER_PARTITION * 200) == 200
    assert shuffle_partitions(MENTIONS_PER_PARTITION * 200 + 1) == 201


def test_the_features_are_spread_over_the_runs_partitions_and_never_broadcast(
    resolved_store: Any, spark: Any, tmp_path: Any
) -> None:
    """The features' one Parquet file reads as one partition, so one task made every blocked
    pair of the force; and Spark broadcast it whole (its compressed size under the 10 MB
    threshold at 276k mentions), which ran executors of 2 GB out of heap."""
    from threadline.resolve.batch import load_feature_table
    from threadline.resolve.spark import MIN_PARTITIONS, SparkPairs

    engine, model = resolved_store
    with engine.connect() as conn:
        table = load_feature_table(conn)
    pairs = SparkPairs.scored(spark, model, table, REVIEW_THRESHOLD, str(tmp_path))
    assert pairs.features.rdd.getNumPartitions() == MIN_PARTITIONS
    assert spark.conf.get("spark.sql.autoBroadcastJoinThreshold") == "-1"
    assert len(pairs) > 0


def test_spark_keeps_a_father_and_son_sharing_all_but_a_birthday_apart(
    engine: Any, resolved_force: Any, tmp_path: Any, spark: Any
) -> None:
    """As DuckDB's path does (tests/resolve/test_pair_contradiction.py): a component of two
    mentions that contradict each other is split on Spark too."""
    from sqlalchemy import select

    from factories import father_and_son_file
    from threadline.ingest import import_files
    from threadline.resolve.spark import score_on_spark
    from threadline.store import tables as t

    _, model = resolved_force
    import_files(engine, [father_and_son_file(tmp_path / "incidents.jsonl")])
    resolve_store(engine, model, now=NOW, score=score_on_spark(spark, str(tmp_path / "run")))
    with engine.connect() as conn:
        entities = set(conn.execute(select(t.entity_members.c.entity_id)).scalars())
        queued = conn.execute(select(t.review_queue)).all()
    assert len(entities) == 2 and len(queued) == 1
