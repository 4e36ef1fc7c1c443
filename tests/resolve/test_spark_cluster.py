"""Resolution through a real Spark standalone cluster (a master and two workers, each its own
process) makes the same people as DuckDB on one machine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from factories import force_files
from spark_cluster import StandaloneCluster, standalone_cluster
from threadline.ingest import import_files
from threadline.resolve.batch import resolve_store
from threadline.resolve.entities import load_memberships
from threadline.resolve.review import open_queue
from threadline.store.database import open_store

pytestmark = pytest.mark.spark
NOW = datetime(2026, 2, 1, tzinfo=UTC)
#: What the driver may take back from one action: less than half the small force's scored
#: pairs (about 8,000 of them, 335 KiB as Spark sends them), more than a partition of its
#: mentions' cluster labels.
SMALL_RESULTS = "160k"
#: Rows the driver takes back at a time: some hundreds of mentions' labels, a few KiB.
DRIVER_ROWS = 500


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandaloneCluster]:
    if not os.environ.get("CI"):
        pytest.importorskip("pyspark", reason="pip install -e '.[spark]' to run the Spark path")
    with standalone_cluster(tmp_path_factory.mktemp("spark-cluster")) as running:
        yield running


def _imported(force: Path, path: Path) -> Any:
    engine = open_store(f"sqlite:///{path}")
    import_files(engine, force_files(force))
    return engine


def test_a_force_resolved_through_a_standalone_cluster_is_duckdb_s_people(
    cluster: StandaloneCluster, small_force: Path, resolved_force: Any, tmp_path: Path
) -> None:
    """Resolved through the cluster with the driver allowed to take back less than the scored
    pairs (``spark.driver.maxResultSize``): the same people and the same review queue as on
    DuckDB, and the pairs could not have been brought back (asking for them fails): no step of
    resolution collects them."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors.exceptions.base import PySparkException

    from threadline.resolve.spark import score_on_spark, spark_session

    _path, model = resolved_force
    on_duckdb = _imported(small_force, tmp_path / "duckdb.db")
    on_spark = _imported(small_force, tmp_path / "spark.db")
    resolve_store(on_duckdb, model, now=NOW)

    session = spark_session(
        cluster.master_url,
        executor_memory="768m",
        max_result_size=SMALL_RESULTS,
        # A broadcast join sends its smaller side (here the mentions' features, 165 KiB)
        # through the driver: per mention, not pairs, but over this small limit.
        config={"spark.sql.autoBroadcastJoinThreshold": "-1"},
    )
    try:
        run = tmp_path / "run"
        report = resolve_store(
            on_spark, model, now=NOW, score=score_on_spark(session, str(run), DRIVER_ROWS)
        )
        with pytest.raises((Py4JJavaError, PySparkException), match="maxResultSize"):
            session.read.parquet(str(run / "pairs")).collect()
    finally:
        session.stop()

    # It ran on the cluster's executors (the master saw the application through to its end).
    assert [a["name"] for a in cluster.state()["completedapps"]] == ["threadline"]
    assert report.pairs_scored > report.mentions > 0
    with on_duckdb.connect() as duck, on_spark.connect() as spark:
        expected, found = load_memberships(duck), load_memberships(spark)
        assert len(set(expected.values())) < len(expected)  # people with several mentions
        assert found == expected
        queued = [(i.mention_a, i.mention_b) for i in open_queue(duck, 10_000)]
        assert queued and [(i.mention_a, i.mention_b) for i in open_queue(spark, 10_000)] == queued
