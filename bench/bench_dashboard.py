"""The supervisor's dashboard page, rendered through the test client on a demo-sized force
(issue 24 target: 300 ms), before and after, side by side in one run.

    # a demo force (make demo-data's steps, 20,000 incidents, seed 7) into a directory:
    .venv/bin/python bench/bench_dashboard.py --force /tmp/dash_force --build
    # then time the page here and in a checkout of the commit before (git worktree add):
    git worktree add /tmp/dash_base <commit>
    .venv/bin/python bench/bench_dashboard.py --force /tmp/dash_force --before /tmp/dash_base

Each source tree is timed in its own Python process (``PYTHONPATH`` = its ``src``) on its own
copy of the force's SQLite store (a supervisor user is added to it): ``--requests`` GETs of
``/dashboard`` (HTML, a bearer token, a purpose) after two warm-up requests, and the
per-request wall time's p50, p95 and max are printed with what the page says and shows: the
open-alert figure in its lead line and how many alert rows it draws. Without ``--before`` only
this tree is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
PASSWORD = "granite harbour lantern 7"


def build(force: Path, incidents: int, seed: int) -> None:
    """The demo force, as ``make demo-data`` builds it, into ``force``."""
    force.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "THREADLINE_DATABASE_URL": f"sqlite:///{force / 'threadline.db'}",
        "PYTHONPATH": str(HERE / "src"),
    }
    cli = [sys.executable, "-c", "from threadline.cli import app; app()"]
    demo = force / "demo"
    steps = [
        ["synth", str(demo), "--incidents", str(incidents), "--seed", str(seed)],
        ["import", *(str(demo / f"{n}.jsonl") for n in ("orders", "incidents", "crimes"))],
        ["import", str(demo / "assessments.jsonl")],
        ["train"],
        ["resolve"],
        ["recognise"],
    ]
    for step in steps:
        subprocess.run([*cli, *step], check=True, cwd=force, env=env)


def worker(store: Path, requests: int) -> dict[str, object]:
    """Time ``/dashboard`` on ``store`` with the threadline importable now (one tree's)."""
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from threadline.api import ApiConfig
    from threadline.app import create_app
    from threadline.guard import UserRole, create_user
    from threadline.settings import Settings
    from threadline.store.database import make_engine

    engine = make_engine(f"sqlite:///{store}")
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    user = create_user(engine, "bench-sup", "Bench", UserRole("supervisor"), PASSWORD, NOW,
                       hasher=hasher)  # fmt: skip
    config = ApiConfig(
        session_secret="bench", rate_limit_per_minute=1e6, rate_limit_burst=10**6,
        secure_cookies=False,
    )  # fmt: skip
    app = create_app(Settings(), engine, config=config, clock=lambda: NOW, password_hasher=hasher)
    headers = {
        "Accept": "text/html",
        "Authorization": f"Bearer {app.state.tokens.issue(user)}",
    }
    params = {"purpose": "start of shift review"}
    times: list[float] = []
    with TestClient(app) as client:
        for i in range(requests + 2):
            start = time.perf_counter()
            page = client.get("/dashboard", params=params, headers=headers)
            elapsed = (time.perf_counter() - start) * 1000
            if page.status_code != 200:
                raise SystemExit(f"/dashboard answered {page.status_code}: {page.text[:300]}")
            if i >= 2:
                times.append(elapsed)
    lead = re.search(r'<p class="lead">(\d+) open alerts', page.text)
    ordered = sorted(times)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
        "says": int(lead.group(1)) if lead else None,
        "rows": page.text.count('<tr class="sev-'),
        "high_rows": page.text.count('<tr class="sev-high"'),
    }


def timed(tree: Path, force: Path, requests: int) -> dict[str, object]:
    """:func:`worker` in a process whose threadline is ``tree``'s, on a copy of the store."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.db"
        shutil.copyfile(force / "threadline.db", store)
        env = {**os.environ, "PYTHONPATH": str(tree / "src")}
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(store), "--requests", str(requests)],
            check=True, capture_output=True, text=True, env=env, cwd=tmp,
        )  # fmt: skip
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def open_alerts(force: Path) -> int:
    import sqlite3

    with sqlite3.connect(force / "threadline.db") as db:
        (n,) = db.execute("select count(*) from alerts where status = 'open'").fetchone()
    return int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", type=Path, default=Path("var/bench-dashboard"))
    parser.add_argument("--build", action="store_true", help="build the demo force first")
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--before", type=Path, help="a checkout of the commit to compare with")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.requests)))  # noqa: T201
        return
    if args.build:
        build(args.force, args.incidents, args.seed)
    trees = [("after (this tree)", HERE)]
    if args.before:
        trees.insert(0, ("before " + args.before.name, args.before))
    print(f"force {args.force}: {open_alerts(args.force)} open alerts in the store; "  # noqa: T201
          f"{args.requests} GET /dashboard each after 2 warm-ups")  # fmt: skip
    print(f"{'tree':<26}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"  # noqa: T201
          f"{'lead says':>11}{'rows':>7}{'high':>6}")  # fmt: skip
    for name, tree in trees:
        r = timed(tree, args.force, args.requests)
        print(f"{name:<26}{r['p50']:>9.0f}{r['p95']:>9.0f}{r['max']:>9.0f}"  # noqa: T201
              f"{r['says']!s:>11}{r['rows']:>7}{r['high_rows']:>6}")  # fmt: skip


if __name__ == "__main__":
    main()
