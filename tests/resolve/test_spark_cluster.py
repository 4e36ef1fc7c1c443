"""Resolution through a real Spark standalone cluster (a master and two workers, each its own
process) makes the same people as DuckDB on one machine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factories import force_files
from spark_cluster import StandaloneCluster, standalone_cluster
from threadline.cli import app
from threadline.ingest import import_files
from threadline.resolve.batch import resolve_store
from threadline.resolve.entities import load_memberships
from threadline.resolve.linkage import save_model
from threadline.resolve.review import open_queue
from threadline.store.database import open_store

pytestmark = pytest.mark.spark
NOW = datetime(2026, 2, 1, tzinfo=UTC)
#: What the driver may take back from one action: less than the small force's scored pairs.
SMALL_RESULTS = "1m"


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
    cluster: StandaloneCluster,
    small_force: Path,
    resolved_force: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _path, model = resolved_force
    on_duckdb = _imported(small_force, tmp_path / "duckdb.db")
    on_spark = _imported(small_force, tmp_path / "spark.db")
    resolve_store(on_duckdb, model, now=NOW)
    model_path = tmp_path / "model.json"
    save_model(model, model_path)

    monkeypatch.setenv("THREADLINE_SPARK_MASTER", cluster.master_url)
    url = on_spark.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        app,
        ["resolve", "--db", url, "--model", str(model_path), "--backend", "spark",
         "--executor-memory", "768m"],
    )  # fmt: skip
    assert result.exit_code == 0, f"{result.output}\n{cluster.logs()}"

    # It ran on the cluster's executors (the master saw the application through to its end).
    applications = cluster.state()["completedapps"]
    assert [a["name"] for a in applications] == ["threadline"]
    with on_duckdb.connect() as duck, on_spark.connect() as spark:
        expected, found = load_memberships(duck), load_memberships(spark)
        assert len(set(expected.values())) < len(expected)  # people with several mentions
        assert found == expected
        queued = [(i.mention_a, i.mention_b) for i in open_queue(duck, 10_000)]
        assert queued and [(i.mention_a, i.mention_b) for i in open_queue(spark, 10_000)] == queued


def test_no_step_brings_the_pairs_back_to_the_driver(
    cluster: StandaloneCluster, resolved_store: Any, tmp_path: Path
) -> None:
    """With the driver allowed to take back less than the scored pairs
    (``spark.driver.maxResultSize``), asking for them fails, and resolution still runs to the
    same people: no step of it collects the pairs."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors.exceptions.base import PySparkException

    from threadline.features import features_table
    from threadline.resolve.batch import REVIEW_THRESHOLD, load_features
    from threadline.resolve.spark import SparkPairs, score_on_spark, spark_session

    engine, model = resolved_store
    session = spark_session(
        cluster.master_url, executor_memory="768m", max_result_size=SMALL_RESULTS
    )
    try:
        with engine.connect() as conn:
            table = features_table(load_features(conn))
            before = load_memberships(conn)
        pairs = SparkPairs.scored(session, model, table, REVIEW_THRESHOLD, str(tmp_path / "run"))
        with pytest.raises((Py4JJavaError, PySparkException), match="maxResultSize"):
            pairs.frame.collect()
        report = resolve_store(engine, model, now=NOW, score=score_on_spark(session))
    finally:
        session.stop()
    with engine.connect() as conn:
        assert load_memberships(conn) == before
    assert report.pairs_scored == len(pairs) > 0
