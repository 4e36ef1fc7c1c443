"""A real Spark standalone cluster on this machine: a master and workers, each its own JVM
started with ``spark-class`` as an operator would (``org.apache.spark.deploy.master.Master``,
``org.apache.spark.deploy.worker.Worker``), on free ports, stopped at the end.

Imported by the test modules that need it (never from a conftest).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from web.browser import free_port

#: How long a master and its workers may take to come up (a JVM each, on a shared machine).
START_SECONDS = 120.0


def spark_class() -> Path:
    """``bin/spark-class`` of the installed pyspark."""
    import pyspark

    found = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not found.is_file():
        raise FileNotFoundError(f"no spark-class under {found.parent}")
    return found


@dataclass
class StandaloneCluster:
    """A running master and its workers (their processes, ports and logs)."""

    master_url: str
    web_url: str
    directory: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        """The master's view of the cluster (its web UI's ``/json/``)."""
        with urllib.request.urlopen(f"{self.web_url}/json/", timeout=5) as answer:
            return dict(json.load(answer))

    def alive_workers(self) -> int:
        try:
            return int(self.state().get("aliveworkers", 0))
        except OSError:
            return 0

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.directory.glob("*.log"))
        )


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        # A session of its own: stopping the cluster ends the JVM and anything it started.
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def standalone_cluster(
    directory: Path, workers: int = 2, cores: int = 1, memory: str = "1g"
) -> Iterator[StandaloneCluster]:
    """Start a master and ``workers`` workers (``cores`` cores and ``memory`` each), wait until
    every worker has registered with the master, and stop them all on the way out."""
    directory.mkdir(parents=True, exist_ok=True)
    launcher = str(spark_class())
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOG_DIR": str(directory)}
    # No REST submission server (a fixed port, 6066, that two clusters would fight over).
    properties = directory / "spark-defaults.conf"
    properties.write_text("spark.master.rest.enabled false\n")
    port, web = free_port(), free_port()
    cluster = StandaloneCluster(
        master_url=f"spark://127.0.0.1:{port}",
        web_url=f"http://127.0.0.1:{web}",
        directory=directory,
    )
    try:
        cluster.processes.append(
            _start(
                [launcher, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                 "--port", str(port), "--webui-port", str(web),
                 "--properties-file", str(properties)],
                directory / "master.log",
                env,
            )
        )  # fmt: skip
        for number in range(workers):
            work = directory / f"worker-{number}"
            work.mkdir(exist_ok=True)
            cluster.processes.append(
                _start(
                    [launcher, "org.apache.spark.deploy.worker.Worker", cluster.master_url,
                     "--host", "127.0.0.1", "--port", str(free_port()),
                     "--webui-port", str(free_port()), "--cores", str(cores),
                     "--memory", memory, "--work-dir", str(work),
                     "--properties-file", str(properties)],
                    directory / f"worker-{number}.log",
                    env,
                )
            )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while cluster.alive_workers() < workers:
            dead = [p.args for p in cluster.processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the standalone cluster did not come up (ended: {dead})\n{cluster.logs()}"
                )
            time.sleep(1)
        yield cluster
    finally:
        for process in reversed(cluster.processes):
            _stop(process)
