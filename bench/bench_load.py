"""Load on the live path: 20 call handlers submitting incidents at once over HTTP.

    .venv/bin/python bench/bench_load.py                      # build a store from a new force
    .venv/bin/python bench/bench_load.py --db sqlite:///var/threadline.db --model var/model.json

Without ``--model`` it generates a synthetic force (``--incidents``, ``--seed``), holds out its
latest ``clients × per-client`` incidents, imports the rest with the crimes, orders and
assessments into a scratch SQLite file (or the empty database ``--db`` names), trains the
linkage model and resolves the store. With ``--db`` and ``--model`` it uses that store and
generates the incidents to submit from a second force, renamed ``LOAD-…`` so they cannot clash
with stored references, or submits those ``--records`` names (the held-out incidents of a store
built once and copied for each run, so that two trees are measured on the same store).

It then creates one call-handler account per client, starts the API with uvicorn in a
subprocess on 127.0.0.1 (a free port; the rate limit raised through the settings, since 20
clients at full speed are not abuse), signs each client in for a bearer token, and runs the
clients in threads, each submitting its share of the held-out incidents
(``POST /api/incidents``). It prints the number of requests, failures, throughput and the p50,
p95 and p99 latency (target: no failures, p95 under 300 ms), the server's own timings, the CPU
the server spent per request and the machine's load average (other work on the machine shows
up in the figures), and on PostgreSQL the CPU of the server processes serving the store, with
the most that many idle cores could serve at the CPU all of it took per request. Then, with
the server stopped, it submits ``--count`` more incidents one by
one in this process and prints what each sent to the database (``threadline.store.statements``:
statements and commits, each a round trip on PostgreSQL unless sent in one pipeline with
others, an ``executemany`` counted once) in its write turn and for the picture of its answer,
as round trips and as statements, with the statements sent most often.

Two modes: back to back (the default: each client submits the moment its last answer
arrives, a stress test) and paced (``--interval 10``: each client submits every 10 s, 20
clients offering 2 incidents/s, still far busier than real call handlers). ``--workers 2``
serves with two uvicorn processes (``threadline serve --workers 2``): on SQLite their writers
queue on one lock file, and what needs no write turn (the picture, the HTTP work, sign-in)
runs on both cores.

    .venv/bin/python bench/bench_load.py --interval 10 --per-client 10         # paced
    psql -h 127.0.0.1 -U root -d test -c 'create database loadbench'
    .venv/bin/python bench/bench_load.py --db postgresql://root@127.0.0.1:5432/loadbench \
        --workers 2                                 # a new force built into the empty database
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from threadline.crossref import submit
from threadline.guard import UserRole, create_user, get_user
from threadline.ingest import import_files
from threadline.model import parse_record
from threadline.resolve import load_model, save_model
from threadline.resolve.batch import resolve_store, train_store_model
from threadline.store import open_store
from threadline.store.database import analyse, make_engine
from threadline.store.statements import StatementCount, counting_statements
from threadline.synth import generate_force
from threadline.usecases.incidents import submitted_incident

PASSWORD = "load-test harbour lantern"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def build_store(
    scratch: Path, incidents: int, seed: int, held: int, url: str | None = None
) -> tuple[str, Path, list]:
    """A resolved store from a new force (in ``url``, else a scratch SQLite file), and the
    held-out (latest) incidents."""
    folder = scratch / "force"
    started = time.perf_counter()
    generate_force(folder, incidents, seed)
    records = sorted(read_lines(folder / "incidents.jsonl"), key=lambda r: r["reported_at"])
    held_out, kept = records[-held:], records[:-held]
    (folder / "incidents.jsonl").write_text("".join(json.dumps(r) + "\n" for r in kept))
    url = url or f"sqlite:///{scratch}/load.db"
    engine = open_store(url)
    import_files(engine, sorted(folder.glob("*s.jsonl")))
    model = train_store_model(engine, trained_at=NOW)
    resolve_store(engine, model, now=NOW)
    if engine.dialect.name == "postgresql":
        # Planner statistics, as autovacuum gathers them (when it is on: it is off on the
        # test server). Without them PostgreSQL joins the just-imported alert links by nested
        # sequential scans (16 ms a submission instead of 0.05).
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    model_path = scratch / "model.json"
    save_model(model, model_path)
    engine.dispose()
    print(
        f"built a store of {len(kept):,} incidents (+ crimes, orders, assessments), "
        f"trained and resolved in {time.perf_counter() - started:.0f}s; "
        f"{len(held_out)} incidents held out"
    )
    return url, model_path, held_out


def extra_incidents(scratch: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """Incidents from another force for an existing store, renamed so refs cannot clash."""
    folder = scratch / "extra"
    generate_force(folder, max(count, 200), seed + 1000)
    records = read_lines(folder / "incidents.jsonl")[:count]
    for number, record in enumerate(records):
        record["ref"] = f"LOAD-{number:05d}"
        record.pop("crime_refs", None)
    return records


def create_users(url: str, count: int) -> list[str]:
    engine = open_store(url)
    names = []
    for number in range(count):
        name = f"load-handler-{number:02d}"
        if get_user(engine, name) is None:
            create_user(
                engine, name, f"Load handler {number}", UserRole.call_handler, PASSWORD, NOW
            )
        names.append(name)
    engine.dispose()
    return names


def count_round_trips(url: str, model_path: Path, records: list[dict[str, Any]]) -> None:
    """Submit ``records`` one at a time in this process, as the server does, counting what each
    sends to the database (:mod:`threadline.store.statements`): the submission in its write
    turn (store, resolve, recognise, commit), then the picture read for its answer."""
    engine = open_store(url)
    model = load_model(model_path)
    turns: list[StatementCount] = []
    pictures: list[StatementCount] = []
    every = StatementCount()
    for raw in records:
        record = parse_record({"kind": "incident", **raw})
        with counting_statements(engine) as turn:
            submission = submit(engine, model, record, NOW)
        with counting_statements(engine) as picture:
            submitted_incident(engine, submission, record.source, UserRole.call_handler)
        turns.append(turn)
        pictures.append(picture)
        every.by_text.update(turn.by_text)
    engine.dispose()
    if not turns:
        return
    trips = [c.round_trips for c in turns]
    picture_trips = statistics.mean(c.round_trips for c in pictures)
    print(
        f"round trips per submission ({len(turns)} submitted one by one in this process, "
        f"counted by before_cursor_execute and commit, statements sent together once): write "
        f"turn mean {statistics.mean(trips):.1f} (min {min(trips)}, max {max(trips)}; "
        f"{statistics.mean(c.statements + c.commits for c in turns):.1f} statements and "
        f"commits); the picture for its answer {picture_trips:.1f}"
        f" ({statistics.mean(c.statements for c in pictures):.1f} statements)"
    )
    for sql, n in every.most_sent(6):
        print(f"  {n / len(turns):5.1f} per submission: {sql}")


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start in time")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` and its live children (uvicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL server process serving ``url``'s database (other than
    the one asking); empty for SQLite, whose work is done in the server's own process."""
    if not url.startswith("postgresql"):
        return {}
    engine = open_store(url)
    with engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            f"AND pid <> pg_backend_pid() AND application_name <> '{ANALYSER}'"
        ).scalars()
        cpu = {int(pid): process_cpu(int(pid)) for pid in pids}
    engine.dispose()
    return cpu


ANALYSER = "bench_load_analyse"


def keep_analysing(url: str, stop: threading.Event, every: float) -> None:
    """Refresh PostgreSQL's planner statistics every ``every`` seconds until ``stop``, as
    autovacuum's autoanalyze would (it is off on the test server). The store is built with
    no alerts, and a table analysed empty is planned as empty however much it grows: the open
    alerts linked to a submission's people were then read by nested sequential scans, 15 ms
    a submission once 160 alerts were raised. Its own connection, named so that its CPU is
    not counted as the submissions'."""
    engine = make_engine(f"{url}{'&' if '?' in url else '?'}application_name={ANALYSER}")
    try:
        while not stop.wait(every):
            with engine.begin() as conn:
                analyse(conn)
    finally:
        engine.dispose()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_client(
    base: str,
    token: str,
    records: list[dict[str, Any]],
    results: list[tuple[float, int, Any]],
    interval: float,
) -> None:
    """Submit ``records`` one after another; with ``interval``, start one every ``interval``
    seconds (a paced call handler) instead of back to back."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60.0) as client:
        next_at = time.perf_counter()
        for record in records:
            if interval:
                time.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += interval
            started = time.perf_counter()
            try:
                response = client.post("/api/incidents", json=record)
                status = response.status_code
                body = response.json() if status == 200 else response.text[:200]
            except httpx.HTTPError as error:
                status, body = 0, str(error)
            results.append(((time.perf_counter() - started) * 1000, status, body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default=None, help="database URL: a resolved store (with --model), or empty"
    )
    parser.add_argument("--model", type=Path, default=None, help="the store's linkage model")
    parser.add_argument(
        "--records",
        type=Path,
        default=None,
        help="with --db and --model: the incidents to submit (JSON Lines, e.g. held out when "
        "the store was built) instead of a second force's",
    )
    parser.add_argument("--incidents", type=int, default=5000, help="size of a new force")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=0, help="request threads per worker (0: anyio's 40)"
    )
    parser.add_argument(
        "--group",
        type=int,
        default=8,
        help="the most submissions a worker commits together (1: each alone)",
    )
    parser.add_argument(
        "--count",
        type=int,
        default=20,
        help="incidents then submitted one by one in this process to count round trips",
    )
    parser.add_argument(
        "--analyse-every",
        type=float,
        default=5.0,
        help="PostgreSQL: seconds between ANALYZEs of the store during the run, standing in "
        "for autovacuum (0: never)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="seconds between one client's submissions (default 0: back to back)",
    )
    args = parser.parse_args()
    if args.model is not None and args.db is None:
        parser.error("--model needs the --db it was trained on")
    if args.records is not None and args.model is None:
        parser.error("--records needs the --db and --model they are submitted to")
    total = args.clients * args.per_client
    counted: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        if args.model:
            url, model_path = args.db, args.model
            load_model(model_path)  # fail here, not in the server, if it is not a model
            if args.records:
                records = read_lines(args.records)[: total + args.count]
            else:
                records = extra_incidents(scratch, total + args.count, args.seed)
        else:
            url, model_path, records = build_store(
                scratch, args.incidents, args.seed, total + args.count, args.db
            )
        records, counted = records[:total], records[total:]
        users = create_users(url, args.clients)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "THREADLINE_DATABASE_URL": url,
            "THREADLINE_MODEL_PATH": str(model_path),
            # 20 clients at full speed are not abuse; one secret so every worker reads tokens
            "THREADLINE_RATE_LIMIT_PER_MINUTE": "1000000",
            "THREADLINE_RATE_LIMIT_BURST": "1000000",
            "THREADLINE_SESSION_SECRET": "load-bench-" + "x" * 32,
            "THREADLINE_REQUEST_THREADS": str(args.threads),
            "THREADLINE_SUBMISSION_GROUP": str(args.group),
        }
        command = [sys.executable, "-m", "uvicorn", "threadline.app.server:create", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(args.workers), "--log-level", "warning"]
        # Its own process group: uvicorn's worker processes end with it (see the finally).
        server = subprocess.Popen(command, env=env, start_new_session=True)
        try:
            wait_until_up(base, server)
            tokens = [
                httpx.post(
                    f"{base}/api/token", data={"username": name, "password": PASSWORD}
                ).json()["access_token"]
                for name in users
            ]
            results: list[tuple[float, int, Any]] = []
            shares = [records[i :: args.clients] for i in range(args.clients)]
            threads = [
                threading.Thread(
                    target=run_client, args=(base, token, share, results, args.interval)
                )
                for token, share in zip(tokens, shares, strict=True)
            ]
            # Stagger paced clients so they do not all submit in the same instant.
            cpu_before = cpu_seconds(server.pid)
            database_before = database_cpu(url)
            stop_analysing = threading.Event()
            if url.startswith("postgresql") and args.analyse_every:
                threading.Thread(
                    target=keep_analysing, args=(url, stop_analysing, args.analyse_every)
                ).start()
            client_before = time.process_time()
            started = time.perf_counter()
            for thread in threads:
                if args.interval:
                    time.sleep(args.interval / len(threads))
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            server_cpu = cpu_seconds(server.pid) - cpu_before
            client_cpu = time.process_time() - client_before
            database_cpu_used = sum(
                seconds - database_before.get(pid, 0.0)
                for pid, seconds in database_cpu(url).items()
            )
            stop_analysing.set()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        round_trips = io.StringIO()
        with contextlib.redirect_stdout(round_trips):
            count_round_trips(url, model_path, counted)
    mode = (
        f"paced: each client submits every {args.interval:g}s "
        f"(offered {args.clients / args.interval:.1f} incidents/s)"
        if args.interval
        else "back to back: each client submits as soon as its last answer arrives"
    )
    backend = url.split(":", 1)[0]
    threads = f"{args.threads} request threads each" if args.threads else "40 request threads each"
    print(
        f"{mode}; {backend}, {args.workers} uvicorn worker(s), {threads}, groups of at most "
        f"{args.group}, {os.cpu_count()} cores"
    )
    report(results, elapsed, args.clients)
    if results:
        print(
            f"server CPU: {server_cpu * 1000 / len(results):.1f} ms per request "
            f"({server_cpu / elapsed:.2f} cores busy on average); the clients (this process): "
            f"{client_cpu * 1000 / len(results):.1f} ms per request"
        )
        every = server_cpu + client_cpu + database_cpu_used
        if database_cpu_used:
            print(
                f"PostgreSQL CPU (its processes serving the store): "
                f"{database_cpu_used * 1000 / len(results):.1f} ms per request "
                f"({database_cpu_used / elapsed:.2f} cores busy on average)"
            )
        print(
            f"all CPU (server, database, clients): {every * 1000 / len(results):.1f} ms per "
            f"request: {os.cpu_count()} idle cores could serve at most "
            f"{len(results) * (os.cpu_count() or 1) / every:.0f}/s"
        )
    print(f"load average (1, 5, 15 min) at the end: {load_average()}")
    print(round_trips.getvalue(), end="")


def report(results: list[tuple[float, int, Any]], elapsed: float, clients: int) -> None:
    latencies = [ms for ms, _status, _body in results]
    failures = [(status, body) for _ms, status, body in results if status != 200]
    server_total = [body["timings_ms"]["total"] for _ms, status, body in results if status == 200]
    alerts = sum(len(body["alerts"]) for _ms, status, body in results if status == 200)
    print(
        f"{len(results)} requests from {clients} concurrent clients in {elapsed:.1f}s "
        f"({len(results) / elapsed:.1f}/s); failures: {len(failures)}; alerts raised or "
        f"updated: {alerts}"
    )
    if latencies:
        print(
            f"latency ms: p50 {percentile(latencies, 50):.0f}  p95 {percentile(latencies, 95):.0f}"
            f"  p99 {percentile(latencies, 99):.0f}  max {max(latencies):.0f}  "
            f"mean {statistics.mean(latencies):.0f}"
        )
    if server_total:
        print(
            f"server submit (store + resolve + recognise) ms: "
            f"p50 {percentile(server_total, 50):.0f}  p95 {percentile(server_total, 95):.0f}"
        )
        timings = [body["timings_ms"] for _ms, status, body in results if status == 200]
        phases = [name for name in timings[0] if name != "total"]
        means = {name: statistics.mean(t.get(name, 0.0) for t in timings) for name in phases}
        # a group of submissions shares one commit
        groups = [body.get("committed_with", 1) for _ms, status, body in results if status == 200]
        own = sum(v for name, v in means.items() if name not in ("prepare", "wait", "commit"))
        commit = statistics.mean(
            t.get("commit", 0.0) / n for t, n in zip(timings, groups, strict=True)
        )
        turn = own + commit
        print(
            "  mean ms: "
            + ", ".join(f"{name} {value:.1f}" for name, value in means.items())
            + f"; committed in groups of {statistics.mean(groups):.1f} on average"
            + f" (largest {max(groups)}); the write turn per submission (store to its share"
            + f" of the commit) {turn:.1f}: at most {1000 / turn:.0f}/s"
        )
    for status, body in failures[:5]:
        print(f"  failed with {status}: {body}")
    target = not failures and latencies and percentile(latencies, 95) < 300
    print("target (no failures, p95 < 300 ms):", "met" if target else "NOT met")


if __name__ == "__main__":
    main()
