"""Each page's server time on a demo-sized force, this tree beside another in one run (issue 24:
the dashboard and the picture within 300 ms).

    # the demo force as make demo builds it (any folder holding a resolved threadline.db):
    .venv/bin/python bench/bench_dashboard.py --force /tmp/dash_force --build
    .venv/bin/python bench/bench_pages.py --force /tmp/dash_force
    # against a checkout of another commit (git worktree add /tmp/base <commit>):
    .venv/bin/python bench/bench_pages.py --force /tmp/dash_force --before /tmp/base
    # a bigger force, built first by this tree (the tree --before names cannot open a store
    # migrated past its head, so build with the older tree to compare at that size):
    .venv/bin/python bench/bench_pages.py --force /tmp/force50k --incidents 50000 --requests 3
    # the demo force against another tree, then a million incidents (the 50,000 grown 20
    # times by bench/grow_store.py, whose docstring says how it differs from a real force),
    # this tree alone, in one run:
    .venv/bin/python bench/grow_store.py --source /tmp/force50k --force /tmp/force1m
    .venv/bin/python bench/bench_pages.py --force /tmp/dash_force --before /tmp/base \
        --also /tmp/force1m --requests 3

Each tree is timed in its own Python process (``PYTHONPATH`` = its ``src``) on its own copy of the
store, through the test client as a supervisor (a bearer token, a purpose): ``--requests`` GETs of
each page after one warm-up, p50 and max of the wall time per request and p50 of the CPU time
the process spent on it (the server's own work, what a busy machine's wall time hides). The
pages are those of the force's most-reported victim: her person page, the picture of her latest
incident, the dashboard, MARAC, accountability, statistics, the audit log, a name search and the
connect page between her and the suspect she shares most incidents with. A page a tree does not
have (404) is shown as such. The ratio column is after / before (below 1: faster).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
PASSWORD = "granite harbour lantern 7"


def subjects(store: Path) -> dict[str, str]:
    """The most-reported victim, her latest incident, and the suspect she shares most with."""
    with sqlite3.connect(store) as db:
        (victim,) = db.execute(
            "select em.entity_id from mentions m join entity_members em using (mention_key) "
            "where m.role = 'victim' and m.record_kind = 'incident' "
            "group by em.entity_id order by count(*) desc limit 1"
        ).fetchone()
        (ref,) = db.execute(
            "select i.ref from incidents i join mentions m on m.record_key = i.record_key "
            "join entity_members em using (mention_key) where em.entity_id = ? "
            "order by i.reported_at desc limit 1",
            (victim,),
        ).fetchone()
        (suspect,) = db.execute(
            "select s.entity_id from mentions v join entity_members ev using (mention_key) "
            "join mentions ms on ms.record_key = v.record_key and ms.role = 'suspect' "
            "join entity_members s on s.mention_key = ms.mention_key "
            "where ev.entity_id = ? group by s.entity_id order by count(*) desc limit 1",
            (victim,),
        ).fetchone()
        (surname,) = db.execute(
            "select m.surname from mentions m join entity_members em using (mention_key) "
            "where em.entity_id = ? and m.surname is not null limit 1",
            (victim,),
        ).fetchone()
    return {"victim": victim, "ref": ref, "suspect": suspect, "surname": surname}  # fmt: skip


def pages(s: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, query) of each page; the purpose is added where a page asks for one."""
    return [
        ("dashboard", "/dashboard", {}),
        ("picture", f"/incidents/{quote(s['ref'], safe='')}", {}),
        ("person", f"/people/{quote(s['victim'], safe='')}", {}),
        ("marac", "/marac", {}),
        ("accountability", "/accountability", {}),
        ("statistics", "/stats", {}),
        ("audit log", "/audit", {"action": "person.view"}),
        ("search", "/search", {"surname": s["surname"]}),
        ("connect", "/connect", {"a": s["victim"], "b": s["suspect"]}),
    ]


def worker(store: Path, requests: int) -> dict[str, object]:
    """Time every page on ``store`` with the threadline importable now (one tree's)."""
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from threadline.api import ApiConfig
    from threadline.app import create_app
    from threadline.guard import UserRole, create_user
    from threadline.settings import Settings
    from threadline.store import open_store

    started = time.perf_counter()
    engine = open_store(f"sqlite:///{store}")  # the tree's migrations, as a server starts
    migrated = (time.perf_counter() - started) * 1000
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users = {}
    for role in ("supervisor", "auditor", "analyst"):
        users[role] = create_user(engine, f"bench-{role}", "Bench", UserRole(role), PASSWORD, NOW,
                                  hasher=hasher)  # fmt: skip
    config = ApiConfig(
        session_secret="bench", rate_limit_per_minute=1e6, rate_limit_burst=10**6,
        secure_cookies=False,
    )  # fmt: skip
    model = Path(os.environ.get("BENCH_MODEL", "var/model.json"))
    settings = Settings(model_path=model)
    app = create_app(settings, engine, config=config, clock=lambda: NOW, password_hasher=hasher)
    by_page = {"audit log": "auditor", "connect": "analyst"}
    results: dict[str, object] = {"migrate": {"ms": migrated}}
    with TestClient(app) as client:
        for name, path, query in pages(subjects(store)):
            user = users[by_page.get(name, "supervisor")]
            headers = {"Accept": "text/html",
                       "Authorization": f"Bearer {app.state.tokens.issue(user)}"}  # fmt: skip
            purpose = {} if name == "audit log" else {"purpose": "bench of the pages"}
            params = {**query, **purpose}
            times: list[float] = []
            cpu: list[float] = []
            status, size, prompt = 0, 0, False
            for i in range(requests + 1):
                start, start_cpu = time.perf_counter(), time.process_time()
                answer = client.get(path, params=params, headers=headers)
                elapsed = (time.perf_counter() - start) * 1000
                used = (time.process_time() - start_cpu) * 1000
                status, size = answer.status_code, len(answer.content)
                prompt = 'name="purpose"' in answer.text and "<h1>Why" in answer.text
                if status != 200:
                    break
                if i:
                    times.append(elapsed)
                    cpu.append(used)
            results[name] = (
                {"p50": statistics.median(times), "max": max(times), "kb": size / 1024,
                 "cpu": statistics.median(cpu), "prompt": prompt}
                if times
                else {"status": status}
            )  # fmt: skip
    return results


def lists(store: Path, requests: int) -> dict[str, dict[str, float]]:
    """The owed list and the MARAC list computed in this process as the pages compute them
    (kept facts, candidates) and the old way (every incident read, every assessment graded),
    on the store the pages were timed on; with the check that both give the same list."""
    from threadline.crossref.marac import referral_list
    from threadline.crossref.marac_referrals import previous_referrals
    from threadline.crossref.risk import owed, owed_read_whole
    from threadline.risk import MaracSettings
    from threadline.store.database import make_engine

    engine = make_engine(f"sqlite:///{store}")
    made = previous_referrals(engine, NOW)

    def marac(whole: bool) -> list[dict[str, object]]:
        found = referral_list(engine, NOW, MaracSettings(), made, complete=False, read_whole=whole)
        return [r.to_dict() for r in found]

    runs = {
        "owed list": (lambda: owed(engine, NOW), lambda: owed_read_whole(engine, NOW)),
        "MARAC list": (lambda: marac(False), lambda: marac(True)),
    }
    found: dict[str, dict[str, float]] = {}
    for name, (kept, whole) in runs.items():
        times: dict[str, list[float]] = {"kept": [], "whole": []}
        results = {}
        for label, run in (("kept", kept), ("whole", whole)):
            for _ in range(requests):
                start = time.perf_counter()
                results[label] = run()
                times[label].append((time.perf_counter() - start) * 1000)
        found[name] = {
            "kept": statistics.median(times["kept"]),
            "whole": statistics.median(times["whole"]),
            "rows": len(results["kept"]),
            "same": results["kept"] == results["whole"],
        }
    return found


def timed(
    tree: Path, force: Path, requests: int, model: Path, with_lists: bool = False
) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.db"
        shutil.copyfile(force / "threadline.db", store)
        env = {**os.environ, "PYTHONPATH": str(tree / "src"), "BENCH_MODEL": str(model)}
        command = [sys.executable, __file__, "--worker", str(store), "--requests", str(requests)]
        out = subprocess.run(
            [*command, *(["--lists"] if with_lists else [])],
            check=True, capture_output=True, text=True, env=env, cwd=tmp,
        )  # fmt: skip
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def build(force: Path, incidents: int, seed: int) -> None:
    """A demo force of ``incidents`` as ``make demo-data`` builds it (its period ending on the
    bench's day, the ex-partner story current), into ``force``; the comms evidence left out."""
    force.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "THREADLINE_DATABASE_URL": f"sqlite:///{force / 'threadline.db'}",
           "PYTHONPATH": str(HERE / "src")}  # fmt: skip
    cli = [sys.executable, "-c", "from threadline.cli import app; app()"]
    demo = force / "demo"
    names = ("orders", "incidents", "crimes", "assessments")
    steps = [
        ["synth", str(demo), "--incidents", str(incidents), "--seed", str(seed),
         "--end", NOW.date().isoformat(), "--current-story"],
        ["import", *(str(demo / f"{n}.jsonl") for n in names)],
        ["train"],
        ["resolve"],
        ["recognise"],
    ]  # fmt: skip
    for step in steps:
        print("build:", step[0], flush=True)  # noqa: T201
        subprocess.run([*cli, *step], check=True, cwd=force, env=env)
    trained = force / "var" / "model.json"  # threadline train writes var/model.json
    if trained.exists():
        shutil.move(str(trained), force / "model.json")


def report(
    force: Path, args: argparse.Namespace, before_tree: Path | None, with_lists: bool
) -> None:
    """Time the pages on ``force`` with this tree (and ``before_tree``'s, if given) and print
    the table."""
    with sqlite3.connect(force / "threadline.db") as db:
        (incidents,) = db.execute("select count(*) from incidents").fetchone()
    load = os.getloadavg()[0]
    print(f"\nforce {force}: {incidents:,} incidents; {args.requests} GETs of each page "  # noqa: T201
          f"after a warm-up; load average {load:.1f} on {os.cpu_count()} cores")  # fmt: skip
    model = args.model or next(
        (p for p in (force / "model.json", HERE / "var/model.json") if p.exists()),
        force / "model.json",
    )
    after = timed(HERE, force, args.requests, model.resolve(), with_lists=with_lists)
    before = None
    if before_tree:
        try:
            before = timed(before_tree, force, args.requests, model.resolve())
        except subprocess.CalledProcessError as error:  # e.g. a store built by a newer tree
            print(f"the tree at {before_tree} could not time the pages: {error.stderr[-300:]}")  # noqa: T201

    def cell(r: dict[str, float] | None) -> str:
        if r is None:
            return f"{'':>32}"
        if "p50" not in r:
            return f"{'status ' + str(int(r['status'])):>32}"
        cpu = f"{r['cpu']:>7.0f}" if "cpu" in r else f"{'':>7}"
        return (f"{r['p50']:>9.0f}{cpu}{r['max']:>9.0f}{r['kb']:>7.0f}"
                f"{'  PROMPT' if r['prompt'] else ''}")  # fmt: skip

    migrations = [f"this tree {after.pop('migrate')['ms'] / 1000:.1f} s"]
    if before is not None:
        migrations.append(f"before {before.pop('migrate', {'ms': 0})['ms'] / 1000:.1f} s")
    print("migrating the copied store:", ", ".join(migrations))  # noqa: T201
    computed = after.pop("lists", {})
    head = f"{'page':<16}{'p50 ms':>9}{'cpu ms':>7}{'max ms':>9}{'KB':>7}"
    if before is not None:
        head += f"   before: {'p50 ms':>9}{'cpu ms':>7}{'max ms':>9}{'KB':>7}{'ratio':>8}"
    print(head)  # noqa: T201
    for name, r in after.items():
        line = f"{name:<16}{cell(r)}"
        if before is not None:
            b = before.get(name)
            line += f"   {'':8}{cell(b)}"
            if b and "p50" in b and "p50" in r:
                line += f"{r['p50'] / b['p50']:>8.2f}"
        print(line)  # noqa: T201
    if not computed:
        return
    print(  # noqa: T201
        f"\n{'list (in process)':<18}{'kept ms':>9}{'old way ms':>12}{'ratio':>8}{'rows':>7}  same"
    )
    for name, c in computed.items():
        print(  # noqa: T201
            f"{name:<18}{c['kept']:>9.0f}{c['whole']:>12.0f}{c['kept'] / c['whole']:>8.2f}"
            f"{int(c['rows']):>7}  {'yes' if c['same'] else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", type=Path, help="folder with threadline.db (required)")
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="another force to time after it, this tree alone (e.g. bench/grow_store.py's 1M)",
    )
    parser.add_argument(
        "--before", type=Path, help="a checkout of the commit to compare with (on --force)"
    )
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument(
        "--model", type=Path, help="the linkage model (default: FORCE/model.json, var/model.json)"
    )
    parser.add_argument(
        "--incidents", type=int, help="build a demo force of this many incidents into --force first"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-lists",
        action="store_true",
        help="leave out the owed and MARAC lists' in-process check",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--lists", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        found = worker(args.worker, args.requests)
        if args.lists:
            found["lists"] = lists(args.worker, args.requests)
        print(json.dumps(found))  # noqa: T201
        return
    if args.force is None:
        parser.error("--force is required")
    if args.incidents:
        build(args.force, args.incidents, args.seed)
    report(args.force, args, args.before, with_lists=not args.no_lists)
    for force in args.also:  # the old way's lists take minutes on a big force: not compared
        report(force, args, None, with_lists=False)


if __name__ == "__main__":
    main()
