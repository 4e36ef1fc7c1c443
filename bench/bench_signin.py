"""Sign-in under a flood: 32 parallel wrong logins against a served app while a signed-in client
asks ``/api/me`` (issue 27 target: server memory under 400 MB, ``/api/me`` p95 under 50 ms).

    .venv/bin/python bench/bench_signin.py                      # both floods, 20 s each
    .venv/bin/python bench/bench_signin.py --flood many --seconds 30
    .venv/bin/python bench/bench_signin.py --hash-slots 4       # the deployment setting

The app runs in a uvicorn subprocess (one worker, the production argon2id parameters and
``hash_slots``) on a fresh SQLite store with two users. First ``/api/me`` is timed alone (the
baseline); then 32 threads send wrong passwords as fast as they are answered, for ``--seconds``,
while one client with a bearer token asks ``/api/me`` every 20 ms. Two floods:

* ``one``: every wrong login names the same real account: after five it is locked, and the rest
  are refused before any hashing (429);
* ``many``: every wrong login names a different account, so none is locked and each one costs a
  full argon2id check: the hashing limiter is what bounds memory and keeps ``/api/me`` fast.

Printed per flood: the server's resident memory before and at its peak (``VmHWM``, the kernel's
high-water mark, and the highest ``VmRSS`` sampled every 20 ms), the login answers by status,
and ``/api/me`` p50/p95/max.

Measured 2026-12-06 on the 2-core development machine, shared with other sessions' test runs
(load average 11; ``/api/me`` alone p95 11-17 ms), ``--seconds 20``, default settings
(``hash_slots`` 1). Before issue 27: 242 MB -> 1.94 GB and ``/api/me`` 3 ms -> 1.7 s.

=========  ===========================  ========================================
flood      server memory (peak)         ``/api/me`` under the flood
=========  ===========================  ========================================
one name   221 -> 242-244 MB            p50 2.7-3.1 ms, p95 14.8-21.9 ms
new names  221 -> 243 MB                p50 7.5 ms, p95 36.1 ms
=========  ===========================  ========================================

The first 32 attempts at one name queue for the password thread; with the machine this busy,
the five wrong guesses it checks before the name locks take longer than ``hash_wait_seconds``,
so about 21 of the queued attempts are told 503 rather than 429.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from multiprocessing import Process, Queue
from pathlib import Path

import httpx

PASSWORD = "granite harbour lantern 7"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_server(folder: Path, hash_slots: int) -> tuple[subprocess.Popen[bytes], str]:
    from threadline.guard import create_user
    from threadline.store import open_store

    url = f"sqlite:///{folder}/signin.db"
    engine = open_store(url)
    now = datetime.now(UTC)
    for name, role in (("reader", "analyst"), ("target", "officer")):
        create_user(engine, name, name.title(), role, PASSWORD, now)  # production argon2id
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "THREADLINE_DATABASE_URL": url,
        "THREADLINE_MODEL_PATH": str(folder / "no-model.json"),
        "THREADLINE_SESSION_SECRET": secrets.token_urlsafe(32),
        "THREADLINE_SECURE_COOKIES": "false",
        "THREADLINE_RATE_LIMIT_PER_MINUTE": "1000000",
        "THREADLINE_RATE_LIMIT_BURST": "1000000",
        "THREADLINE_HASH_SLOTS": str(hash_slots),
    }
    command = [
        sys.executable, "-m", "uvicorn", "threadline.app.server:create", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/api/health").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start")


def time_me(base: str, token: str, stop: threading.Event, out: list[float]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            answer = client.get("/api/me")
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"/api/me answered {answer.status_code}: {answer.text}")
            out.append(elapsed)
            time.sleep(0.02)


async def _flood(base: str, mode: str, n: int, seconds: float) -> Counter[int]:
    statuses: Counter[int] = Counter()
    deadline = time.monotonic() + seconds

    async def worker(index: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            attempt = 0
            while time.monotonic() < deadline:
                attempt += 1
                name = "target" if mode == "one" else f"guess-{index}-{attempt}"
                form = {"username": name, "password": "wrong guess 12345"}
                try:
                    statuses[(await client.post("/api/token", data=form)).status_code] += 1
                except httpx.TransportError:
                    statuses[0] += 1

    await asyncio.gather(*(worker(i) for i in range(n)))
    return statuses


def flood(base: str, mode: str, n: int, seconds: float, out: Queue[Counter[int]]) -> None:
    """``n`` clients, each sending a wrong login as soon as its last one is answered (in its own
    process, so that the flood's client work does not slow the timed client's)."""
    out.put(asyncio.run(_flood(base, mode, n, seconds)))


def run(mode: str, seconds: float, parallel: int, hash_slots: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server, base = start_server(Path(folder), hash_slots)
        try:
            token = httpx.post(
                base + "/api/token", data={"username": "reader", "password": PASSWORD}
            ).json()["access_token"]
            calm: list[float] = []
            quiet = threading.Event()
            timer = threading.Thread(target=time_me, args=(base, token, quiet, calm))
            timer.start()
            time.sleep(3)
            quiet.set()
            timer.join()
            before = memory_kib(server.pid, "VmRSS")

            stop = threading.Event()
            busy: list[float] = []
            peak_sampled = before
            results: Queue[Counter[int]] = Queue()
            flooding = Process(target=flood, args=(base, mode, parallel, seconds, results))
            timer = threading.Thread(target=time_me, args=(base, token, stop, busy))
            flooding.start()
            time.sleep(0.5)  # the flood under way
            timer.start()
            deadline = time.monotonic() + seconds - 1
            while time.monotonic() < deadline:
                peak_sampled = max(peak_sampled, memory_kib(server.pid, "VmRSS"))
                time.sleep(0.02)
            stop.set()
            timer.join()
            statuses = results.get(timeout=120)
            flooding.join()
            high_water = memory_kib(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(10)
    print(f"flood '{mode}': {parallel} parallel wrong logins for {seconds:g} s, "
          f"hash_slots={hash_slots}")  # fmt: skip
    print(f"  server memory: {before / 1024:.0f} MB before, peak {peak_sampled / 1024:.0f} MB "
          f"sampled, {high_water / 1024:.0f} MB high-water mark (VmHWM)")  # fmt: skip
    answers = ", ".join(
        f"{status or 'error'}: {count:,}" for status, count in sorted(statuses.items())
    )
    print(f"  login answers: {sum(statuses.values()):,} ({answers})")
    for label, times in (("alone", calm), ("under the flood", busy)):
        print(f"  /api/me {label}: n={len(times)} p50 {statistics.median(times):.1f} ms, "
              f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", choices=["one", "many", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--hash-slots", type=int, default=1)
    args = parser.parse_args()
    for mode in ("one", "many") if args.flood == "both" else (args.flood,):
        run(mode, args.seconds, args.parallel, args.hash_slots)


if __name__ == "__main__":
    main()
