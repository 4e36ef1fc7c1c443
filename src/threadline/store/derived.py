"""Facts the store keeps beside its records that live code derives from each record alone, and
derives again when that code changes.

Whether an incident's narrative or categories show a stalking behaviour
(:func:`threadline.recognise.shows_stalking`) and a stored assessment's final grade and "yes"
count (:func:`threadline.risk.graded_facts`) are kept beside the record when it is written, so
that the owed list and the MARAC list need not read every narrative or grade every checklist on
each view (migration 0017). They are what the rules of the release that wrote them made of the
record. A release whose behaviour phrases, checklists or grading differ would otherwise go on
reading the older release's verdicts: an incident the new rules see as stalking left off the
owed list, an assessment graded against the old thresholds.

So each kind of derived fact names the packages whose code and data derive it and the libraries
it runs on (spaCy and its lemma tables for the narratives), and the store keeps, in
``derived_facts``, the fingerprint (SHA-256 over every file of those packages and the libraries'
versions) of the code that derived its values. :func:`derive_again` runs whenever a store is
opened (after the migrations, :func:`threadline.store.database.open_store`): where a fingerprint
differs, or there is none (a store from before migration 0022), it derives that fact afresh for
every record in one transaction in the writers' turn, writing only the values that change, and
keeps the new fingerprint in the same transaction; a kill part way leaves the old values and the
old fingerprint, and the next start derives again. The fingerprint covers whole packages, more
than the functions read: a release that touches anything in them derives again, which costs time
once per upgrade but never leaves a stale verdict.

What it costs: reading every narrative again is most of it. On the 100,000-incident synthetic
force (3,874 assessments) deriving everything again took 56 s of CPU (80 s on a busy machine),
about 0.56 ms an incident, during which submissions wait for the writers' turn; every later
opening costs one read of ``derived_facts`` (``bench/bench_derive.py --db <a copy>``). So a
force should expect some minutes at the first start after an upgrade that touches the rules, as
after a migration that fills a column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import import_module
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from threadline.model import RiskAssessment, parse_record
from threadline.recognise import shows_stalking
from threadline.risk import graded_facts
from threadline.store import tables as t

__all__ = ["DERIVED", "DerivedFact", "derive_again", "due", "fingerprint", "graded_columns"]

#: Records read and their changed values written per round.
_CHUNK = 5_000


@dataclass(frozen=True)
class DerivedFact:
    """A kind of fact kept beside each row of ``table``: the ``columns`` that ``derive`` gives a
    row (from the row's ``reads``), and what decides them: the ``packages`` of ours whose files
    it reads, and the installed ``distributions`` (by version) it runs on."""

    name: str
    table: Table
    reads: tuple[str, ...]
    columns: tuple[str, ...]
    derive: Callable[[Any], dict[str, Any]]
    packages: tuple[str, ...]
    distributions: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.packages, self.distributions)


def _stalking_signs(row: Any) -> dict[str, Any]:
    return {"stalking_signs": shows_stalking(*row)}


def graded_columns(record: RiskAssessment) -> dict[str, Any]:
    """An assessment's final grade and "yes" count as the owed rules read them
    (:func:`threadline.risk.graded_facts`), kept beside it."""
    facts, _problem = graded_facts(record)
    return {"grade": facts.grade.value if facts.grade else None, "yes_count": facts.yes_count}


def _graded(row: Any) -> dict[str, Any]:
    (document,) = row
    record = parse_record(document)
    if not isinstance(record, RiskAssessment):
        raise TypeError(f"risk_assessments holds a {type(record).__name__}")
    return graded_columns(record)


DERIVED: tuple[DerivedFact, ...] = (
    DerivedFact(
        "incident_stalking_signs",
        t.incidents,
        ("ref", "category", "closing_category", "narrative"),
        ("stalking_signs",),
        _stalking_signs,
        ("threadline.recognise",),
        ("spacy", "spacy-lookups-data"),  # the tokens and the lemmas the phrases are matched on
    ),
    DerivedFact(
        "assessment_grades",
        t.risk_assessments,
        ("document",),
        ("grade", "yes_count"),
        _graded,
        ("threadline.risk", "threadline.model"),
    ),
)


@cache
def fingerprint(packages: tuple[str, ...], distributions: tuple[str, ...] = ()) -> str:
    """SHA-256 over every file of ``packages`` (code and data, by path; compiled files aside)
    and the installed version of each of ``distributions``."""
    digest = hashlib.sha256()
    for name in distributions:
        digest.update(f"{name}=={version(name)}".encode() + b"\0")
    for package in packages:
        root = Path(import_module(package).__file__ or "").parent
        for path in sorted(_files(root)):
            digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def due(conn: Connection, facts: tuple[DerivedFact, ...] = DERIVED) -> list[DerivedFact]:
    """The facts whose kept fingerprint is not that of the code running now."""
    d = t.derived_facts.c
    kept = dict(conn.execute(select(d.name, d.fingerprint)).all())
    return [f for f in facts if kept.get(f.name) != f.fingerprint]


def derive_again(
    conn: Connection, now: datetime, facts: tuple[DerivedFact, ...] = DERIVED
) -> dict[str, int]:
    """Derive afresh, in ``conn``'s transaction (the writers' turn), each fact that is
    :func:`due`, and keep its new fingerprint; how many rows changed, by fact."""
    changed: dict[str, int] = {}
    for fact in due(conn, facts):
        changed[fact.name] = _derive(conn, fact)
        d = t.derived_facts
        conn.execute(delete(d).where(d.c.name == fact.name))
        conn.execute(insert(d).values(name=fact.name, fingerprint=fact.fingerprint, derived_at=now))
    return changed


def _derive(conn: Connection, fact: DerivedFact) -> int:
    table, c = fact.table, fact.table.c
    values = [c[name] for name in fact.columns]
    write = (
        update(table)
        .where(c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in fact.columns})
    )
    changed, last = 0, 0
    while True:
        rows = conn.execute(
            select(c.id, *values, *(c[name] for name in fact.reads))
            .where(c.id > last)
            .order_by(c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return changed
        last = rows[-1].id
        width = len(values)
        updates = []
        for row in rows:
            derived = fact.derive(row[1 + width :])
            if tuple(derived[name] for name in fact.columns) != tuple(row[1 : 1 + width]):
                updates.append({"b_id": row.id, **{f"b_{k}": v for k, v in derived.items()}})
        if updates:
            conn.execute(write, updates)
        changed += len(updates)
