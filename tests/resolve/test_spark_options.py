"""``threadline resolve --backend spark`` hands the master (named, or from the environment),
the executors' size and the run's directory to the Spark session, and stops it at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from threadline.cli import app
from threadline.resolve import spark
from threadline.resolve.batch import FramePairs
from threadline.resolve.entities import load_memberships
from threadline.resolve.linkage import LinkageModel, predict_pairs, save_model


class FakeSession:
    stopped = False

    def stop(self) -> None:
        self.stopped = True


@pytest.mark.parametrize(
    ("given", "expected"),
    [([], "spark://from-the-environment:7077"), (["--master", "local[1]"], "local[1]")],
)
def test_the_spark_options_reach_the_session(
    resolved_store: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: list[str],
    expected: str,
) -> None:
    engine, model = resolved_store
    with engine.connect() as conn:
        before = load_memberships(conn)
    session = FakeSession()
    asked: list[tuple[Any, ...]] = []

    def fake_session(master: str | None, **options: Any) -> FakeSession:
        asked.append(("session", master, options))
        return session

    def fake_score(given_session: Any, directory: str | None) -> Any:
        asked.append(("score", given_session, directory))

        def score(m: LinkageModel, table: pa.Table, threshold: float) -> FramePairs:
            # Scored here, on DuckDB: only the wiring is under test.
            return FramePairs(predict_pairs(m, table, threshold, values=False))

        return score

    monkeypatch.setattr(spark, "spark_session", fake_session)
    monkeypatch.setattr(spark, "score_on_spark", fake_score)
    monkeypatch.setenv("THREADLINE_SPARK_MASTER", "spark://from-the-environment:7077")
    monkeypatch.setenv("THREADLINE_SPARK_DIR", str(tmp_path / "runs"))
    save_model(model, tmp_path / "model.json")
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        app,
        ["resolve", "--db", url, "--model", str(tmp_path / "model.json"), "--backend", "spark",
         "--executor-memory", "3g", "--executor-cores", "2", *given],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert asked == [
        ("session", expected, {"executor_memory": "3g", "executor_cores": 2}),
        ("score", session, str(tmp_path / "runs")),
    ]
    assert session.stopped
    with engine.connect() as conn:
        assert load_memberships(conn) == before
