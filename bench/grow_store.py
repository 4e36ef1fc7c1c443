"""A big SQLite store for the page benchmark, grown from a resolved force by copying its rows
(issue 24: each page's server time at a million incidents).

    # a resolved, recognised 50,000-incident force (bench_pages.py builds one), grown 20 times:
    .venv/bin/python bench/grow_store.py --source /tmp/force50k --force /tmp/force1m --copies 20
    .venv/bin/python bench/bench_pages.py --force /tmp/force1m --requests 3

What it is: ``--copies`` copies of every row of the source store's data tables in one store
(incidents, crimes, orders, assessments, their mentions, features and identifiers, the resolved
entities and their members and events, alerts with their links, events and actions, cases,
the review queue...), each copy after the first with disjoint keys: every text column has its
references renamed (``INC-`` to ``INC-K07-``, likewise ``CRM-``, ``ORD-``, ``RA-``, and the
entity ids ``P00…`` to ``P07…``; an alert's key, which for a repeated location names the place
alone, also gains ``@K07``), integer ids are moved up by ``k × 10⁸`` (and the case ids
that point at them with them). The indexes are dropped while the rows go in and made again
after; the schema, the alembic revision and every other row are those of the source.

How it differs from a real force of that size, built by synth, import, train, resolve and
recognise (which takes hours and some 20 GB on a small machine): it is ``--copies`` disjoint
forces side by side over the same period, not one force. Every person is there ``--copies``
times under the same name, date of birth and address but as different entities (nothing links
one copy to another: a real resolution would have merged them, so a name search finds each
person once per copy); every incident happens ``--copies`` times at the same moment; officers
are the same names in every copy, so each officer owes ``--copies`` times as much; the alerts,
the owed list, MARAC and the statistics are those of one force multiplied, where a real force's
would grow with its own history (longer courses of conduct, more repeat victims). The audit log,
users and imports are not copied (the audit log is a hash chain). What the pages read per row is
real: indexes, row counts, the sizes of the tables the dashboard and the picture scan.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from pathlib import Path

#: The copies' integer ids: copy ``k``'s rows are ``id + k * STRIDE`` (the source's are below).
STRIDE = 10**8
#: Tables whose rows are not copied: one per store, or a chain that copies would break.
KEPT_ONCE = {"alembic_version", "users", "sign_in_failures", "audit_log", "imports"}
#: Integer columns that hold another table's id, moved up with it.
POINTERS = {"case_id"}
#: Prefixes of references in text, renamed in each copy (``{k}`` the copy's number, 2 digits).
RENAMED = (("INC-", "INC-K{k}-"), ("CRM-", "CRM-K{k}-"), ("ORD-", "ORD-K{k}-"),
           ("RA-", "RA-K{k}-"), ("P00", "P{k}"))  # fmt: skip
TEXT_TYPES = ("VARCHAR", "TEXT", "JSON", "CHAR")


def renamed(column: str, k: int) -> str:
    expr = f'"{column}"'
    for old, new in RENAMED:
        expr = f"replace({expr}, '{old}', '{new.format(k=f'{k:02d}')}')"
    return expr


def grow(store: Path, copies: int) -> dict[str, int]:
    """Add ``copies - 1`` copies of every data table's rows to ``store`` (a copy of the source)."""
    db = sqlite3.connect(store)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    tables = [
        r[0]
        for r in db.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        )
    ]
    indexes = db.execute(
        "select name, sql from sqlite_master where type = 'index' and sql is not null"
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    grown = {}
    for table in tables:
        if table in KEPT_ONCE:
            continue
        columns = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        (rows,) = db.execute(f'select count(*) from "{table}"').fetchone()
        if not rows:
            continue
        started = time.perf_counter()
        names = [c[1] for c in columns]
        for k in range(1, copies):
            exprs = []
            for _cid, name, kind, *_ in columns:
                kind = (kind or "").upper()
                if name == "id" and kind == "INTEGER" or name in POINTERS:
                    exprs.append(f'"{name}" + {k * STRIDE}')
                elif name == "alert_key":  # a place's alert is keyed by the place alone
                    exprs.append(f"{renamed(name, k)} || '@K{k:02d}'")
                elif kind.startswith(TEXT_TYPES):
                    exprs.append(renamed(name, k))
                else:
                    exprs.append(f'"{name}"')
            # the source's rows alone, not the copies already in (text keys: not renamed)
            if table == "entities":
                where = "where substr(id, 1, 3) = 'P00'"
            elif "id" in names:
                where = f'where "id" < {STRIDE}'
            else:
                where = "where mention_key not like '%-K%'"
            db.execute(
                f'insert into "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                f'select {", ".join(exprs)} from "{table}" {where}'
            )
        db.commit()
        grown[table] = db.execute(f'select count(*) from "{table}"').fetchone()[0]
        took = time.perf_counter() - started
        print(f"{table}: {rows:,} rows to {grown[table]:,} in {took:.0f} s", flush=True)  # noqa: T201
    started = time.perf_counter()
    for _, sql in indexes:
        db.execute(sql)
    db.commit()
    print(f"indexes made again in {time.perf_counter() - started:.0f} s", flush=True)  # noqa: T201
    db.close()
    return grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder with threadline.db")
    parser.add_argument("--force", type=Path, required=True, help="the folder to grow it into")
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    if args.copies > 99:
        parser.error("at most 99 copies (two digits in the renamed references)")
    args.force.mkdir(parents=True, exist_ok=True)
    store = args.force / "threadline.db"
    source = sqlite3.connect(args.source / "threadline.db")
    target = sqlite3.connect(store)
    source.backup(target)  # a consistent copy, the write-ahead log folded in
    source.close()
    target.close()
    for extra in ("model.json",):
        if (args.source / extra).exists():
            shutil.copyfile(args.source / extra, args.force / extra)
    started = time.perf_counter()
    grown = grow(store, args.copies)
    took, size = time.perf_counter() - started, store.stat().st_size / 2**30
    print(f"grown {args.copies} times in {took:.0f} s: "  # noqa: T201
          f"{grown.get('incidents', 0):,} incidents, {size:.1f} GiB")  # fmt: skip


if __name__ == "__main__":
    main()
